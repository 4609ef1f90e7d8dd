import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'eslint-plugin-spec',
    include: ['test/**/*.test.ts'],
    // Linted projects keep their own test files; they are inputs, not tests of this package.
    exclude: ['test/projects/**', 'test/.out/**', '**/node_modules/**'],
  },
});
