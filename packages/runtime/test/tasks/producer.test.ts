import { afterEach, describe, expect, it } from 'vitest';
import { memoryTaskBackend } from '../../src/tasks/memory-backend.js';
import { chainJob, checkEnqueueOptions, createTasks, jobSpec } from '../../src/tasks/producer.js';
import type { EnqueueOptions, JobSpec, TaskBackend, TaskDefinition } from '../../src/tasks/types.js';
import { recordingLogger } from '../support.js';
import { chargeTask, purgeCartsTask, sendReceiptTask, type OrdersTaskMap } from './support.js';

const charge = chargeTask() as TaskDefinition;
const sendReceipt = sendReceiptTask() as TaskDefinition;
const purgeCarts = purgeCartsTask() as TaskDefinition;

describe('the job of one task', () => {
  it.each<[string, EnqueueOptions, Partial<JobSpec>]>([
    ['without options: its worker queue, its name and retry policy', {}, {}],
    [
      'with every option',
      { delayMs: 5, priority: 3, jobId: 'receipt-1', parent: { id: 'p1', queue: 'mailer' } },
      { delayMs: 5, priority: 3, jobId: 'receipt-1', parent: { id: 'p1', queue: 'mailer' } },
    ],
  ])('%s', (_, options, placed) => {
    const data = { v: 1, args: { orderId: 'o1' } };
    expect(jobSpec(sendReceipt, data, checkEnqueueOptions(options, 'options'))).toEqual({
      queue: 'mailer',
      name: 'sendReceipt',
      data,
      retry: sendReceipt.retry,
      ...placed,
    });
  });
});

describe('the job of a chain', () => {
  const args = { amount: 5 };

  it('nests each step as the only child of the next; the later steps take the previous result', () => {
    expect(chainJob([charge, sendReceipt, purgeCarts], args, {})).toEqual({
      queue: 'mailer',
      name: 'purgeCarts',
      data: { v: 1, fromPrevious: true },
      retry: purgeCarts.retry,
      children: [
        {
          queue: 'mailer',
          name: 'sendReceipt',
          data: { v: 1, fromPrevious: true },
          retry: sendReceipt.retry,
          children: [{ queue: 'mailer', name: 'charge', data: { v: 1, args }, retry: charge.retry }],
        },
      ],
    });
  });

  it("gives jobId and parent to the chain's own job, delayMs to the first step, and the rest to every step", () => {
    const job = chainJob(
      [charge, sendReceipt],
      args,
      checkEnqueueOptions(
        {
          jobId: 'order-1',
          parent: { id: 'p1', queue: 'billing' },
          delayMs: 100,
          priority: 2,
          requestId: 'r1',
          traceparent: '00-t-p-01',
        },
        'first.options',
      ),
    );
    const trace = { requestId: 'r1', traceparent: '00-t-p-01' };
    expect(job).toEqual({
      queue: 'mailer',
      name: 'sendReceipt',
      data: { v: 1, fromPrevious: true, ...trace },
      retry: sendReceipt.retry,
      priority: 2,
      jobId: 'order-1',
      parent: { id: 'p1', queue: 'billing' },
      children: [
        {
          queue: 'mailer',
          name: 'charge',
          data: { v: 1, args, ...trace },
          retry: charge.retry,
          priority: 2,
          delayMs: 100,
        },
      ],
    });
  });

  it('of one step is the job of that task', () => {
    expect(chainJob([charge], args, { jobId: 'c-1' })).toEqual({
      queue: 'mailer',
      name: 'charge',
      data: { v: 1, args },
      retry: charge.retry,
      jobId: 'c-1',
    });
  });
});

describe('enqueue validates the args as they will be stored (a JSON copy)', () => {
  const logger = recordingLogger();

  /** The args of the job as the backend stored them: what a worker receives. */
  async function stored(definition: TaskDefinition, args: unknown): Promise<unknown> {
    const backend = memoryTaskBackend();
    try {
      const tasks = createTasks<OrdersTaskMap>({ charge, sendReceipt, purgeCarts }, { backend });
      const handle = await tasks.enqueue(definition, args as never);
      let received: unknown;
      await backend.process('mailer', (job) => Promise.resolve((received = job.data.args)), { concurrency: 1, logger });
      await handle.result({ timeoutMs: 5000 });
      return received;
    } finally {
      await backend.close();
    }
  }

  it.each<[string, TaskDefinition, unknown, string, string]>([
    ['Infinity (null as JSON)', charge, { amount: Infinity }, '/args/amount', 'must be number'],
    ['NaN (null as JSON)', charge, { amount: Number.NaN }, '/args/amount', 'must be number'],
    [
      'a Date where a number goes (a string as JSON)',
      charge,
      { amount: new Date(0) },
      '/args/amount',
      'must be number',
    ],
    ['a function (left out as JSON)', charge, { amount: () => 5 }, '/args/amount', 'is required'],
    ['a BigInt (not JSON)', charge, { amount: 5n }, '/args', 'is not JSON (Do not know how to serialize a BigInt)'],
  ])('refuses %s with SFR4301; nothing is enqueued', async (_, definition, args, pointer, message) => {
    const backend = memoryTaskBackend();
    const tasks = createTasks<OrdersTaskMap>({ charge, sendReceipt, purgeCarts }, { backend });
    await expect(tasks.enqueue(definition, args as never)).rejects.toMatchObject({
      code: 'SFR4301',
      failures: [{ pointer, message }],
    });
    expect(await backend.outcome('mailer', '1', 0)).toEqual({ status: 'unfinished' });
    await backend.close();
  });

  it.each<[string, TaskDefinition, unknown, unknown]>([
    [
      'a Date where a string goes, as its ISO text',
      sendReceipt,
      { orderId: new Date(0) },
      { orderId: '1970-01-01T00:00:00.000Z', copies: 1 },
    ],
    ['an undefined property left out', charge, { amount: 5, note: undefined }, { amount: 5 }],
    ['undefined in an array as null', charge, { amount: 5, tags: [undefined, 'a'] }, { amount: 5, tags: [null, 'a'] }],
  ])('enqueues %s (as the worker will receive it)', async (_, definition, args, expected) => {
    expect(await stored(definition, args)).toEqual(expected);
  });
});

