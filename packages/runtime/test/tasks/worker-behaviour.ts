/**
 * What a service notices of its tasks, enqueue → worker → result, as one suite that every backend
 * runs: the memory backend (worker.memory.test.ts) and BullMQ on a real Redis. Time is real: waits
 * are bounded polls and `result({ timeoutMs })` with generous limits; the only timed assertions are
 * the ones the issue asks for (a time limit enforced within 10 %, a backoff that waits at least its delay).
 */
import { scheduleId, TASK_JOB_VERSION } from '@specfirst/spec-core/tasks';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTasks } from '../../src/tasks/producer.js';
import { TaskTimeLimitError } from '../../src/tasks/task-errors.js';
import type {
  TaskBackend,
  TaskContext,
  TaskDefinition,
  TaskHandler,
  TaskProducer,
  TaskWorker,
  WorkerOptions,
} from '../../src/tasks/types.js';
import { createWorker } from '../../src/tasks/worker.js';
import { waitFor } from '../events/consumer-behaviour.js';
import { recordingLogger } from '../support.js';
import {
  chargeTask,
  purgeCartsTask,
  sendReceiptTask,
  type ChargeArgs,
  type ChargeResult,
  type OrdersTaskMap,
  type PurgeCartsArgs,
  type SendReceiptArgs,
  type SendReceiptResult,
} from './support.js';

