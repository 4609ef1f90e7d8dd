import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ESLint } from 'eslint';
import type { Express } from 'express';
import { afterAll, describe, expect, it } from 'vitest';
import { corpusName, OPENAPI_DOCUMENTS } from '../../../test/support/corpus.js';
import { generate, scaffoldFiles } from '../src/index.js';
import { hostileEventsIR, hostileEventsSpec, KEY } from './support/events-spec.js';
import { tasksIR, tasksSpec } from './support/tasks-spec.js';
import { listen, send } from './support/http.js';
import { buildProject, compile, loadIR, OUT_ROOT, REPO_ROOT } from './support/project.js';

const GOLDEN = path.join(import.meta.dirname, 'golden/small');
const SHOP_EVENTS_GOLDEN = path.join(import.meta.dirname, 'golden/shop-events');
const SHOP_TASKS_GOLDEN = path.join(import.meta.dirname, 'golden/shop-tasks');
const servers: Server[] = [];
afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
});

describe('golden output', () => {
  // Run with UPDATE_GOLDEN=1 to accept a deliberate change, then review the diff in git.
  it('generates exactly the reviewed files for fixtures/small', () => {
    const files = generate(loadIR(path.join(REPO_ROOT, 'fixtures/small')));
    if (process.env.UPDATE_GOLDEN === '1') {
      rmSync(GOLDEN, { recursive: true, force: true });
      for (const file of files) {
        mkdirSync(path.dirname(path.join(GOLDEN, file.path)), { recursive: true });
        writeFileSync(path.join(GOLDEN, file.path), file.contents);
      }
    }
    const golden = listFiles(GOLDEN);
    expect(files.map((f) => f.path).sort()).toEqual(golden);
    for (const file of files) expect(file.contents, file.path).toBe(readFileSync(path.join(GOLDEN, file.path), 'utf8'));
  });

  // The events modules and AsyncAPI documents of the shop: orders publishes order.created, billing
  // consumes it and publishes invoice.paid, orders and the mailer consume that. models.ts too, which
  // the events modules import (so that the golden files type-check with the tests).
  it('generates exactly the reviewed events files for fixtures/shop', () => {
    const files = generate(loadIR(path.join(REPO_ROOT, 'fixtures/shop'))).filter((f) =>
      /^(models\.ts$|events\/|asyncapi\/)/.test(f.path),
    );
    if (process.env.UPDATE_GOLDEN === '1') {
      rmSync(SHOP_EVENTS_GOLDEN, { recursive: true, force: true });
      for (const file of files) {
        mkdirSync(path.dirname(path.join(SHOP_EVENTS_GOLDEN, file.path)), { recursive: true });
        writeFileSync(path.join(SHOP_EVENTS_GOLDEN, file.path), file.contents);
      }
    }
    expect(files.map((f) => f.path).sort()).toEqual(listFiles(SHOP_EVENTS_GOLDEN));
    for (const file of files)
      expect(file.contents, file.path).toBe(readFileSync(path.join(SHOP_EVENTS_GOLDEN, file.path), 'utf8'));
  });

  // The tasks modules of the shop: orders enqueues sendReceipt, the mailer runs it and purgeCarts
  // (scheduled, no result). models.ts too, which they import.
  it('generates exactly the reviewed tasks files for fixtures/shop', () => {
    const files = generate(loadIR(path.join(REPO_ROOT, 'fixtures/shop'))).filter((f) =>
      /^(models\.ts$|tasks\/)/.test(f.path),
    );
    if (process.env.UPDATE_GOLDEN === '1') {
      rmSync(SHOP_TASKS_GOLDEN, { recursive: true, force: true });
      for (const file of files) {
        mkdirSync(path.dirname(path.join(SHOP_TASKS_GOLDEN, file.path)), { recursive: true });
        writeFileSync(path.join(SHOP_TASKS_GOLDEN, file.path), file.contents);
      }
    }
    expect(files.map((f) => f.path).sort()).toEqual(listFiles(SHOP_TASKS_GOLDEN));
    expect(files.filter((f) => f.path.startsWith('tasks/')).length).toBe(6);
    for (const file of files)
      expect(file.contents, file.path).toBe(readFileSync(path.join(SHOP_TASKS_GOLDEN, file.path), 'utf8'));
  });

  it('is deterministic: two generations from two loads are byte-identical', () => {
    const a = generate(loadIR(path.join(REPO_ROOT, 'fixtures/shop')));
    const b = generate(loadIR(path.join(REPO_ROOT, 'fixtures/shop')));
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
  });
});

