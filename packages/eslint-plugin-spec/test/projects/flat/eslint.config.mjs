// The way a project adopts the plugin with flat config (ESLint 9/10).
import tsParser from '@typescript-eslint/parser';
import spec from 'eslint-plugin-spec';

export default [
  { files: ['**/*.ts'], languageOptions: { parser: tsParser } },
  spec.configs.recommended,
];
