import { defineProject } from 'vitest/config';
import { E2E_TESTS } from './vitest.e2e.config.js';

export default defineProject({
  // Vite turns JSON files into object literals, where a `"__proto__"` member sets the prototype
  // instead of making a key; `JSON.parse` keeps it, as Node's own JSON modules do. The generated
  // apps the tests import hold the hostile spec's OpenAPI document, which has such keys. (Vite
  // only honours `stringify` without named exports.)
  json: { stringify: true, namedExports: false },
  test: {
    name: 'codegen',
    // A stray `.only` fails here as in CI (vitest.config.ts).
    allowOnly: false,
    include: ['test/**/*.test.ts'],
    // The generate-compile-serve suites are the codegen-e2e project (vitest.e2e.config.ts).
    exclude: E2E_TESTS,
  },
});
