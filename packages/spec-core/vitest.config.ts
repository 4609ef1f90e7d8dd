import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'spec-core',
    // A stray `.only` fails here as in CI (vitest.config.ts).
    allowOnly: false,
    include: ['test/**/*.test.ts'],
  },
});
