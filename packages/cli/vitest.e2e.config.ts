import { defineProject } from 'vitest/config';

/**
 * The end-to-end suite of the CLI: docs/tutorial.md run as a reader would (init, sync, tsc, a
 * served app). See packages/codegen/vitest.e2e.config.ts; `pnpm test:e2e` runs both.
 */
export const E2E_TESTS = ['test/tutorial.test.ts', 'test/init-hook.test.ts'];

export default defineProject({
  test: {
    name: 'cli-e2e',
    include: E2E_TESTS,
    allowOnly: false,
  },
});
