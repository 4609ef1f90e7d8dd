import tsParser from '@typescript-eslint/parser';
import spec from 'eslint-plugin-spec';

export default [{ files: ['**/*.ts'], languageOptions: { parser: tsParser } }, spec.configs.recommended];
