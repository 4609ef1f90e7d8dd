import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'example-shop',
    // A stray `.only` fails here as in CI (vitest.config.ts).
    allowOnly: false,
    include: ['test/**/*.test.ts'],
    // The scenarios start services (child processes against Redis) and wait for events to travel.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
