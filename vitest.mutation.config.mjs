// @ts-check
// The Vitest config Stryker runs (stryker.config.mjs): only the unit tests of the modules being
// mutated, in one project rooted here. (The packages' own configs add nothing but a name.)
import { defineConfig } from 'vitest/config';
import { mutationTestFiles } from './stryker.config.mjs';

export default defineConfig({
  test: {
    include: mutationTestFiles,
    allowOnly: false,
    // As the repository project (test/vitest.config.ts) allows its tests.
    testTimeout: 120_000,
    hookTimeout: 300_000,
  },
});
