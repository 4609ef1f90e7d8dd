import { defineProject } from 'vitest/config';

/**
 * The hostile battery (docs/testing.md): hostile requests against the shop fixture's generated apps
 * and Conduit on PGlite and PostgreSQL, each a real server in a child process.
 */
export default defineProject({
  test: {
    name: 'hostile-e2e',
    // A stray `.only` fails here as in CI (vitest.config.ts).
    allowOnly: false,
    include: ['*.test.ts'],
    // Generating and compiling the shop, then the battery, repeated: minutes on a busy machine.
    testTimeout: 120_000,
    hookTimeout: 600_000,
  },
});
