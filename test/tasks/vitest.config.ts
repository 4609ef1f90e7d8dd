import { defineProject } from 'vitest/config';

/**
 * The proofs of issue #14 on the runtime's tasks (docs/workers.md): the chaos run (worker processes
 * SIGKILLed mid-job, handlers past their time limit, handlers that always throw) on BullMQ and real
 * Redis (`REDIS_URL`, default redis://127.0.0.1:6379; unreachable Redis fails these tests, never skips them).
 */
export default defineProject({
  test: {
    name: 'tasks-e2e',
    // A stray `.only` fails here as in CI (vitest.config.ts).
    allowOnly: false,
    include: ['*.test.ts'],
    // The chaos run bounds itself (chaos.test.ts); generating its code takes a few seconds.
    testTimeout: 90_000,
    hookTimeout: 20_000,
    // The chaos run owns the machine's cores while it runs; the files do not run side by side.
    fileParallelism: false,
  },
});
