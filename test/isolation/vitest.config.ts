import { defineProject } from 'vitest/config';

/**
 * The proof of isolation of issue #15 (docs/connectivity.md, "Proof of isolation"): the networks of a
 * generated compose file built for real in Linux network namespaces (one per compose service, one
 * bridge per network), and the whole reachability matrix checked against the spec graph. It needs
 * root and `ip` (iproute2); without them it fails with the reason, it never skips.
 */
export default defineProject({
  test: {
    name: 'isolation-e2e',
    // A stray `.only` fails here as in CI (vitest.config.ts).
    allowOnly: false,
    include: ['*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Each file builds its own namespaces; one at a time keeps the shared machine's cores free.
    fileParallelism: false,
  },
});
