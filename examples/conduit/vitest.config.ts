import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'example-conduit',
    include: ['test/**/*.test.ts'],
    // Each file starts its own servers and databases; newman and scrypt keep a core busy.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
