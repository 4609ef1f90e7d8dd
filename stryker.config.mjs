// Mutation testing with Stryker: `pnpm test:mutation <package or file>` (slow; neither CI nor `pnpm test` runs it). Stryker
// changes one thing at a time in a module (a `<` into `<=`, a string into "", a branch into `true`)
// and runs the module's unit tests against each change; a change no test notices ("survived")
// is behaviour the tests do not check. The report: reports/mutation/index.html.
//
// Each module is tested by its own fast unit tests only. `pnpm test:mutation` (scripts/test-mutation.mjs)
// lists them and picks them by package, file or name; it hands its choice over in SPECFIRST_MUTATE.

// @ts-check
/** The modules, each with the unit tests that claim to check it. */
export const MODULES = {
  'init-dependencies': {
    mutate: 'packages/cli/src/init/dependencies.ts',
    tests: ['packages/cli/test/init-versions.test.ts'],
  },
  dev: {
    mutate: 'packages/cli/src/commands/dev.ts',
    tests: ['packages/cli/test/dev.test.ts'],
  },
  graph: {
    mutate: 'packages/cli/src/graph-output.ts',
    tests: ['packages/cli/test/graph.test.ts'],
  },
  // Plural and did-you-mean: spec-core's tests that check its suggestions. The CLI's tests of
  // plural() go through spec-core's dist/, which Stryker does not mutate.
  suggest: {
    mutate: 'packages/spec-core/src/diagnostics/suggest.ts',
    tests: [
      'packages/spec-core/test/suggest.test.ts',
      'packages/spec-core/test/names.test.ts',
      'packages/spec-core/test/operation-overrides.test.ts',
      'packages/spec-core/test/invalid-fixtures.test.ts',
      'packages/spec-core/test/cache.test.ts',
    ],
  },
  // Which responses the runtime sends on its own: the runtime answers with them, codegen declares them.
  'framework-responses': {
    mutate: 'packages/spec-core/src/http/framework-responses.ts',
    tests: ['packages/spec-core/test/framework-responses.test.ts', 'packages/codegen/test/openapi.test.ts'],
  },
  // SF6008, the advice `specfirst check` gives about an imported document's responses.
  'framework-responses-check': {
    mutate: 'packages/spec-core/src/checks/framework-responses.ts',
    tests: ['packages/spec-core/test/framework-responses.test.ts'],
  },
  // The runtime's request pipeline (packages/runtime/src/pipeline/): each stage with its own unit
  // tests; http.ts and router.ts through apps served on ephemeral ports.
  'runtime-authenticate': {
    mutate: 'packages/runtime/src/pipeline/authenticate.ts',
    tests: ['packages/runtime/test/pipeline/authenticate.test.ts'],
  },
  'runtime-read-parameters': {
    mutate: 'packages/runtime/src/pipeline/read-parameters.ts',
    tests: ['packages/runtime/test/pipeline/read-parameters.test.ts'],
  },
  'runtime-read-body': {
    mutate: 'packages/runtime/src/pipeline/read-body.ts',
    tests: ['packages/runtime/test/pipeline/read-body.test.ts'],
  },
  'runtime-refuse-nul': {
    mutate: 'packages/runtime/src/pipeline/refuse-nul.ts',
    tests: ['packages/runtime/test/pipeline/refuse-nul.test.ts', 'packages/runtime/test/pipeline/http.test.ts'],
  },
  'runtime-check-result': {
    mutate: 'packages/runtime/src/pipeline/check-result.ts',
    tests: ['packages/runtime/test/pipeline/check-result.test.ts'],
  },
  'runtime-write-result': {
    mutate: 'packages/runtime/src/pipeline/write-result.ts',
    tests: ['packages/runtime/test/pipeline/write-result.test.ts'],
  },
  'runtime-http': {
    mutate: 'packages/runtime/src/pipeline/http.ts',
    tests: ['packages/runtime/test/pipeline/http.test.ts'],
  },
  'runtime-router': {
    mutate: 'packages/runtime/src/router.ts',
    tests: ['packages/runtime/test/router.test.ts', 'packages/runtime/test/errors.test.ts'],
  },
  'runtime-validation': {
    mutate: 'packages/runtime/src/validation.ts',
    tests: ['packages/runtime/test/validation.test.ts'],
  },
  // The OpenAPI importer, through the package's entry: documents in, IR and diagnostics out.
  openapi: {
    mutate: 'packages/spec-core/src/formats/openapi/openapi.ts',
    tests: ['packages/spec-core/test/openapi-import.test.ts', 'packages/spec-core/test/openapi-documents.test.ts'],
  },
  // The check of imported documents against the official OpenAPI schemas: one diagnostic per place.
  'openapi-validate': {
    mutate: 'packages/spec-core/src/load/openapi-validate.ts',
    tests: ['packages/spec-core/test/openapi-validate.test.ts', 'packages/spec-core/test/invalid-fixtures.test.ts'],
  },
  'no-adhoc-schema': {
    mutate: 'packages/eslint-plugin-spec/src/rules/no-adhoc-schema.ts',
    tests: [
      'packages/eslint-plugin-spec/test/no-adhoc-schema.test.ts',
      'packages/eslint-plugin-spec/test/no-adhoc-schema-libraries.test.ts',
    ],
  },
  // The JavaScript and TypeScript files the spec rules, init's ESLint config and its hook take.
  'source-files': {
    mutate: 'packages/eslint-plugin-spec/src/source-files.ts',
    tests: ['packages/eslint-plugin-spec/test/source-files.test.ts'],
  },
  // Generated code's layout engine and string literals, against Prettier's output.
  'codegen-layout': {
    mutate: 'packages/codegen/src/emit/doc.ts',
    tests: ['packages/codegen/test/formatting.test.ts'],
  },
  // How spec text reaches generated code: literals, property names, doc comments.
  'codegen-ts': {
    mutate: 'packages/codegen/src/emit/ts.ts',
    tests: ['packages/codegen/test/ts-source.test.ts'],
  },
  // Every generated name and module path.
  'codegen-names': {
    mutate: 'packages/codegen/src/names.ts',
    tests: ['packages/codegen/test/names.test.ts'],
  },
  // The events runtime (packages/runtime/src/events/): each module with the unit tests that check it,
  // on the memory broker (the Redis-backed suites test the same behaviour against Redis and are slower).
  // publish.test.ts too: codec.test.ts and consume-stages.test.ts call encode() while Vitest collects them, and
  // Stryker's Vitest runner counts a file that fails to load as no failure, so a mutant that breaks every
  // encode() would survive them.
  'events-codec': {
    mutate: 'packages/runtime/src/events/codec.ts',
    tests: [
      'packages/runtime/test/events/codec.test.ts',
      'packages/runtime/test/events/consume-stages.test.ts',
      'packages/runtime/test/events/publish.test.ts',
    ],
  },
  'events-ordering': {
    mutate: 'packages/runtime/src/events/ordering.ts',
    tests: ['packages/runtime/test/events/ordering.test.ts'],
  },
  'events-stages': {
    mutate: 'packages/runtime/src/events/consume-stages.ts',
    tests: ['packages/runtime/test/events/consume-stages.test.ts'],
  },
  'events-backoff': {
    mutate: 'packages/runtime/src/events/backoff.ts',
    tests: ['packages/runtime/test/events/backoff.test.ts'],
  },
  // deduplicate(): its own tests, and where handlers use it (the consumer behaviour on the memory broker).
  'events-dedupe': {
    mutate: 'packages/runtime/src/events/dedupe.ts',
    tests: ['packages/runtime/test/events/dedupe.test.ts', 'packages/runtime/test/events/consumer.memory.test.ts'],
  },
  'events-dead-letters': {
    mutate: 'packages/runtime/src/events/dead-letters.ts',
    tests: ['packages/runtime/test/events/dead-letters.test.ts'],
  },
  'events-publish': {
    mutate: 'packages/runtime/src/events/publish.ts',
    tests: ['packages/runtime/test/events/publish.test.ts'],
  },
  'events-memory-broker': {
    mutate: 'packages/runtime/src/events/memory-broker.ts',
    tests: ['packages/runtime/test/events/memory-broker.test.ts'],
  },
  // Not here: events/consumer.ts. With consumer.memory.test.ts and consumer-options.test.ts a run took 19.5
  // minutes on two cores (517 mutants, each running most of the 33 tests, several until they time out).
  // The tasks runtime (packages/runtime/src/tasks/): each module with the unit tests that check it, on the
  // memory backend (the BullMQ suites check the same behaviour against Redis and are slower).
  'tasks-work-stages': {
    mutate: 'packages/runtime/src/tasks/work-stages.ts',
    tests: ['packages/runtime/test/tasks/work-stages.test.ts'],
  },
  // The producer: its job specs and options on their own, createTasks() where workers on the memory
  // backend run what it enqueues.
  'tasks-producer': {
    mutate: 'packages/runtime/src/tasks/producer.ts',
    tests: [
      'packages/runtime/test/tasks/producer.test.ts',
      'packages/runtime/test/tasks/enqueue-options.test.ts',
      'packages/runtime/test/tasks/worker-options.test.ts',
      'packages/runtime/test/tasks/worker.memory.test.ts',
    ],
  },
  // The memory backend: the backend contract and what only it promises (memory-backend.test.ts runs both).
  'tasks-memory-backend': {
    mutate: 'packages/runtime/src/tasks/memory-backend.ts',
    tests: ['packages/runtime/test/tasks/memory-backend.test.ts'],
  },
  // Issue 15's internal calls (packages/runtime/src/internal/, the caller guard stage): each module with
  // the unit tests that check it, against real servers on ephemeral ports.
  'internal-caller-guard': {
    mutate: 'packages/runtime/src/pipeline/caller-guard.ts',
    tests: ['packages/runtime/test/internal/caller-guard.test.ts'],
  },
  'internal-signature': {
    mutate: 'packages/runtime/src/internal/signature.ts',
    tests: ['packages/runtime/test/internal/signature.test.ts', 'packages/runtime/test/internal/caller-guard.test.ts'],
  },
  'internal-client': {
    mutate: 'packages/runtime/src/internal/client.ts',
    // caller-guard.test.ts: the guard's refusals as the client reports them.
    tests: [
      'packages/runtime/test/internal/client.test.ts',
      'packages/runtime/test/internal/chain.test.ts',
      'packages/runtime/test/internal/caller-guard.test.ts',
    ],
  },
  'internal-call-context': {
    mutate: 'packages/runtime/src/internal/call-context.ts',
    tests: [
      'packages/runtime/test/internal/call-context.test.ts',
      'packages/runtime/test/internal/chain.test.ts',
      'packages/runtime/test/internal/handlers.test.ts',
    ],
  },
  'no-undeclared-dependency': {
    mutate: 'packages/eslint-plugin-spec/src/rules/no-undeclared-dependency.ts',
    tests: ['packages/eslint-plugin-spec/test/no-undeclared-dependency.test.ts'],
  },
  // The deployment files: the shop's layout and the 200 random graphs' reachability. Not deploy.test.ts's
  // real-tool cases alone: docker-compose and the Kubernetes schemas check shape, not which pairs connect.
  'deploy-compose': {
    mutate: 'packages/codegen/src/emit/deploy/compose.ts',
    tests: ['packages/codegen/test/deploy.test.ts', 'packages/codegen/test/deploy-reachability.test.ts'],
  },
  'deploy-k8s': {
    mutate: 'packages/codegen/src/emit/deploy/k8s.ts',
    tests: ['packages/codegen/test/deploy.test.ts', 'packages/codegen/test/deploy-reachability.test.ts'],
  },
  'deploy-topology': {
    mutate: 'packages/codegen/src/emit/deploy/topology.ts',
    tests: ['packages/codegen/test/deploy.test.ts', 'packages/codegen/test/deploy-reachability.test.ts'],
  },
  // The Redis users and PostgreSQL roles: their rules table-driven (the real-server suites beside them are slower).
  'deploy-redis-acl': {
    mutate: 'packages/codegen/src/emit/deploy/redis-acl.ts',
    tests: ['packages/codegen/test/deploy/data-access-rules.test.ts'],
  },
  'deploy-postgres-roles': {
    mutate: 'packages/codegen/src/emit/deploy/postgres-roles.ts',
    tests: ['packages/codegen/test/deploy/data-access-rules.test.ts'],
  },
  'summary-reporter': {
    mutate: 'scripts/summary-reporter.ts',
    tests: ['test/summary-reporter.test.ts'],
  },
};

