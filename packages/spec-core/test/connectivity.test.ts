/**
 * `@specfirst/spec-core/connectivity`, function by function: the names a deployment gives a service
 * (host, variables), what it needs (Redis, PostgreSQL, the internet), who calls whom, and the
 * reachability the spec declares, on IRs loaded from real specs and on small ones built by hand.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  CALLER_HEADERS,
  calleesOf,
  callersOf,
  DATABASE_URL_ENV,
  declaredReachability,
  defaultServiceUrl,
  envStem,
  INFRASTRUCTURE,
  internalKeyEnv,
  INTERNET,
  needsDatabase,
  needsInternet,
  needsRedis,
  PORT_ENV,
  postgresPasswordEnv,
  REDIS_URL_ENV,
  redisPasswordEnv,
  RESERVED_SERVICE_NAMES,
  serviceHost,
  serviceUrlEnv,
  TRACE_HEADERS,
} from '../src/messaging/connectivity.js';
import { loadProjectSync, type SpecIR } from '../src/index.js';
import { FIXTURES, tempProject } from './helpers.js';

type Graph = Pick<SpecIR, 'services' | 'topics' | 'tasks' | 'graph'>;
type Svc = Graph['services'][number];
type Topic = Graph['topics'][number];
type Task = Graph['tasks'][number];

const loc = { file: 'spec/services.yaml', pointer: '', line: 1, column: 1 };
function svc(name: string, extra: Partial<Svc> = {}): Svc {
  return {
    name,
    identifier: name,
    type: 'http',
    basePath: '',
    tags: [],
    operations: [],
    securitySchemes: [],
    access: [],
    consumes: { operations: [], topics: [], tasks: [] },
    loc,
    ...extra,
  };
}
const topic = (name: string, producers: string[], consumers: string[]) =>
  ({ name, producers, consumers }) as unknown as Topic;
const task = (name: string, worker: string, enqueuers: string[]) => ({ name, worker, enqueuers }) as unknown as Task;
const call = (from: string, to: string, via: string) => ({ from, to, kind: 'operation' as const, via });

describe('the constants', () => {
  it('name the infrastructure, the internet and the reserved service names', () => {
    expect(INFRASTRUCTURE).toEqual({
      redis: { host: 'redis', port: 6379 },
      database: { host: 'postgres', port: 5432 },
    });
    expect(INTERNET).toBe('internet');
    expect(RESERVED_SERVICE_NAMES).toEqual(['redis', 'postgres', 'internet', 'default-deny', 'bull']);
    expect([REDIS_URL_ENV, DATABASE_URL_ENV, PORT_ENV]).toEqual(['REDIS_URL', 'DATABASE_URL', 'PORT']);
    expect(CALLER_HEADERS).toEqual({
      caller: 'x-specfirst-caller',
      timestamp: 'x-specfirst-timestamp',
      signature: 'x-specfirst-signature',
    });
    expect(TRACE_HEADERS).toEqual({ requestId: 'x-request-id', traceparent: 'traceparent' });
  });
});

describe('the names of a service in a deployment', () => {
  it.each([
    // name, host, stem, URL variable, key variable of its edge to billing, Redis password, PostgreSQL password
    [
      'users',
      'users',
      'USERS',
      'USERS_URL',
      'SPECFIRST_KEY_USERS_TO_BILLING',
      'SPECFIRST_REDIS_PASSWORD_USERS',
      'SPECFIRST_POSTGRES_PASSWORD_USERS',
    ],
    [
      'order-service',
      'order-service',
      'ORDER_SERVICE',
      'ORDER_SERVICE_URL',
      'SPECFIRST_KEY_ORDER_SERVICE_TO_BILLING',
      'SPECFIRST_REDIS_PASSWORD_ORDER_SERVICE',
      'SPECFIRST_POSTGRES_PASSWORD_ORDER_SERVICE',
    ],
    [
      'a-b-c2',
      'a-b-c2',
      'A_B_C2',
      'A_B_C2_URL',
      'SPECFIRST_KEY_A_B_C2_TO_BILLING',
      'SPECFIRST_REDIS_PASSWORD_A_B_C2',
      'SPECFIRST_POSTGRES_PASSWORD_A_B_C2',
    ],
  ])('%s', (name, host, stem, urlEnv, keyEnv, redisPw, pgPw) => {
    for (const s of [name, svc(name)]) {
      expect(serviceHost(s)).toBe(host);
      expect(envStem(s)).toBe(stem);
      expect(serviceUrlEnv(s)).toBe(urlEnv);
      expect(internalKeyEnv(s, svc('billing'))).toBe(keyEnv);
      expect(internalKeyEnv('billing', s)).toBe(`SPECFIRST_KEY_BILLING_TO_${stem}`);
      expect(redisPasswordEnv(s)).toBe(redisPw);
      expect(postgresPasswordEnv(s)).toBe(pgPw);
    }
  });

  it.each([
    [{ name: 'users', port: 3001 }, 'http://users:3001'],
    [{ name: 'order-service', port: 8080 }, 'http://order-service:8080'],
    [{ name: 'legacy' }, 'http://legacy:80'], // an OpenAPI service without a port
  ])('defaultServiceUrl(%o) is %s', (service, url) => {
    expect(defaultServiceUrl(service)).toBe(url);
  });
});

describe('what a service needs', () => {
  const ir = {
    topics: [topic('order.created', ['orders'], ['billing'])],
    tasks: [task('sendReceipt', 'mailer', ['shop'])],
  };
  it.each([
    // service, redis, database, internet
    [svc('plain'), false, false, false],
    [svc('cache', { access: ['redis'] }), true, false, false],
    [svc('store', { access: ['database'] }), false, true, false],
    [svc('web', { access: ['internet'] }), false, false, true],
    [svc('orders'), true, false, false], // produces a topic
    [svc('billing'), true, false, false], // consumes a topic
    [svc('mailer', { type: 'worker' }), true, false, false], // runs a task
    [svc('shop'), true, false, false], // enqueues a task
    [svc('all', { access: ['redis', 'database', 'internet', 'smtp'] }), true, true, true],
  ])('%#: %o', (service, redis, database, internet) => {
    expect(needsRedis(ir, service)).toBe(redis);
    expect(needsDatabase(service)).toBe(database);
    expect(needsInternet(service)).toBe(internet);
  });
});

describe('callers and callees', () => {
  const graph = [
    call('orders', 'users', 'getUser'),
    call('orders', 'billing', 'createInvoice'),
    call('admin', 'users', 'getUser'),
    call('admin', 'users', 'deleteUser'),
    call('orders', 'users', 'getUser'), // twice: counted once
    { from: 'orders', to: 'billing', kind: 'topic' as const, via: 'getUser' }, // not a call
    { from: 'orders', to: 'mailer', kind: 'task' as const, via: 'sendReceipt' },
  ];
  it.each([
    ['users', 'getUser', ['admin', 'orders']],
    ['users', 'deleteUser', ['admin']],
    ['billing', 'createInvoice', ['orders']],
    ['billing', 'getUser', []],
    ['mailer', 'sendReceipt', []],
  ])('callersOf(%s, %s) is %o', (callee, op, callers) => {
    expect(callersOf({ graph }, callee, op)).toEqual(callers);
  });
  it.each([
    [
      'orders',
      [
        { callee: 'billing', operations: ['createInvoice'] },
        { callee: 'users', operations: ['getUser'] },
      ],
    ],
    ['admin', [{ callee: 'users', operations: ['deleteUser', 'getUser'] }]],
    ['users', []],
  ])('calleesOf(%s)', (caller, callees) => {
    expect(calleesOf({ graph }, caller)).toEqual(callees);
  });
});

describe('declaredReachability', () => {
  it.each<[string, Graph, ReturnType<typeof declaredReachability>]>([
    ['no services', { services: [], topics: [], tasks: [], graph: [] }, []],
    [
      'one call, the callee on its port',
      {
        services: [svc('users', { port: 3001 }), svc('orders', { port: 3002 })],
        topics: [],
        tasks: [],
        graph: [call('orders', 'users', 'getUser'), call('orders', 'users', 'listUsers')],
      },
      [{ from: 'orders', to: 'users', port: 3001, via: ['getUser', 'listUsers'] }],
    ],
    [
      'an OpenAPI callee without a port: port 80',
      {
        services: [svc('legacy'), svc('app', { port: 3000 })],
        topics: [],
        tasks: [],
        graph: [call('app', 'legacy', 'ping')],
      },
      [{ from: 'app', to: 'legacy', port: 80, via: ['ping'] }],
    ],
    [
      'a call to an unknown service gives nothing',
      { services: [svc('app', { port: 3000 })], topics: [], tasks: [], graph: [call('app', 'ghost', 'ping')] },
      [],
    ],
    [
      'topics only: producer and consumer reach Redis, never each other',
      {
        services: [svc('a', { port: 3000 }), svc('b', { type: 'worker' })],
        topics: [topic('t', ['a'], ['b'])],
        tasks: [],
        graph: [{ from: 'a', to: 'b', kind: 'topic', via: 't' }],
      },
      [
        { from: 'a', to: 'redis', port: 6379, via: ['redis'] },
        { from: 'b', to: 'redis', port: 6379, via: ['redis'] },
      ],
    ],
    [
      'a worker and its enqueuer reach Redis only',
      {
        services: [svc('shop', { port: 3000 }), svc('mailer', { type: 'worker' })],
        topics: [],
        tasks: [task('send', 'mailer', ['shop'])],
        graph: [{ from: 'shop', to: 'mailer', kind: 'task', via: 'send' }],
      },
      [
        { from: 'mailer', to: 'redis', port: 6379, via: ['redis'] },
        { from: 'shop', to: 'redis', port: 6379, via: ['redis'] },
      ],
    ],
    [
      'access: database and internet; other access values (smtp) reach nothing',
      {
        services: [svc('billing', { port: 3003, access: ['database', 'internet', 'smtp'] })],
        topics: [],
        tasks: [],
        graph: [],
      },
      [
        { from: 'billing', to: 'internet', via: ['internet'] },
        { from: 'billing', to: 'postgres', port: 5432, via: ['database'] },
      ],
    ],
  ])('%s', (_what, ir, reach) => {
    expect(declaredReachability(ir)).toEqual(reach);
  });

  it('of fixtures/shop: every call, Redis, PostgreSQL and the internet as services.yaml declares them', () => {
    const { ir, diagnostics } = loadProjectSync(path.join(FIXTURES, 'shop'), { cache: false });
    expect(diagnostics).toEqual([]);
    expect(
      declaredReachability(ir).map((r) => `${r.from} → ${r.to}${r.port ? `:${r.port}` : ''} (${r.via.join(', ')})`),
    ).toEqual([
      'billing → internet (internet)',
      'billing → postgres:5432 (database)',
      'billing → redis:6379 (redis)',
      'mailer → redis:6379 (redis)',
      'orders → billing:3003 (createInvoice)',
      'orders → postgres:5432 (database)',
      'orders → redis:6379 (redis)',
      'orders → users:3001 (getUser)',
      'users → postgres:5432 (database)',
    ]);
  });

  it('of a loaded spec with a worker that runs a task and an http service that only enqueues it', () => {
    const root = tempProject({
      'specfirst.yaml': 'name: reach\n',
      'spec/models.yaml': 'models:\n  Args:\n    properties:\n      id: string?\n',
      'spec/rest/api.yaml':
        'tags:\n  t:\n    operations:\n      ping:\n        method: get\n        path: /ping\n        responses:\n          200: Args\n',
      'spec/services.yaml':
        'services:\n  api:\n    type: http\n    port: 3000\n    rest: rest/api.yaml\n    consumes:\n      tasks: [purge]\n  jobs:\n    type: worker\n',
      'spec/tasks.yaml': 'tasks:\n  purge:\n    worker: jobs\n    args: Args\n',
    });
    const { ir, diagnostics } = loadProjectSync(root, { cache: false });
    expect(diagnostics).toEqual([]);
    expect(declaredReachability(ir)).toEqual([
      { from: 'api', to: 'redis', port: 6379, via: ['redis'] },
      { from: 'jobs', to: 'redis', port: 6379, via: ['redis'] },
    ]);
  });
});
