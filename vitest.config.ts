import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Each package's unit tests, its end-to-end suites (`*-e2e`: generate, compile, serve), the example, the
    // repository, the hostile battery against the shop and Conduit (hostile-e2e), the proofs of events (events-e2e) and of tasks (tasks-e2e).
    projects: [
      'packages/*',
      'packages/*/vitest.e2e.config.ts',
      'examples/*',
      'test',
      'test/hostile/vitest.config.ts',
      'test/events/vitest.config.ts',
      'test/tasks/vitest.config.ts',
      'test/isolation/vitest.config.ts',
    ],
    reporters: ['default', './scripts/summary-reporter.ts'],
    // Vitest allows `.only` unless CI is set, and then a forgotten one passes locally while it
    // silently skips the rest. Refused everywhere: the root and each project (whose configs do not
    // inherit this one) say so; test/vitest-config.test.ts checks them.
    allowOnly: false,
    // Vitest's default is one worker less than the cores: one file at a time on CI's two cores, while
    // most files wait on child processes (tsc, pnpm, servers). Two keep both cores busy.
    maxWorkers: 2,
  },
});
