import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'spec-core',
    include: ['test/**/*.test.ts'],
  },
});
