import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createServiceApp, type ServiceDefinition, type ServiceOptions } from '../src/app.js';
import { RUNTIME_ERROR_CODES, SpecFirstRuntimeError } from '../src/errors.js';
import { resolveOptions } from '../src/options.js';
import { routerFor } from '../src/router.js';
import { operation, recordingLogger, USERS_DOCUMENT } from './support.js';

/** Every coded runtime error, caused the way a user would cause it, with its code, message and hint. */
const getUser = {
  ...operation('getUser', 'get', '/users/:id'),
  security: [[{ scheme: 'bearer', scopes: [] }], [{ scheme: 'apiKey', scopes: [] }]],
};
const controller = { getUser: () => ({ status: 200 }) };

function app(service: Partial<ServiceDefinition>, options: ServiceOptions = {}) {
  return () => createServiceApp({ basePath: '/api', tags: [], ...service }, { logger: recordingLogger(), ...options });
}
const quiet = resolveOptions({ logger: recordingLogger() });

const cases: [string, () => unknown, string, string][] = [
  [
    'SFR1001',
    app({ tags: [{ operations: [getUser], controller }] }, { docs: false, authenticate: { bearer: () => ({}) } }),
    'no authenticate function for security scheme `apiKey`',
    'pass options.authenticate = { apiKey: (req) => ... }',
  ],
  [
    'SFR1001',
    app({ tags: [{ operations: [getUser], controller }] }, { docs: false }),
    'no authenticate function for security scheme `apiKey`, `bearer`',
    'pass options.authenticate = { apiKey: (req) => ..., bearer: (req) => ... }',
  ],
  [
    'SFR1002',
    () =>
      routerFor(
        [{ definition: operation('getUser', 'get', '/users/:id'), controller: null as unknown as object }],
        quiet,
      ),
    'no controller object was given for operation `getUser`',
    "pass an instance of the class that implements the tag's controller interface",
  ],
  [
    'SFR1002',
    () =>
      routerFor(
        [{ definition: operation('getUser', 'get', '/users/:id'), controller: 'users' as unknown as object }],
        quiet,
      ),
    'no controller object was given for operation `getUser`',
    "pass an instance of the class that implements the tag's controller interface",
  ],
  [
    'SFR1003',
    app({ tags: [{ operations: [operation('listUsers', 'get', '/users')], controller }] }, { docs: false }),
    'the controller has no method `listUsers` for operation `listUsers`',
    "add `listUsers(request, context)` to the controller: the tag's generated interface declares it",
  ],
  [
    'SFR1004',
    app({}, { maxBodyDepth: 0 }),
    'options.maxBodyDepth must be a positive integer; got 0',
    'leave it unset for the default (64), or give the deepest nesting of arrays and objects a JSON body may have',
  ],
  [
    'SFR1004',
    () => routerFor([], resolveOptions({ logger: recordingLogger(), maxBodyDepth: Number.NaN })),
    'options.maxBodyDepth must be a positive integer; got NaN',
    'leave it unset for the default (64), or give the deepest nesting of arrays and objects a JSON body may have',
  ],
  [
    'SFR1101',
    app({}, { docs: true }),
    "options.docs needs the service's OpenAPI document (service.openapi)",
    'generated create<Service>App functions pass it: run `specfirst sync` again',
  ],
  [
    'SFR1102',
    app({ openapi: USERS_DOCUMENT }, { docs: { openapiPath: '/spec', referencePath: '/SPEC' } }),
    'options.docs: openapiPath and referencePath are both /spec',
    'give them different paths, or set one to false',
  ],
  [
    'SFR1103',
    app({ openapi: USERS_DOCUMENT }, { docs: { referencePath: '/docs/:page' } }),
    'options.docs.referencePath must be a path of fixed segments such as "/docs", or false; got "/docs/:page"',
    'use letters, digits and `.` `_` `~` `-` between slashes, without `.` or `..` segments',
  ],
  [
    'SFR1104',
    app(
      { openapi: USERS_DOCUMENT, tags: [{ operations: [operation('getUser', 'get', '/:page')], controller }] },
      { docs: { openapiPath: '/openapi.json' } },
    ),
    'options.docs.openapiPath: the spec has an operation at /api/:page (`getUser`), which serves /api/openapi.json',
    'choose another path for the OpenAPI document',
  ],
];

