import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    // Tests of the repository as a whole: what a clone, a tarball or a reader of the docs gets.
    name: 'repository',
    // A stray `.only` fails here as in CI (vitest.config.ts).
    allowOnly: false,
    include: ['**/*.test.ts'],
    // The hostile battery and the proofs of events are projects of their own (hostile/, events/).
    exclude: ['hostile/**', 'events/**', 'isolation/**', '**/node_modules/**'],
    globalSetup: ['./global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 300_000,
  },
});
