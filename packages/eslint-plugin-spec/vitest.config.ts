import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'eslint-plugin-spec',
    // A stray `.only` fails here as in CI (vitest.config.ts).
    allowOnly: false,
    include: ['test/**/*.test.ts'],
    // Linted projects keep their own test files; they are inputs, not tests of this package.
    exclude: ['test/projects/**', 'test/.out/**', '**/node_modules/**'],
  },
});
