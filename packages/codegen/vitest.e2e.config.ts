import { defineProject } from 'vitest/config';

/**
 * The end-to-end suites: generate a project, compile it with tsc and serve it on real ports. Slow
 * (minutes on two cores), so they are a project of their own: `pnpm test:e2e` runs them and the
 * other e2e projects, `pnpm test:unit` everything else; `pnpm test` runs both.
 */
export const E2E_TESTS = [
  'test/shop-http.test.ts',
  'test/edge-http.test.ts',
  'test/generated-code.test.ts',
  'test/reserved-names-http.test.ts',
  'test/internal-clients.test.ts',
];

export default defineProject({
  // As in vitest.config.ts: the generated apps import OpenAPI documents with `"__proto__"` keys.
  json: { stringify: true, namedExports: false },
  test: {
    name: 'codegen-e2e',
    include: E2E_TESTS,
    allowOnly: false,
    // A tsc run inside a test takes seconds, more on a busy machine than Vitest's default 5 s.
    testTimeout: 120_000,
  },
});