describe('start-up errors', () => {
  it.each(cases)('%s: %s', (code, make, problem, hint) => {
    let thrown: unknown;
    try {
      make();
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(SpecFirstRuntimeError);
    // Callers that caught the TypeError these were before still catch them.
    expect(thrown).toBeInstanceOf(TypeError);
    expect(thrown).toMatchObject({ name: 'SpecFirstRuntimeError', code, hint, message: `${code} ${problem}; ${hint}` });
  });

  it('the catalogue holds exactly the codes the runtime throws, each documented in docs/controllers.md', () => {
    // SFR2001 (a controller result without a valid status) is tested with the check-result stage,
    // SFR3001 (a body nested too deeply) in pipeline/deep-body.test.ts, the brokers' SFR42xx by the
    // broker contract (events/broker-contract.ts) and events/redis-broker.test.ts, the events engine's
    // (SFR12xx, SFR40xx) in test/events/, the outbox's SFR41xx in events/outbox.test.ts, the
    // sandbox's (SFR132x, SFR433x) in tasks/sandbox.test.ts.
    const brokers = ['SFR4201', 'SFR4202', 'SFR4203', 'SFR4204'];
    const outbox = ['SFR4101', 'SFR4102', 'SFR4103', 'SFR4104', 'SFR4105', 'SFR4106'];
    // The memory task backend's SFR4340–4346: tasks/memory-backend.test.ts.
    const memoryTasks = ['SFR4340', 'SFR4341', 'SFR4342', 'SFR4343', 'SFR4344', 'SFR4345', 'SFR4346'];
    const events = Object.keys(RUNTIME_ERROR_CODES).filter((code) => /^SFR(12|40)\d\d$/.test(code));
    // Tasks' producer and worker (SFR1301–1319, SFR4301–4329) are tested in test/tasks/.
    const tasks = Object.keys(RUNTIME_ERROR_CODES).filter((code) => /^SFR(13[01]|43[0-2])\d$/.test(code));
    const sandbox = Object.keys(RUNTIME_ERROR_CODES).filter((code) => /^SFR(132|433)\d$/.test(code));
    // The BullMQ task backend's SFR4360–4366: test/tasks/bullmq-backend.test.ts.
    const bullmqTasks = ['SFR4360', 'SFR4361', 'SFR4362', 'SFR4363', 'SFR4364', 'SFR4365', 'SFR4366'];
    // Internal clients and the caller guard (SFR14xx, SFR44xx): test/internal/.
    const internal = Object.keys(RUNTIME_ERROR_CODES).filter((code) => /^SFR(14|44)\d\d$/.test(code));
    expect(Object.keys(RUNTIME_ERROR_CODES).sort()).toEqual(
      [
        ...new Set([
          ...cases.map(([code]) => code),
          'SFR2001',
          'SFR3001',
          ...brokers,
          ...outbox,
          ...memoryTasks,
          ...events,
          ...tasks,
          ...sandbox,
          ...bullmqTasks,
          ...internal,
        ]),
      ].sort(),
    );
    const guide = readFileSync(new URL('../../../docs/controllers.md', import.meta.url), 'utf8');
    // Prettier pads the table's cells: a row is `| code | title <spaces>|`.
    const rows = new Map(
      [...guide.matchAll(/^\| `(SFR\d{4})` +\| (.+?) *\|/gm)].map((row) => [row[1], row[2]] as const),
    );
    for (const [code, title] of Object.entries(RUNTIME_ERROR_CODES)) expect(rows.get(code), code).toBe(title);
  });
});
