// The shop lints itself as a SpecFirst project should: typescript-eslint, and eslint-plugin-spec's
// strict config on the service code, so nothing in services/ goes around the spec.
import js from '@eslint/js';
import spec from 'eslint-plugin-spec';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      'dist/**',
      'generated/validators/**',
      'generated/events/*/validators.*',
      'generated/tasks/*/validators.*',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    languageOptions: {
      parserOptions: { tsconfigRootDir: import.meta.dirname },
      globals: {
        process: 'readonly',
        console: 'readonly',
        URL: 'readonly',
        fetch: 'readonly',
        Headers: 'readonly',
        TextEncoder: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  // On every JavaScript and TypeScript file: the rules know services/ and generated/ from the spec.
  spec.configs.strict,
);
