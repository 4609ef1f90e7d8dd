import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Each package's unit tests, its end-to-end suites (`*-e2e`: generate, compile, serve), the example and the repository.
    projects: ['packages/*', 'packages/*/vitest.e2e.config.ts', 'examples/*', 'test'],
    reporters: ['default', './scripts/summary-reporter.ts'],
  },
});
