import { defineProject } from 'vitest/config';
import { E2E_TESTS } from './vitest.e2e.config.js';

export default defineProject({
  test: {
    name: 'cli',
    // A stray `.only` fails here as in CI (vitest.config.ts).
    allowOnly: false,
    include: ['test/**/*.test.ts'],
    // The tutorial, run end to end, is the cli-e2e project (vitest.e2e.config.ts).
    exclude: E2E_TESTS,
  },
});