describe('job ids across tasks', () => {
  it('a group that gives two steps one jobId is refused (SFR4302); nothing is enqueued', async () => {
    const backend = memoryTaskBackend();
    const tasks = createTasks<OrdersTaskMap>({ charge, sendReceipt, purgeCarts }, { backend });
    await expect(
      tasks.group([
        { task: 'charge', args: { amount: 5 }, options: { jobId: 'order-7' } },
        { task: 'sendReceipt', args: { orderId: 'o7' }, options: { jobId: 'order-7' } },
      ]),
    ).rejects.toMatchObject({ name: 'TaskOptionsError', code: 'SFR4302', message: expect.stringContaining('order-7') });
    expect(await backend.outcome('mailer', 'order-7', 0)).toEqual({ status: 'unfinished' });
    await backend.close();
  });

  it("enqueuing a task with the jobId of another task's job is refused (SFR4302), naming that task", async () => {
    const backend = memoryTaskBackend();
    const tasks = createTasks<OrdersTaskMap>({ charge, sendReceipt, purgeCarts }, { backend });
    await tasks.enqueue(charge, { amount: 5 }, { jobId: 'order-7' });
    await expect(tasks.enqueue(sendReceipt, { orderId: 'o7' }, { jobId: 'order-7' })).rejects.toMatchObject({
      name: 'TaskOptionsError',
      code: 'SFR4302',
      message: expect.stringContaining('by a job of task `charge`, not `sendReceipt`'),
    });
    await backend.close();
  });
});

describe('createTasks on the memory backend', () => {
  const backends: TaskBackend[] = [];
  afterEach(async () => {
    await Promise.all(backends.splice(0).map((backend) => backend.close()));
  });
  /** A memory backend whose `mailer` queue completes each job with `{ chargeId: 'c1' }`. */
  async function completing(): Promise<TaskBackend> {
    const backend = memoryTaskBackend();
    backends.push(backend);
    await backend.process('mailer', () => Promise.resolve({ chargeId: 'c1' }), {
      concurrency: 1,
      logger: recordingLogger(),
    });
    return backend;
  }

  it.each<[string, { timeoutMs?: number } | undefined]>([
    ['no options: the default wait', undefined],
    ['no wait at all', { timeoutMs: 0 }],
    ['the longest wait a timer holds', { timeoutMs: 2 ** 31 - 1 }],
  ])('result() of a completed job answers with %s', async (_, options) => {
    const tasks = createTasks<OrdersTaskMap>({ charge: chargeTask() }, { backend: await completing() });
    const handle = await tasks.enqueue(chargeTask(), { amount: 1 });
    await expect(handle.result({ timeoutMs: 5000 })).resolves.toEqual({
      status: 'completed',
      result: { chargeId: 'c1' },
    });
    await expect(handle.result(options)).resolves.toEqual({ status: 'completed', result: { chargeId: 'c1' } });
  });

  const WAIT_HINT = 'leave it unset to wait up to 30000 ms';
  it.each<[string, number]>([
    ['negative', -1],
    ['fractional', 1.5],
    ['past what a timer holds', 2 ** 31],
  ])('result() refuses a wait that is %s (SFR4302); nothing waits', async (_, timeoutMs) => {
    const tasks = createTasks<OrdersTaskMap>({ charge: chargeTask() }, { backend: await completing() });
    const handle = await tasks.enqueue(chargeTask(), { amount: 1 });
    await expect(handle.result({ timeoutMs })).rejects.toMatchObject({
      name: 'TaskOptionsError',
      code: 'SFR4302',
      hint: WAIT_HINT,
      message: `SFR4302 result() options.timeoutMs must be a whole number of ms from 0 to 2147483647; got ${timeoutMs}; ${WAIT_HINT}`,
    });
  });

  it('a producer without tasks says it has none when a flow names one', async () => {
    const tasks = createTasks<OrdersTaskMap>({}, { backend: await completing() });
    const hint = 'name a task the service enqueues (its `consumes.tasks` in spec/services.yaml)';
    await expect(tasks.chain({ task: 'charge', args: { amount: 1 } })).rejects.toMatchObject({
      code: 'SFR4302',
      message: `SFR4302 the chain names task "charge", which is not one of this producer's (none); ${hint}`,
    });
  });
});
