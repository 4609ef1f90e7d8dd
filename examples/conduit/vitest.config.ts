import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'example-conduit',
    // A stray `.only` fails here as in CI (vitest.config.ts).
    allowOnly: false,
    include: ['test/**/*.test.ts'],
    // Each file starts its own servers and databases; newman and scrypt keep a core busy.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
