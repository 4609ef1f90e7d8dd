// The repository lints itself with typescript-eslint (no type information, so it stays fast).
import js from '@eslint/js';
import spec from 'eslint-plugin-spec';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      '**/node_modules/**',
      'coverage/**',
      '.stryker-tmp/**',
      'reports/**',
      'bench/.out/**',
      'packages/*/test/.out/**',
      'test/events/.out/**',
      'test/tasks/.out/**',
      'fixtures/**/generated/**',
      'packages/spec-core/src/generated/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.strict,
  ...tseslint.configs.stylistic,
  {
    languageOptions: {
      // Said outright: with examples/conduit's own config in the tree, typescript-eslint cannot guess it.
      parserOptions: { tsconfigRootDir: import.meta.dirname },
      globals: { process: 'readonly', console: 'readonly', URL: 'readonly', performance: 'readonly' },
    },
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // The plugin this repository ships, on the services the fixtures hold (built by `pnpm install`).
    ...spec.configs.recommended,
    files: ['fixtures/*/services/**/*.ts'],
  },
  {
    // CommonJS on purpose: the plugin's entry for `.eslintrc` loaders, and eslintrc fixtures.
    files: ['**/*.cjs'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { module: 'writable', require: 'readonly', exports: 'writable' },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