const selected = process.env['SPECFIRST_MUTATE']?.split(',').map((name) => name.trim()) ?? Object.keys(MODULES);
const unknown = selected.filter((name) => !(name in MODULES));
if (unknown.length > 0) {
  throw new Error(
    `SPECFIRST_MUTATE names no module: ${unknown.join(', ')}; the modules are ${Object.keys(MODULES).join(', ')} (stryker.config.mjs)`,
  );
}
const modules = selected.map((name) => MODULES[/** @type {keyof typeof MODULES} */ (name)]);

/** The test files of the selected modules: all that vitest.mutation.config.mjs runs. */
export const mutationTestFiles = modules.flatMap((m) => m.tests);

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  // Named, not discovered: Stryker looks for plugins beside its own folder, which pnpm's store keeps apart.
  plugins: ['@stryker-mutator/vitest-runner'],
  // Not Stryker's `testFiles`: with it, Stryker 9.6.1 switches a mutant of a module's top-level
  // code (a constant) on only after the module has loaded, so no such mutant can be killed
  // (stryker-js#6144). A Vitest config that holds only these tests narrows the run instead.
  vitest: { configFile: 'vitest.mutation.config.mjs' },
  mutate: modules.flatMap((m) => m.mutate),
  // Each mutant runs only the tests that reach it.
  coverageAnalysis: 'perTest',
  // The sandbox (.stryker-tmp/) is a copy of the repository with every node_modules folder linked
  // in, so the packages' workspace links resolve to the real packages and their dist/ (run
  // `pnpm build` first; `pnpm test:mutation` does).
  tempDirName: '.stryker-tmp',
  concurrency: 2,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  clearTextReporter: { allowColor: false, logTests: false, maxTestsToLog: 0 },
  // A report, not a gate.
  thresholds: { high: 90, low: 75, break: null },
};
