import { defineProject } from 'vitest/config';

/**
 * The proofs of issue #13 on the runtime's events (docs/events.md): fan-out across services and
 * replicas on both transports, and the chaos run (SIGKILLed worker processes) on real Redis
 * (`REDIS_URL`, default redis://127.0.0.1:6379; unreachable Redis fails these tests, never skips them).
 */
export default defineProject({
  test: {
    name: 'events-e2e',
    // A stray `.only` fails here as in CI (vitest.config.ts).
    allowOnly: false,
    include: ['*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 30_000,
    // The chaos run owns the machine's cores while it runs; the files do not run side by side.
    fileParallelism: false,
  },
});