export interface WorkerHarness {
  /** A backend of its own for this test (its own key prefix, for Redis). */
  backend: TaskBackend;
  /** Closes the backend and removes what the test left. */
  dispose(): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The mailer's handlers, each replaceable per test. */
interface MailerHandlers {
  sendReceipt: TaskHandler<SendReceiptArgs, SendReceiptResult>;
  charge: TaskHandler<ChargeArgs, ChargeResult>;
  purgeCarts: TaskHandler<PurgeCartsArgs, void>;
}

export function workerBehaviour(name: string, setup: () => Promise<WorkerHarness>): void {
  // Bounded waits give up after 8 s; a test as a whole after 30 s, on a busy machine too.
  describe(`workers on ${name}`, { timeout: 30_000 }, () => {
    let h: WorkerHarness;
    let logger: ReturnType<typeof recordingLogger>;
    const running: TaskWorker[] = [];

    beforeEach(async () => {
      h = await setup();
      logger = recordingLogger();
    });

    afterEach(async () => {
      await Promise.all(running.splice(0).map((worker) => worker.stop()));
      await h.dispose();
    });

    /** The mailer's definitions, with `overrides` per task. */
    function mailerTasks(overrides: { [K in keyof MailerHandlers]?: Partial<TaskDefinition> } = {}) {
      return {
        sendReceipt: sendReceiptTask(
          overrides.sendReceipt as Partial<TaskDefinition<SendReceiptArgs, SendReceiptResult>>,
        ),
        charge: chargeTask(overrides.charge as Partial<TaskDefinition<ChargeArgs, ChargeResult>>),
        purgeCarts: purgeCartsTask(overrides.purgeCarts as Partial<TaskDefinition<PurgeCartsArgs, void>>),
      };
    }

    /** Starts the mailer's worker with the test's backend and logger; stopped after the test. */
    async function work(
      handlers: Partial<MailerHandlers>,
      definitions = mailerTasks(),
      options: Partial<WorkerOptions> = {},
    ): Promise<TaskWorker> {
      const worker = createWorker(
        'mailer',
        definitions as Record<string, TaskDefinition>,
        {
          sendReceipt: ({ orderId }) => ({ messageId: `m-${orderId}` }),
          charge: ({ amount }) => ({ orderId: `o-${amount}` }),
          purgeCarts: () => undefined,
          ...handlers,
        },
        { backend: h.backend, logger, shutdownTimeoutMs: 2000, ...options },
      );
      running.push(worker);
      await worker.start();
      return worker;
    }

    const producer = (definitions = mailerTasks()): TaskProducer<OrdersTaskMap> =>
      createTasks<OrdersTaskMap>(definitions as Record<string, TaskDefinition>, { backend: h.backend });
    const logged = (code: string) => logger.entries.filter((entry) => entry.fields.code === code);

    it('hands the handler typed args with defaults applied and its context; result() gives the typed result', async () => {
      const seen: { args: SendReceiptArgs; context: TaskContext }[] = [];
      await work({
        sendReceipt: (args, context) => {
          seen.push({ args, context });
          context.logger.info({ step: 'sent' }, 'from the handler');
          return { messageId: `m-${args.orderId}-${args.copies}` };
        },
      });
      const tasks = producer();
      const args: SendReceiptArgs = { orderId: 'o1' };
      const handle = await tasks.enqueue(sendReceiptTask(), args, {
        requestId: 'r1',
        traceparent: '00-t-p-01',
        jobId: 'receipt-o1',
      });
      // The caller's object is left as it was: defaults go into the job's copy.
      expect(args).toEqual({ orderId: 'o1' });
      expect(handle).toMatchObject({ id: 'receipt-o1', queue: 'mailer', task: 'sendReceipt' });
      const outcome = await handle.result({ timeoutMs: 8000 });
      expect(outcome).toEqual({ status: 'completed', result: { messageId: 'm-o1-1' } });
      if (outcome.status === 'completed') expect(outcome.result.messageId).toBe('m-o1-1');
      expect(seen).toHaveLength(1);
      expect(seen[0]!.args).toEqual({ orderId: 'o1', copies: 1 });
      const { context } = seen[0]!;
      expect(context).toMatchObject({
        task: 'sendReceipt',
        jobId: 'receipt-o1',
        attempt: 1,
        attempts: 3,
        requestId: 'r1',
        traceparent: '00-t-p-01',
      });
      expect(context.signal.aborted).toBe(false);
      expect(context.timeLeftMs()).toBe(Infinity);
      expect(logger.entries.find((entry) => entry.message === 'from the handler')?.fields).toMatchObject({
        worker: 'mailer',
        task: 'sendReceipt',
        jobId: 'receipt-o1',
        attempt: 1,
        step: 'sent',
      });
    });

    it('refuses invalid args before anything is enqueued (SFR4301)', async () => {
      let calls = 0;
      await work({ sendReceipt: () => ((calls += 1), { messageId: 'm' }) });
      const tasks = producer();
      await expect(tasks.enqueue(sendReceiptTask(), { orderId: '' }, { jobId: 'bad-args' })).rejects.toMatchObject({
        name: 'TaskValidationError',
        code: 'SFR4301',
        failures: [{ pointer: '/args/orderId', message: 'must NOT have fewer than 1 characters' }],
      });
      // The same id enqueues now: nothing was added under it.
      const handle = await tasks.enqueue(sendReceiptTask(), { orderId: 'o2' }, { jobId: 'bad-args' });
      expect(await handle.result({ timeoutMs: 8000 })).toEqual({ status: 'completed', result: { messageId: 'm' } });
      expect(calls).toBe(1);
    });

    it('dead-letters a job whose args are invalid on receive at once, without running the handler (SFR4303)', async () => {
      let calls = 0;
      await work({ sendReceipt: () => ((calls += 1), { messageId: 'm' }) });
      // An enqueuer that skipped validation (another version of the spec, a hand-made job).
      const data = { v: TASK_JOB_VERSION, args: { orderId: 42 } };
      const [id] = await h.backend.add([
        { queue: 'mailer', name: 'sendReceipt', data, retry: sendReceiptTask().retry },
      ]);
      const outcome = await h.backend.outcome('mailer', id!, 8000);
      expect(outcome).toEqual({
        status: 'failed',
        failure: {
          reason: 'invalid-args',
          message: expect.stringMatching(
            /^SFR4303 job \S+ of `sendReceipt` has args that are not a valid SendReceiptArgs: \/args\/orderId must be string$/,
          ),
          attempts: 1,
        },
      });
      expect(calls).toBe(0);
      const dead = await h.backend.listDeadLetters('mailer');
      expect(dead).toEqual([
        expect.objectContaining({
          id,
          task: 'sendReceipt',
          data,
          failure: expect.objectContaining({ reason: 'invalid-args' }),
        }),
      ]);
      expect(logged('SFR4303')).toHaveLength(1);
    });

    it('dead-letters a job of a task the worker does not run at once (SFR4306)', async () => {
      await work({});
      const [id] = await h.backend.add([
        { queue: 'mailer', name: 'refund', data: { v: TASK_JOB_VERSION, args: {} }, retry: sendReceiptTask().retry },
      ]);
      const outcome = await h.backend.outcome('mailer', id!, 8000);
      expect(outcome).toMatchObject({ status: 'failed', failure: { reason: 'unknown-task', attempts: 1 } });
      expect(logged('SFR4306')).toHaveLength(1);
    });

    it('retries a throwing handler after its backoff, then dead-letters it with its error and attempts (SFR4307)', async () => {
      const starts: { attempt: number; at: number }[] = [];
      const definitions = mailerTasks({ sendReceipt: { retry: { attempts: 3, backoff: 'fixed', delayMs: 60 } } });
      await work(
        {
          sendReceipt: (_args, context) => {
            starts.push({ attempt: context.attempt, at: Date.now() });
            throw new Error(`smtp down (attempt ${context.attempt})`);
          },
        },
        definitions,
      );
      const handle = await producer(definitions).enqueue(definitions.sendReceipt, { orderId: 'o1' });
      const outcome = await handle.result({ timeoutMs: 8000 });
      expect(outcome).toEqual({
        status: 'failed',
        failure: { reason: 'error', message: 'smtp down (attempt 3)', attempts: 3 },
      });
      expect(starts.map((s) => s.attempt)).toEqual([1, 2, 3]);
      // The backoff's delay lies between attempts (a lower bound only: the machine may be slower).
      for (let i = 1; i < starts.length; i += 1) expect(starts[i]!.at - starts[i - 1]!.at).toBeGreaterThanOrEqual(50);
      const dead = await h.backend.listDeadLetters('mailer');
      expect(dead).toEqual([
        expect.objectContaining({
          id: handle.id,
          task: 'sendReceipt',
          data: expect.objectContaining({ args: { orderId: 'o1', copies: 1 } }),
          failure: { reason: 'error', message: 'smtp down (attempt 3)', attempts: 3 },
        }),
      ]);
      // Each failure logged once, with its code: twice retried, once for good.
      expect(logged('SFR4307').map((entry) => [entry.level, entry.fields.attempt])).toEqual([
        ['warn', 1],
        ['warn', 2],
        ['error', 3],
      ]);
    });

    it('dead-letters an invalid result at once, without retrying (SFR4304)', async () => {
      let calls = 0;
      await work({ sendReceipt: () => ((calls += 1), { id: 'no messageId' }) as unknown as SendReceiptResult });
      const handle = await producer().enqueue(sendReceiptTask(), { orderId: 'o1' });
      expect(await handle.result({ timeoutMs: 8000 })).toEqual({
        status: 'failed',
        failure: {
          reason: 'invalid-result',
          message: expect.stringMatching(
            /^SFR4304 the handler of job \S+ of `sendReceipt` returned a result that is not a valid SendReceiptResult: \/result\/messageId is required$/,
          ),
          attempts: 1,
        },
      });
      expect(calls).toBe(1);
    });

    it('fails an attempt that ignores its signal within 10 % of the time limit, frees its slot, and retries it (SFR4305)', async () => {
      const limitMs = 1000;
      const attempts: { attempt: number; startedAt: number; abortedAt?: number; reason?: unknown }[] = [];
      let others = 0;
      const definitions = mailerTasks({
        sendReceipt: { timeoutMs: limitMs, retry: { attempts: 2, backoff: 'fixed', delayMs: 10 } },
      });
      await work(
        {
          sendReceipt: (_args, context) => {
            const record: (typeof attempts)[number] = { attempt: context.attempt, startedAt: performance.now() };
            attempts.push(record);
            context.signal.addEventListener('abort', () => {
              record.abortedAt = performance.now();
              record.reason = context.signal.reason;
            });
            // Ignores its signal: never settles.
            return new Promise<never>(() => undefined);
          },
          charge: ({ amount }) => ((others += 1), { orderId: `o-${amount}` }),
        },
        definitions,
        { concurrency: 1 },
      );
      const tasks = producer(definitions);
      const stuck = await tasks.enqueue(definitions.sendReceipt, { orderId: 'o1' });
      await waitFor(() => attempts.length === 1, 'the first attempt');
      const other = await tasks.enqueue(definitions.charge, { amount: 3 });
      // With concurrency 1, the other job runs only once the stuck attempt's slot is free.
      expect(await other.result({ timeoutMs: 8000 })).toEqual({ status: 'completed', result: { orderId: 'o-3' } });
      const outcome = await stuck.result({ timeoutMs: 8000 });
      expect(outcome).toEqual({
        status: 'failed',
        failure: {
          reason: 'time-limit',
          message: expect.stringMatching(
            /^SFR4305 job \S+ of task `sendReceipt` \(attempt 2\) ran past its time limit of 1000 ms; /,
          ),
          attempts: 2,
        },
      });
      expect(attempts.map((a) => a.attempt)).toEqual([1, 2]);
      for (const a of attempts) {
        expect(a.reason).toBeInstanceOf(TaskTimeLimitError);
        const tookMs = a.abortedAt! - a.startedAt;
        expect(tookMs).toBeGreaterThanOrEqual(limitMs * 0.99);
        expect(tookMs).toBeLessThanOrEqual(limitMs * 1.1);
      }
      expect(others).toBe(1);
      expect(logged('SFR4305').map((entry) => entry.fields.attempt)).toEqual([1, 2]);
    });

    it('result() stops waiting after its timeout: unfinished', async () => {
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      await work({ sendReceipt: async () => (await released, { messageId: 'late' }) });
      const handle = await producer().enqueue(sendReceiptTask(), { orderId: 'o1' });
      expect(await handle.result({ timeoutMs: 50 })).toEqual({ status: 'unfinished' });
      release();
      expect(await handle.result({ timeoutMs: 8000 })).toEqual({ status: 'completed', result: { messageId: 'late' } });
    });

    it('passes each result of a chain to the next task as its args; the handle has the last result', async () => {
      const received: unknown[] = [];
      await work({
        charge: ({ amount }) => ({ orderId: `o-${amount}` }),
        sendReceipt: (args) => (received.push(args), { messageId: `m-${args.orderId}` }),
      });
      const handle = await producer().chain({ task: 'charge', args: { amount: 5 } }, 'sendReceipt');
      expect(handle.task).toBe('sendReceipt');
      expect(await handle.result({ timeoutMs: 8000 })).toEqual({ status: 'completed', result: { messageId: 'm-o-5' } });
      expect(received).toEqual([{ orderId: 'o-5', copies: 1 }]);
    });

    it("fails a chain's later steps when a step fails for good (previous-step)", async () => {
      let sent = 0;
      await work({
        charge: () => {
          throw new Error('card declined');
        },
        sendReceipt: () => ((sent += 1), { messageId: 'm' }),
      });
      const handle = await producer().chain({ task: 'charge', args: { amount: 5 } }, 'sendReceipt');
      expect(await handle.result({ timeoutMs: 8000 })).toMatchObject({
        status: 'failed',
        failure: { reason: 'previous-step' },
      });
      expect(sent).toBe(0);
    });

    it('collects the results of a group, in order', async () => {
      await work({});
      const group = await producer().group([
        { task: 'charge', args: { amount: 7 } },
        { task: 'sendReceipt', args: { orderId: 'o1' } },
        { task: 'charge', args: { amount: 8 } },
      ]);
      expect(group.handles.map((handle) => handle.task)).toEqual(['charge', 'sendReceipt', 'charge']);
      expect(await group.results({ timeoutMs: 8000 })).toEqual([
        { status: 'completed', result: { orderId: 'o-7' } },
        { status: 'completed', result: { messageId: 'm-o1' } },
        { status: 'completed', result: { orderId: 'o-8' } },
      ]);
    });

    it('enqueues no step of a group when one has invalid args', async () => {
      await work({});
      await expect(
        producer().group([
          { task: 'charge', args: { amount: 7 }, options: { jobId: 'group-1' } },
          { task: 'sendReceipt', args: { orderId: '' } },
        ]),
      ).rejects.toMatchObject({ code: 'SFR4301', failures: [{ pointer: '/steps/1/args/orderId' }] });
      expect(await h.backend.outcome('mailer', 'group-1', 100)).toEqual({ status: 'unfinished' });
    });

    it("keeps one schedule per scheduled task, however many workers start, and removes SpecFirst's schedules of tasks that lost theirs", async () => {
      const stale = { v: TASK_JOB_VERSION, args: {} };
      const retry = purgeCartsTask().retry;
      await h.backend.upsertSchedule({
        id: scheduleId('oldTask'),
        queue: 'mailer',
        task: 'oldTask',
        pattern: '0 4 * * *',
        data: stale,
        retry,
      });
      await h.backend.upsertSchedule({
        id: 'not-ours',
        queue: 'mailer',
        task: 'purgeCarts',
        pattern: '0 5 * * *',
        data: stale,
        retry,
      });
      await Promise.all([work({}), work({})]);
      expect((await h.backend.scheduleIds('mailer')).sort()).toEqual(['not-ours', scheduleId('purgeCarts')].sort());
      expect(
        logger.entries.filter((entry) => entry.fields.scheduleId === scheduleId('oldTask')).length,
      ).toBeGreaterThanOrEqual(1);
    });

    it('stop() lets the job in flight finish, takes no new job, and a stopped worker does not start again (SFR4308)', async () => {
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      const started: string[] = [];
      const worker = await work({
        sendReceipt: async ({ orderId }, context) => {
          started.push(orderId);
          if (orderId === 'o1') await released;
          return { messageId: `m-${orderId}-${context.signal.aborted}` };
        },
      });
      const tasks = producer();
      const first = await tasks.enqueue(sendReceiptTask(), { orderId: 'o1' });
      await waitFor(() => started.length === 1, 'the first job');
      const stopping = worker.stop();
      await sleep(20);
      const second = await tasks.enqueue(sendReceiptTask(), { orderId: 'o2' });
      release();
      await stopping;
      expect(await first.result({ timeoutMs: 8000 })).toEqual({
        status: 'completed',
        result: { messageId: 'm-o1-false' },
      });
      expect(await second.result({ timeoutMs: 200 })).toEqual({ status: 'unfinished' });
      expect(started).toEqual(['o1']);
      await expect(worker.start()).rejects.toMatchObject({ code: 'SFR4308' });
      // Another worker takes the job left waiting.
      await work({});
      expect(await second.result({ timeoutMs: 8000 })).toEqual({ status: 'completed', result: { messageId: 'm-o2' } });
    });

    it('stop() gives up on a handler after shutdownTimeoutMs: its signal aborts and the job runs again later', async () => {
      const aborted: unknown[] = [];
      let attempt = 0;
      const worker = await work(
        {
          sendReceipt: (_args, context) => {
            attempt += 1;
            context.signal.addEventListener('abort', () => aborted.push(context.signal.reason));
            return new Promise<never>(() => undefined);
          },
        },
        mailerTasks(),
        { shutdownTimeoutMs: 100 },
      );
      const handle = await producer().enqueue(sendReceiptTask(), { orderId: 'o1' });
      await waitFor(() => attempt === 1, 'the first attempt');
      await worker.stop();
      expect(aborted).toHaveLength(1);
      await work({
        sendReceipt: (_args, context) => ({ messageId: `m-${context.attempt}` }),
      });
      // Back on the queue, the interrupted attempt not counted.
      expect(await handle.result({ timeoutMs: 8000 })).toEqual({ status: 'completed', result: { messageId: 'm-1' } });
    });
  });
}