function listFiles(dir: string, prefix = ''): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) =>
      e.isDirectory() ? listFiles(path.join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`],
    )
    .sort();
}

describe('the compiler holds controllers to the spec', () => {
  const controller = (body: string) => `
import type { TodosController } from '../generated/routers/todo/todos.js';
export const todos: Pick<TodosController, 'updateTodo'> = {
  updateTodo: (request) => ${body},
};
`;

  it('a correct controller compiles; an undeclared status or a wrong body does not', async () => {
    const built = await buildProject('types-ok', path.join(REPO_ROOT, 'fixtures/small'), {
      extraFiles: {
        'src/ok.ts': controller(
          `({ status: 404, body: { type: 'about:blank', title: 'No todo ' + request.params.id, status: 404 } })`,
        ),
      },
    });
    expect(existsSync(path.join(built.dist, 'src/ok.js'))).toBe(true);

    for (const [name, body, code] of [
      ['undeclared-status', `({ status: 418, body: { type: 'about:blank', title: 'teapot', status: 418 } })`, 'TS2322'],
      ['wrong-body', `({ status: 200, body: { title: 42 } })`, 'TS2322'],
      ['missing-body', `({ status: 200 })`, 'TS2322'],
    ] as const) {
      const root = path.join(OUT_ROOT, 'types-ok');
      writeFileSync(path.join(root, 'src/ok.ts'), controller(body));
      const errors = compile(root, { emit: false });
      expect(errors.length, name).toBeGreaterThan(0);
      expect(errors.join('\n'), name).toMatch(new RegExp(`^src/ok\\.ts:\\d+:\\d+ ${code}`, 'm'));
    }

    // The service index imports its OpenAPI document: tsc says which option that needs (docs/codegen.md#compiling-a-project).
    const withoutJson = compile(path.join(OUT_ROOT, 'types-ok'), {
      emit: false,
      options: { resolveJsonModule: false },
    });
    expect(withoutJson.join('\n')).toMatch(
      /^generated\/routers\/todo\/index\.ts:\d+:\d+ TS2732 Cannot find module '\.\.\/\.\.\/openapi\/todo\.json'\. Consider using '--resolveJsonModule'/m,
    );
  }, 120_000);
});

describe('the generated events modules', () => {
  const flow = `
import { EventValidationError, memoryBroker } from '@specfirst/runtime/events';
import type { InvoicePaid, OrderCreated } from '../generated/models.js';
import { createBillingConsumers, createBillingPublisher } from '../generated/events/billing/index.js';
import { createMailerConsumers } from '../generated/events/mailer/index.js';
import { createOrdersConsumers, createOrdersPublisher, orderCreatedTopic } from '../generated/events/orders/index.js';

const ORDER = '6f1c2b9e-3d4a-4e5f-8a7b-9c0d1e2f3a4b';
const USER = '0a1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d';
const INVOICE = '1b2c3d4e-5f6a-4b7c-9d8e-9f0a1b2c3d4e';

/** The shop's event flow on one in-memory broker, bounded in time. */
export async function run(prefix: string) {
  const broker = memoryBroker();
  const options = { broker, prefix, blockMs: 50, consumer: 'test' };
  const seen: { service: string; topic: string; message: OrderCreated | InvoicePaid; deliveries: number }[] = [];
  const billingPublisher = createBillingPublisher(broker, { prefix });
  const consumers = [
    createBillingConsumers(
      {
        orderCreated: async (message, context) => {
          seen.push({ service: 'billing', topic: context.topic, message, deliveries: context.deliveries });
          await billingPublisher.publishInvoicePaid({ invoiceId: INVOICE, orderId: message.orderId });
        },
      },
      options,
    ),
    createOrdersConsumers(
      { invoicePaid: (message, context) => void seen.push({ service: 'orders', topic: context.topic, message, deliveries: context.deliveries }) },
      options,
    ),
    createMailerConsumers(
      { invoicePaid: (message, context) => void seen.push({ service: 'mailer', topic: context.topic, message, deliveries: context.deliveries }) },
      options,
    ),
  ];
  const orders = createOrdersPublisher(broker, { prefix });
  let invalid = '';
  try {
    await orders.publishOrderCreated({ orderId: 'not-a-uuid', userId: USER, total: { amount: 1, currency: 'EUR' } });
  } catch (error) {
    invalid = error instanceof EventValidationError ? error.failures.map((f) => f.pointer).join(',') : String(error);
  }
  const lengthAfterInvalid = await broker.length(prefix + orderCreatedTopic.name);
  await Promise.all(consumers.map((c) => c.start()));
  const entryId = await orders.publishOrderCreated({ orderId: ORDER, userId: USER, total: { amount: 1250, currency: 'EUR' } });
  const deadline = Date.now() + 20_000;
  while (seen.length < 3 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  await Promise.all(consumers.map((c) => c.stop()));
  return { invalid, lengthAfterInvalid, entryId, seen: seen.map((s) => [s.service, s.topic, s.message, s.deliveries]) };
}
`;

  it("compile under strict tsc and carry the shop's flow: orders → billing → orders and mailer", async () => {
    const built = await buildProject('events-shop', path.join(REPO_ROOT, 'fixtures/shop'), {
      extraFiles: { 'src/flow.ts': flow },
    });
    const { run } = (await import(pathToFileURL(path.join(built.dist, 'src/flow.js')).href)) as {
      run(prefix: string): Promise<{ invalid: string; lengthAfterInvalid: number; entryId: string; seen: unknown[][] }>;
    };
    const result = await run('codegen-e2e:');
    // An invalid message is a typed error, and nothing reached the stream.
    expect(result.invalid).toBe('/message/orderId');
    expect(result.lengthAfterInvalid).toBe(0);
    expect(result.entryId).toMatch(/^\d+-\d+$/);
    const order = {
      orderId: '6f1c2b9e-3d4a-4e5f-8a7b-9c0d1e2f3a4b',
      userId: '0a1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d',
      total: { amount: 1250, currency: 'EUR' },
    };
    const invoice = { invoiceId: '1b2c3d4e-5f6a-4b7c-9d8e-9f0a1b2c3d4e', orderId: order.orderId };
    expect(result.seen.toSorted((a, b) => String(a[0]).localeCompare(String(b[0])))).toEqual([
      ['billing', 'order.created', order, 1],
      ['mailer', 'invoice.paid', invoice, 1],
      ['orders', 'invoice.paid', invoice, 1],
    ]);
  }, 120_000);

  it('compile under strict tsc for a hostile spec, whose strings stay values', async () => {
    const use = `
import { memoryBroker } from '@specfirst/runtime/events';
import { createAuditConsumers } from '../generated/events/audit/index.js';
import { createShopPublisher, thingMadeTopic } from '../generated/events/shop/index.js';

export const keys = [thingMadeTopic.idempotencyKey, thingMadeTopic.orderingKey];
export async function publishOne(): Promise<string> {
  const broker = memoryBroker();
  createAuditConsumers({ thingMade: () => {}, paymentMade: () => {} }, { broker });
  return createShopPublisher(broker).publishThingMade({ id: 't-1', ${JSON.stringify(KEY)}: 'k', count: 2 });
}
`;
    const built = await buildProject('events-hostile', hostileEventsSpec({ paymentMessage: true }), {
      extraFiles: { 'src/use.ts': use },
    });
    const { keys, publishOne } = (await import(pathToFileURL(path.join(built.dist, 'src/use.js')).href)) as {
      keys: string[];
      publishOne(): Promise<string>;
    };
    expect(keys).toEqual([KEY, KEY]);
    expect(await publishOne()).toMatch(/^\d+-\d+$/);
  }, 120_000);

  it('make the compiler check messages and handlers', () => {
    const root = path.join(OUT_ROOT, 'events-shop');
    for (const [name, code, error] of [
      [
        'a wrong message',
        `import { memoryBroker } from '@specfirst/runtime/events';
import { createOrdersPublisher } from '../generated/events/orders/index.js';
export const sent = createOrdersPublisher(memoryBroker()).publishOrderCreated({ orderId: 1, userId: 'u', total: { amount: 1, currency: 'EUR' } });
`,
        'TS2322',
      ],
      [
        'a missing handler',
        `import { memoryBroker } from '@specfirst/runtime/events';
import { createBillingConsumers } from '../generated/events/billing/index.js';
export const consumers = createBillingConsumers({}, { broker: memoryBroker() });
`,
        'TS2345',
      ],
      [
        'a publisher of a topic the service does not produce',
        `import { memoryBroker } from '@specfirst/runtime/events';
import { createMailerPublisher } from '../generated/events/mailer/index.js';
export const publisher = createMailerPublisher(memoryBroker());
`,
        'TS2305',
      ],
    ] as const) {
      writeFileSync(path.join(root, 'src/flow.ts'), code);
      const errors = compile(root, { emit: false });
      expect(errors.join('\n'), name).toMatch(new RegExp(`^src/flow\\.ts:\\d+:\\d+ ${error}`, 'm'));
    }
  }, 120_000);
});

describe('the generated tasks modules', () => {
  const ORDER = '6f1c2b9e-3d4a-4e5f-8a7b-9c0d1e2f3a4b';
  // What a service of the shop writes against them: orders enqueues, the mailer works. Each
  // `@ts-expect-error` must meet its error, or tsc fails the build (TS2578); below, each case is
  // compiled again without it, for the error it must be.
  const use = `
import { memoryTaskBackend, sandboxed, TaskValidationError, type TaskBackend } from '@specfirst/runtime/tasks';
import type { PurgeCartsArgs, SendReceiptArgs, SendReceiptResult } from '../generated/models.js';
import { createMailerWorker, type MailerTaskHandlers } from '../generated/tasks/mailer/index.js';
import { createOrdersTasks, type OrdersTaskMap } from '../generated/tasks/orders/index.js';

export async function enqueue(backend: TaskBackend): Promise<SendReceiptResult | undefined> {
  const tasks = createOrdersTasks(backend);
  const handle = await tasks.enqueueSendReceipt(
    { orderId: '6f1c2b9e-3d4a-4e5f-8a7b-9c0d1e2f3a4b', email: 'ann@example.com' },
    { delayMs: 10, priority: 1, jobId: 'receipt-1', requestId: 'r-1' },
  );
  // CASE wrong-args
  // @ts-expect-error the args lack orderId
  await tasks.enqueueSendReceipt({ email: 'ann@example.com' });
  // CASE mismatched-chain
  // @ts-expect-error a receipt's result is not the args of another receipt
  await tasks.chain({ task: 'sendReceipt', args: { orderId: 'o', email: 'e' } }, 'sendReceipt');
  const outcome = await handle.result({ timeoutMs: 1000 });
  return outcome.status === 'completed' ? outcome.result : undefined;
}

export const steps: (keyof OrdersTaskMap)[] = ['sendReceipt'];

const handlers: MailerTaskHandlers = {
  purgeCarts: (args: PurgeCartsArgs, context) => {
    // The default is filled in before the handler runs: a number, never undefined.
    const days: number = args.olderThanDays;
    context.logger.info({ days, attempt: context.attempt, left: context.timeLeftMs() }, 'purging carts');
  },
  sendReceipt: async (args: SendReceiptArgs, context) => {
    context.signal.throwIfAborted();
    return { messageId: args.orderId + '@' + context.jobId };
  },
};

export function workers(backend: TaskBackend) {
  return [
    createMailerWorker(handlers, { backend, concurrency: 2 }),
    createMailerWorker(sandboxed<MailerTaskHandlers>(new URL('./handlers.js', import.meta.url)), { backend }),
    // CASE wrong-result
    // @ts-expect-error sendReceipt must resolve to its result model
    createMailerWorker({ ...handlers, sendReceipt: async () => ({ id: 1 }) }, { backend }),
    // CASE missing-handler
    // @ts-expect-error every task of the mailer needs its handler
    createMailerWorker({ sendReceipt: handlers.sendReceipt }, { backend }),
  ];
}

const silent = { debug() {}, info() {}, warn() {}, error() {} };
const ORDER = '6f1c2b9e-3d4a-4e5f-8a7b-9c0d1e2f3a4b';

/** orders enqueues, the mailer runs: one job, a chain and a group, on the in-memory backend, bounded in time. */
export async function run() {
  const backend = memoryTaskBackend();
  const worker = createMailerWorker(handlers, { backend, concurrency: 2, logger: silent });
  await worker.start();
  const tasks = createOrdersTasks(backend);
  let invalid = '';
  try {
    await tasks.enqueueSendReceipt({ orderId: 'not-a-uuid', email: 'ann@example.com' });
  } catch (error) {
    invalid = error instanceof TaskValidationError ? error.code : String(error);
  }
  const args = { orderId: ORDER, email: 'ann@example.com' };
  const handle = await tasks.enqueueSendReceipt(args, { jobId: 'receipt-1' });
  const outcome = await handle.result({ timeoutMs: 10_000 });
  const chained = await (await tasks.chain({ task: 'sendReceipt', args })).result({ timeoutMs: 10_000 });
  const grouped = await (await tasks.group([{ task: 'sendReceipt', args }])).results({ timeoutMs: 10_000 });
  await worker.stop();
  await backend.close();
  return { invalid, queue: handle.queue, task: handle.task, outcome, chained, grouped };
}
`;

  it('compile under strict tsc for the shop and run on the in-memory backend; the compiler checks args, chains and handlers', async () => {
    const built = await buildProject('tasks-shop', path.join(REPO_ROOT, 'fixtures/shop'), {
      extraFiles: { 'src/use.ts': use },
    });
    // The wrappers run: invalid args are refused before anything is enqueued, a job, a chain and a
    // group of sendReceipt complete on the mailer's queue with the handler's result.
    const { run } = (await import(pathToFileURL(path.join(built.dist, 'src/use.js')).href)) as {
      run(): Promise<Record<string, unknown>>;
    };
    const completed = (jobId: string) => ({ status: 'completed', result: { messageId: `${ORDER}@${jobId}` } });
    const result = await run();
    expect(result).toMatchObject({ invalid: 'SFR4301', queue: 'mailer', task: 'sendReceipt' });
    expect(result.outcome).toEqual(completed('receipt-1'));
    expect(result.chained).toMatchObject({ status: 'completed' });
    expect(result.grouped).toMatchObject([{ status: 'completed' }]);
    // The file without its directives, compiled once: each case's statement must be refused, there
    // and for that reason, and nothing else.
    const codes: Record<string, string> = {
      'wrong-args': 'TS2345',
      'mismatched-chain': 'TS2345',
      'wrong-result': 'TS2322',
      'missing-handler': 'TS2345',
    };
    const kept: string[] = [];
    const expected: string[] = [];
    let pending: string | undefined;
    for (const line of use.split('\n')) {
      if (line.trim().startsWith('// @ts-expect-error')) continue;
      kept.push(line);
      const marker = /^\s*\/\/ CASE (\S+)$/.exec(line);
      if (marker) pending = marker[1];
      else if (pending !== undefined) {
        expected.push(`src/use.ts:${kept.length} ${codes[pending]}`);
        pending = undefined;
      }
    }
    expect(expected).toHaveLength(4);
    writeFileSync(path.join(built.root, 'src/use.ts'), kept.join('\n'));
    const errors = compile(built.root, { emit: false });
    expect(
      errors.map((e) => e.replace(/^(\S+:\d+):\d+ (TS\d+) [\s\S]*$/, '$1 $2')),
      errors.join('\n'),
    ).toEqual(expected);
  }, 120_000);

  it('compile under strict tsc for a hostile spec: an enqueuer, a worker, one that is both, models named like generated code', async () => {
    const hostileUse = `
import type { TaskBackend } from '@specfirst/runtime/tasks';
import { createCrewWorker } from '../generated/tasks/crew/index.js';
import { createFrontTasks } from '../generated/tasks/front/index.js';
import { createRelayTasks, createRelayWorker, sweepTask } from '../generated/tasks/relay/index.js';

export async function run(backend: TaskBackend) {
  // Defaults may be left out by the caller (count, days) and are there for the handler.
  await createFrontTasks(backend).enqueueMakeThing({ name: 'n' });
  await createRelayTasks(backend).enqueueSweep({});
  return [
    createCrewWorker(
      {
        makeThing: (args) => ({ made: args.name.repeat(args.count) }),
        sweep: (args) => void (args.days satisfies number),
        validateThing: (args) => void args.thing.length,
      },
      { backend },
    ),
    createRelayWorker({ relayThing: (args) => ({ name: args.id, count: 1 }) }, { backend }),
    sweepTask.schedule,
  ];
}
`;
    const built = await buildProject('tasks-hostile-build', tasksSpec('tasks-hostile-build-spec'), {
      extraFiles: { 'src/use.ts': hostileUse },
    });
    expect(existsSync(path.join(built.dist, 'generated/tasks/relay/index.js'))).toBe(true);
    expect(existsSync(path.join(built.root, 'generated/tasks/quiet'))).toBe(false);
  }, 120_000);
});

describe('generated code passes the repository lint', () => {
  it('for the shop, the hostile spec, a hostile events spec and a hostile tasks spec', async () => {
    const shop = path.join(OUT_ROOT, 'lint-shop');
    const hostile = path.join(OUT_ROOT, 'lint-hostile');
    // A publishing-only and a consuming-only service, with hostile descriptions and key names.
    const events = path.join(OUT_ROOT, 'lint-events');
    // An enqueuer, a worker and a service that is both, with hostile descriptions and model names.
    const tasks = path.join(OUT_ROOT, 'lint-tasks');
    for (const [dir, ir] of [
      [shop, () => loadIR(path.join(REPO_ROOT, 'fixtures/shop'))],
      [hostile, () => loadIR(path.join(REPO_ROOT, 'fixtures/hostile/openapi.yaml'))],
      [events, () => hostileEventsIR({ paymentMessage: true })],
      [tasks, () => tasksIR('lint-tasks-spec')],
    ] as const) {
      rmSync(dir, { recursive: true, force: true });
      for (const file of generate(ir())) {
        mkdirSync(path.dirname(path.join(dir, file.path)), { recursive: true });
        writeFileSync(path.join(dir, file.path), file.contents);
      }
    }
    // `ignore: false`: the repository ignores test output; here that output is the subject.
    const eslint = new ESLint({ cwd: REPO_ROOT, ignore: false });
    const results = await eslint.lintFiles([
      `${shop}/**/*.{ts,js}`,
      `${hostile}/**/*.{ts,js}`,
      `${events}/**/*.{ts,js}`,
      `${tasks}/**/*.{ts,js}`,
    ]);
    expect(results.length).toBeGreaterThan(20);
    const problems = results.flatMap((r) =>
      r.messages.map(
        (m) => `${path.relative(OUT_ROOT, r.filePath)}:${m.line}:${m.column} ${m.ruleId ?? ''} ${m.message}`,
      ),
    );
    expect(problems).toEqual([]);
  }, 120_000);
});

describe('a hostile spec', () => {
  const spec = path.join(REPO_ROOT, 'fixtures/hostile/openapi.yaml');

  it('keeps every file inside the output folder and escapes every spec string', () => {
    const files = generate(loadIR(spec));
    for (const file of files)
      expect(file.path).toMatch(
        /^(models\.ts|(routers\/api|clients|openapi|validators)\/[a-z0-9.-]+\.(ts|js|d\.ts|json)|routers\/api\/[a-z0-9-]+\.ts)$/,
      );
    expect(files.map((f) => f.path)).toContain('routers/api/x.ts');
    const models = files.find((f) => f.path === 'models.ts')!.contents;
    // `*/` from a description is neutralised inside its comment; enum values are escaped string
    // literals, in single quotes unless the value holds more single quotes than double ones.
    expect(models).toContain('closes the comment *\\/ and opens');
    expect(models).toContain("'${process.exit(1)}'");
    expect(models).toContain("'line\\nbreak'");
    expect(models).toContain("'\\u2028'");
    expect(models).toContain(`"it's"`);
    expect(models).toContain(`'say "hi"'`);
    expect(models).toMatch(/export interface User2 \{/);
    // A tag with a newline must not start a line of code anywhere: not in a router, not in a scaffold.
    const everything = [...files.map((f) => f.contents), ...scaffoldFiles(loadIR(spec)).map((f) => f.contents)].join(
      '\n',
    );
    expect(everything).not.toMatch(/^\s*console\.log/m);
    expect(everything).toContain('PWNED');
  });

  it('compiles under strict tsc and serves requests without pollution or injection', async () => {
    const built = await buildProject('hostile', spec, {
      sources: path.join(import.meta.dirname, 'projects/hostile/src'),
    });
    const { hostileApp } = (await import(pathToFileURL(path.join(built.dist, 'src/app.js')).href)) as {
      hostileApp(): { app: Express; seen: { protoIntact: boolean; ownKeys: string[] }[] };
    };
    const { app, seen } = hostileApp();
    const { server, url } = await listen(app);
    servers.push(server);

    const body =
      '{"a-b": "dash", "1st": true, "with space": "s", "": "empty", "constructor": 3, "toString": "t", "kind": "${process.exit(1)}"}';
    const created = await send(url, 'POST', '/things', { raw: body, headers: { 'content-type': 'application/json' } });
    expect(created.status).toBe(201);
    expect(seen[0]).toEqual({
      protoIntact: true,
      ownKeys: ['', '1st', 'a-b', 'constructor', 'kind', 'toString', 'with space'],
    });
    expect(JSON.parse(created.text)).toEqual(JSON.parse(body));

    // ajv refuses a `__proto__` key whatever the schema says, string or object: nothing can reach
    // an object's prototype through a body.
    for (const proto of ['"p"', '{"admin": true}']) {
      const polluting = await send(url, 'POST', '/things', {
        raw: `{"__proto__": ${proto}, "a-b": "x"}`,
        headers: { 'content-type': 'application/json' },
      });
      expect(polluting.status).toBe(400);
      expect((polluting.json as { errors: { pointer: string }[] }).errors.map((e) => e.pointer)).toEqual([
        '/body/__proto__',
      ]);
    }
    expect(({} as Record<string, unknown>).admin).toBeUndefined();

    const kinds = ["it's", 'say "hi"', '`tick`', 'line\nbreak', '*/', '\u2028'];
    for (const kind of kinds) {
      const response = await send(url, 'POST', '/things', { json: { 'a-b': 'x', kind } });
      expect(response.status, kind).toBe(201);
    }
    expect((await send(url, 'POST', '/things', { json: { 'a-b': 'x', kind: 'other' } })).status).toBe(400);

    // A query parameter named `__proto__` arrives as an own property, not as a prototype.
    const thing = await send(url, 'GET', '/things/t-1?constructor=7&__proto__=q');
    expect(thing.status).toBe(200);
    expect(thing.json).toEqual({ 'a-b': 't-1', 'with space': 'q/7' });
    expect((await send(url, 'GET', '/things/t-1?constructor=seven')).status).toBe(400);
    // ajv skips a property named `__proto__`; the runtime validates that parameter under another key.
    const twice = await send(url, 'GET', '/things/t-1?__proto__=a&__proto__=b');
    expect(twice.status).toBe(400);
    expect((twice.json as { errors: { pointer: string }[] }).errors.map((e) => e.pointer)).toEqual([
      '/query/__proto__',
    ]);
    // A closed schema that names `constructor` gets the prototype-key scan too.
    const nested = await send(url, 'POST', '/things', {
      raw: '{"a-b": "x", "constructor": {"prototype": {"admin": true}}}',
      headers: { 'content-type': 'application/json' },
    });
    expect(nested.status).toBe(400);
    expect((nested.json as { errors: { pointer: string }[] }).errors.map((e) => e.pointer)).toEqual([
      '/body/constructor/prototype',
    ]);
    expect((await send(url, 'GET', '/globals')).status).toBe(200);

    // Its own OpenAPI document, as generated, and a reference page in which every hostile string is escaped.
    const document = await send(url, 'GET', '/openapi.json');
    expect(document.text).toBe(readFileSync(path.join(built.root, 'generated/openapi/api.json'), 'utf8'));
    const page = await send(url, 'GET', '/docs');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toMatch(/^default-src 'none'; /);
    for (const escaped of [
      '<h2>x\nconsole.log(&quot;PWNED&quot;);//</h2>',
      '<td class="text">ok\n*/ console.log(&#39;PWNED&#39;); /*</td>',
      '<p class="text">ends a comment */ and starts code; `backticks` ${template}</p>',
      '<code>&quot;${process.exit(1)}&quot;</code>',
      '<code>&quot;say \\&quot;hi\\&quot;&quot;</code>',
      '<td><code>X-Evil */ Header</code></td><td>header</td>',
      '<td><code>__proto__</code></td>',
    ]) {
      expect(page.text).toContain(escaped);
    }
    expect(page.text).not.toMatch(/console\.log\(["']PWNED|<script/);
  }, 120_000);
});

describe('scaffolded controllers', () => {
  // Relative imports where the project's package.json declares no `#generated/*`; `#generated/…`
  // where it does, with the mapping `specfirst init` writes, run by plain node from dist/.
  it.each([
    ['relative imports', false],
    ['#generated/ imports', true],
  ])(
    'compile against the generated interfaces and answer 501 until written, with %s',
    async (_imports, generatedImport) => {
      const ir = loadIR(path.join(REPO_ROOT, 'fixtures/small'));
      const extraFiles: Record<string, string> = {};
      for (const file of scaffoldFiles(ir, { generatedImport })) {
        // Scaffold paths are project-relative (`services/todo/src/controllers/todos.ts`); the test
        // project compiles `src/`, so the same relative layout is kept under it.
        extraFiles[`src/${file.path}`] = file.contents.replace(/'(\.\.\/)+generated\//, "'../../../../../generated/");
        expect(file.contents).toContain(
          generatedImport ? `from '#generated/routers/todo/` : `from '../../../../generated/routers/todo/`,
        );
      }
      const index = generatedImport ? '#generated/routers/todo/index.js' : '../generated/routers/todo/index.js';
      extraFiles['src/main.ts'] = `
import { createTodoApp } from '${index}';
import { TodosControllerImpl } from './services/todo/src/controllers/todos.js';
import { HealthControllerImpl } from './services/todo/src/controllers/health.js';
export const app = createTodoApp({ todos: new TodosControllerImpl(), health: new HealthControllerImpl() });
`;
      if (generatedImport) {
        const imports = { '#generated/*': { development: './generated/*', default: './dist/generated/*' } };
        extraFiles['package.json'] = `${JSON.stringify({ name: 'scaffold', type: 'module', imports })}\n`;
      }
      const built = await buildProject(
        generatedImport ? 'scaffold-generated-imports' : 'scaffold',
        path.join(REPO_ROOT, 'fixtures/small'),
        { extraFiles },
      );
      const { app } = (await import(pathToFileURL(path.join(built.dist, 'src/main.js')).href)) as { app: Express };
      const { server, url } = await listen(app);
      servers.push(server);
      const response = await send(url, 'GET', '/health');
      expect(response.status).toBe(501);
      expect(response.json).toMatchObject({
        status: 501,
        title: 'Not Implemented',
        detail: 'getHealth is not implemented yet',
      });
    },
    120_000,
  );
});

describe('the corpus', () => {
  for (const doc of OPENAPI_DOCUMENTS) {
    it(`generates and compiles: ${corpusName(doc)}`, async () => {
      const built = await buildProject(
        `corpus-${path.basename(path.dirname(doc))}-${path.basename(doc).replace(/\.\w+$/, '')}`,
        doc,
      );
      expect(existsSync(path.join(built.dist, 'generated/models.js'))).toBe(true);
    }, 120_000);
  }
});
