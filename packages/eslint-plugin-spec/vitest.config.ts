import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'eslint-plugin-spec',
    include: ['test/**/*.test.ts'],
  },
});
