/**
 * The BullMQ task backend on a real redis-server (REDIS_URL, default redis://127.0.0.1:6379): each
 * test has a BullMQ prefix of its own, whose keys are deleted after the file. Without Redis these
 * tests fail, saying how to start one. What only BullMQ has is shown here: dead letters moved by
 * add-then-remove and found again by the sweep, jobs handed back by `close()`, schedules kept once by
 * two backends, children results in order, and the errors. The stall recovery is in
 * bullmq-stall.test.ts (a worker process SIGKILLed).
 */
import type { IRRetryPolicy } from '@specfirst/spec-core';
import { deadLetterQueueName } from '@specfirst/spec-core/tasks';
import { Queue, Worker } from 'bullmq';
import { afterAll, describe, expect, it } from 'vitest';
import { retryDelay } from '../../src/events/backoff.js';
import { bullmqTaskBackend, failureOf, specFirstBackoff } from '../../src/tasks/bullmq-backend.js';
import { TaskJobError } from '../../src/tasks/job-error.js';
import type { ActiveJob, JobSpec, TaskBackend } from '../../src/tasks/types.js';
import { recordingLogger } from '../support.js';
import { REDIS_URL, redisTestServer } from '../events/redis-support.js';
import { backendContract } from './backend-contract.js';
import { workerBehaviour } from './worker-behaviour.js';

const { requireRedis, deleteKeys } = redisTestServer('bullmq-backend');
const FILE_PREFIX = `specfirst-test-bullmq-${process.pid}-${Date.now()}`;
let tests = 0;
const opened: { backend: TaskBackend; queues: Queue[] }[] = [];

afterAll(async () => {
  for (const { backend, queues } of opened) {
    await backend.close();
    await Promise.all(queues.map((queue) => queue.close()));
  }
  await deleteKeys(FILE_PREFIX);
});

// The contract suite: a prefix per test, its keys deleted by `cleanup()` after the suite closed the backend.
backendContract('BullMQ', async () => {
  await requireRedis();
  const prefix = `${FILE_PREFIX}-contract-${++tests}`;
  return { backend: bullmqTaskBackend({ url: REDIS_URL, prefix }), cleanup: () => deleteKeys(prefix) };
});

// What a service notices of its tasks (createTasks → createWorker → result) on BullMQ.
workerBehaviour('BullMQ', async () => {
  await requireRedis();
  const prefix = `${FILE_PREFIX}-workers-${++tests}`;
  const backend = bullmqTaskBackend({ url: REDIS_URL, prefix });
  return {
    backend,
    dispose: async () => {
      await backend.close();
      await deleteKeys(prefix);
    },
  };
});

const NO_RETRY: IRRetryPolicy = { attempts: 1, backoff: 'fixed', delayMs: 0 };

/** A backend with a prefix of its own, and a raw BullMQ queue to look behind its back. */
async function setup(options: { sweepIntervalMs?: number; keepCompleted?: { count: number; ageMs: number } } = {}) {
  await requireRedis();
  const prefix = `${FILE_PREFIX}-${++tests}`;
  const backend = bullmqTaskBackend({ url: REDIS_URL, prefix, ...options });
  const queues: Queue[] = [];
  const raw = (name: string) => {
    const queue = new Queue(name, { connection: { url: REDIS_URL }, prefix });
    queues.push(queue);
    return queue;
  };
  opened.push({ backend, queues });
  return { backend, prefix, raw };
}

function job(name: string, args: unknown, more: Partial<JobSpec> = {}): JobSpec {
  return { queue: 'mailer', name, data: { v: 1, args }, retry: NO_RETRY, ...more };
}

/** Waits (bounded) until `check` holds. */
async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('specFirstBackoff (the custom BullMQ backoff strategy)', () => {
  const exponential: IRRetryPolicy = { attempts: 6, backoff: 'exponential', delayMs: 100, maxDelayMs: 500 };
  const fixed: IRRetryPolicy = { attempts: 3, backoff: 'fixed', delayMs: 250 };
  const cases: [string, IRRetryPolicy | undefined, number, number][] = [
    ['exponential after run 1', exponential, 1, 100],
    ['exponential after run 2', exponential, 2, 200],
    ['exponential after run 3', exponential, 3, 400],
    ['exponential capped by maxDelayMs', exponential, 4, 500],
    ['fixed', fixed, 2, 250],
    ['a job without our policy retries at once', undefined, 2, 0],
  ];
  it.each(cases)('%s', (_, policy, attemptsMade, expected) => {
    const opts = policy ? { backoff: { type: 'specfirst', delay: policy.delayMs, policy } } : {};
    const delay = specFirstBackoff(attemptsMade, 'specfirst', undefined, { opts });
    expect(delay).toBe(expected);
    if (policy) expect(delay).toBe(retryDelay(policy, attemptsMade));
  });
});

describe('failureOf (a failed job’s reason)', () => {
  const cases: [string, string, number, number, ReturnType<typeof failureOf>][] = [
    [
      'the processor’s prefix',
      '[time-limit] ran 5000 ms',
      3,
      3,
      { reason: 'time-limit', message: 'ran 5000 ms', attempts: 3 },
    ],
    [
      'invalid args',
      '[invalid-args] /to must be string',
      1,
      1,
      { reason: 'invalid-args', message: '/to must be string', attempts: 1 },
    ],
    [
      'stalled too often',
      'job stalled more than allowable limit',
      0,
      2,
      { reason: 'stalled', message: 'job stalled more than allowable limit', attempts: 2 },
    ],
    [
      'a failed child: the attempt that failed it ran nothing',
      'child bull:mailer:abc failed',
      1,
      1,
      { reason: 'previous-step', message: 'child bull:mailer:abc failed', attempts: 0 },
    ],
    ['an unknown prefix is kept', '[boom] x', 1, 1, { reason: 'error', message: '[boom] x', attempts: 1 }],
    ['no prefix', 'ECONNRESET', 2, 2, { reason: 'error', message: 'ECONNRESET', attempts: 2 }],
  ];
  it.each(cases)('%s', (_, message, made, started, expected) => {
    expect(failureOf(message, made, started)).toEqual(expected);
  });
});

describe('bullmqTaskBackend on Redis', () => {
  it('runs a job and answers its outcome, also long after it completed', async () => {
    const { backend } = await setup();
    const processing = await backend.process(
      'mailer',
      async (active) => ({ sent: (active.data.args as { to: string }).to }),
      {
        concurrency: 2,
        logger: recordingLogger(),
      },
    );
    const [id] = await backend.add([job('sendReceipt', { to: 'a@example.com' })]);
    expect(await backend.outcome('mailer', id!, 10_000)).toEqual({
      status: 'completed',
      result: { sent: 'a@example.com' },
    });
    // Finished already: answers with no wait at all.
    expect(await backend.outcome('mailer', id!, 0)).toEqual({ status: 'completed', result: { sent: 'a@example.com' } });
    await processing.close(1000);
  });

  it('answers unfinished when the job has not ended in time', async () => {
    const { backend } = await setup();
    const [id] = await backend.add([job('sendReceipt', {})]);
    expect(await backend.outcome('mailer', id!, 50)).toEqual({ status: 'unfinished' });
  });

  it('retries with the task’s attempts and dead-letters after the last one, with its args, error and attempts', async () => {
    const { backend, raw } = await setup();
    const attempts: number[] = [];
    const processing = await backend.process(
      'mailer',
      async (active) => {
        attempts.push(active.attempt);
        throw new TaskJobError('smtp down', 'error', true);
      },
      { concurrency: 1, logger: recordingLogger() },
    );
    const retry: IRRetryPolicy = { attempts: 3, backoff: 'exponential', delayMs: 10 };
    const [id] = await backend.add([job('sendReceipt', { to: 'b' }, { retry, jobId: 'receipt-b' })]);
    expect(id).toBe('receipt-b');
    const outcome = await backend.outcome('mailer', id!, 10_000);
    expect(outcome).toEqual({ status: 'failed', failure: { reason: 'error', message: 'smtp down', attempts: 3 } });
    expect(attempts).toEqual([1, 2, 3]);
    await until(async () => (await backend.listDeadLetters('mailer')).length === 1, 'the dead letter');
    const [dead] = await backend.listDeadLetters('mailer');
    expect(dead).toMatchObject({
      id: 'receipt-b',
      queue: 'mailer',
      task: 'sendReceipt',
      data: { v: 1, args: { to: 'b' } },
      failure: { reason: 'error', message: 'smtp down', attempts: 3 },
    });
    // Moved, not copied: the original is gone from its queue.
    await until(async () => (await raw('mailer').getJob('receipt-b')) === undefined, 'the original removed');
    await processing.close(1000);
  });

  it('dead-letters at once, without retry, a TaskJobError with retry: false', async () => {
    const { backend } = await setup();
    let runs = 0;
    const processing = await backend.process(
      'mailer',
      async () => {
        runs++;
        throw new TaskJobError('/to must be string', 'invalid-args', false);
      },
      { concurrency: 1, logger: recordingLogger() },
    );
    const retry: IRRetryPolicy = { attempts: 5, backoff: 'fixed', delayMs: 10 };
    const [id] = await backend.add([job('sendReceipt', { to: 1 }, { retry })]);
    expect(await backend.outcome('mailer', id!, 10_000)).toEqual({
      status: 'failed',
      failure: { reason: 'invalid-args', message: '/to must be string', attempts: 1 },
    });
    await until(async () => (await backend.listDeadLetters('mailer')).length === 1, 'the dead letter');
    expect(runs).toBe(1);
    await processing.close(1000);
  });

  it('retryDeadLetter sends a dead letter back with the same id and fresh attempts; false for an unknown id', async () => {
    const { backend } = await setup();
    let fixed = false;
    const seen: number[] = [];
    const processing = await backend.process(
      'mailer',
      async (active) => {
        seen.push(active.attempt);
        if (!fixed) throw new TaskJobError('template missing', 'error', true);
        return 'sent';
      },
      { concurrency: 1, logger: recordingLogger() },
    );
    const retry: IRRetryPolicy = { attempts: 2, backoff: 'fixed', delayMs: 5 };
    await backend.add([job('sendReceipt', {}, { retry, jobId: 'r1' })]);
    await until(async () => (await backend.listDeadLetters('mailer')).length === 1, 'the dead letter');
    fixed = true;
    expect(await backend.retryDeadLetter('mailer', 'r1')).toBe(true);
    expect(await backend.outcome('mailer', 'r1', 10_000)).toEqual({ status: 'completed', result: 'sent' });
    expect(seen).toEqual([1, 2, 1]);
    expect(await backend.listDeadLetters('mailer')).toEqual([]);
    expect(await backend.retryDeadLetter('mailer', 'r1')).toBe(false);
    expect(await backend.retryDeadLetter('mailer', 'nope')).toBe(false);
    await processing.close(1000);
  });

  it('deduplicates by jobId: waiting, completed and dead-lettered jobs are not added again', async () => {
    const { backend, raw } = await setup();
    expect(await backend.add([job('sendReceipt', { n: 1 }, { jobId: 'once' })])).toEqual(['once']);
    expect(await backend.add([job('sendReceipt', { n: 2 }, { jobId: 'once' })])).toEqual(['once']);
    expect(await raw('mailer').getWaitingCount()).toBe(1);
    expect((await raw('mailer').getJob('once'))!.data).toEqual({ v: 1, args: { n: 1 } });
    // A flow whose root is there already adds nothing either: no child under the existing job.
    expect(
      await backend.add([job('sendReceipt', { n: 4 }, { jobId: 'once', children: [job('kid', 1, { jobId: 'kid' })] })]),
    ).toEqual(['once']);
    expect(await raw('mailer').getJob('kid')).toBeUndefined();

    const processing = await backend.process(
      'mailer',
      async () => {
        throw new TaskJobError('bad', 'invalid-args', false);
      },
      { concurrency: 1, logger: recordingLogger() },
    );
    await until(async () => (await backend.listDeadLetters('mailer')).length === 1, 'the dead letter');
    await processing.close(1000);
    expect(await backend.add([job('sendReceipt', { n: 3 }, { jobId: 'once' })])).toEqual(['once']);
    expect(await raw('mailer').getJob('once')).toBeUndefined();
  });

  it('keeps delayed jobs delayed and runs prioritised jobs by priority', async () => {
    const { backend, raw } = await setup();
    const [delayed] = await backend.add([job('sendReceipt', {}, { delayMs: 60_000 })]);
    expect(await raw('mailer').getJobState(delayed!)).toBe('delayed');
    await backend.add([job('t', 'low', { priority: 10 })]);
    await backend.add([job('t', 'high', { priority: 1 })]);
    await backend.add([job('t', 'mid', { priority: 5 })]);
    const order: unknown[] = [];
    const processing = await backend.process('mailer', async (active) => void order.push(active.data.args), {
      concurrency: 1,
      logger: recordingLogger(),
    });
    await until(() => order.length === 3, 'three jobs');
    expect(order).toEqual(['high', 'mid', 'low']);
    await processing.close(1000);
  });

  it('runs a flow: children first, their results in the order given, across queues', async () => {
    const { backend } = await setup();
    const logger = recordingLogger();
    const parents: unknown[][] = [];
    const processing = [
      await backend.process('mailer', async (active) => `mail-${String(active.data.args)}`, { concurrency: 2, logger }),
      await backend.process(
        'reports',
        async (active: ActiveJob) => {
          const results = await active.childrenResults();
          parents.push(results);
          return results.length;
        },
        { concurrency: 1, logger },
      ),
    ];
    const children = ['c', 'a', 'b'].map((name) => job('mail', name));
    const [id] = await backend.add([{ ...job('report', {}), queue: 'reports', children }]);
    expect(await backend.outcome('reports', id!, 10_000)).toEqual({ status: 'completed', result: 3 });
    expect(parents).toEqual([['mail-c', 'mail-a', 'mail-b']]);
    for (const each of processing) await each.close(1000);
  });

  it('dead-letters a failed child and, as previous-step, its parent', async () => {
    const { backend } = await setup();
    const logger = recordingLogger();
    let parentRuns = 0;
    const processing = [
      await backend.process(
        'mailer',
        async () => {
          throw new TaskJobError('no such user', 'error', true);
        },
        { concurrency: 1, logger },
      ),
      await backend.process('reports', async () => void parentRuns++, { concurrency: 1, logger }),
    ];
    const [id] = await backend.add([
      { ...job('report', {}), queue: 'reports', jobId: 'parent-1', children: [job('mail', 'x', { jobId: 'child-1' })] },
    ]);
    expect(await backend.outcome('reports', id!, 10_000)).toMatchObject({
      status: 'failed',
      failure: { reason: 'previous-step' },
    });
    expect(await backend.outcome('mailer', 'child-1', 10_000)).toEqual({
      status: 'failed',
      failure: { reason: 'error', message: 'no such user', attempts: 1 },
    });
    await until(async () => (await backend.listDeadLetters('reports')).length === 1, 'the parent’s dead letter');
    await until(async () => (await backend.listDeadLetters('mailer')).length === 1, 'the child’s dead letter');
    expect(parentRuns).toBe(0);
    for (const each of processing) await each.close(1000);
  });

  it('a child added with `parent` that fails dead-letters its delayed parent as previous-step, naming the child', async () => {
    const { backend } = await setup();
    const ran: string[] = [];
    const processing = await backend.process(
      'mailer',
      async (active) => {
        ran.push(active.name);
        if (active.name === 'charge') throw new TaskJobError('card declined', 'error', true);
        return 'ok';
      },
      { concurrency: 1, logger: recordingLogger() },
    );
    // A chain's root, waiting for its time, when a charge joins it as its child.
    const [root] = await backend.add([job('sendReceipt', {}, { jobId: 'root-1', delayMs: 400 })]);
    await backend.add([job('charge', {}, { jobId: 'charge-1', parent: { queue: 'mailer', id: root! } })]);
    const outcome = await backend.outcome('mailer', root!, 10_000);
    expect(outcome).toEqual({
      status: 'failed',
      failure: {
        reason: 'previous-step',
        message: 'its child charge (job charge-1) failed (error): card declined',
        attempts: 0,
      },
    });
    await until(async () => (await backend.listDeadLetters('mailer')).length === 2, 'both dead letters');
    const letters = await backend.listDeadLetters('mailer');
    expect(letters.find((letter) => letter.id === 'root-1')!.failure).toEqual(
      outcome.status === 'failed' && outcome.failure,
    );
    await new Promise((resolve) => setTimeout(resolve, 500)); // past the root's delay: it must not run
    const [sentinel] = await backend.add([job('sentinel', {})]);
    expect(await backend.outcome('mailer', sentinel!, 10_000)).toMatchObject({ status: 'completed' });
    expect(ran).toEqual(['charge', 'sentinel']);
    await processing.close(1000);
  });

  it.each([
    ['waiting', {}],
    ['delayed', { delayMs: 200 }],
    ['prioritised', { priority: 3 }],
  ] as const)(
    'a %s parent waits for a child added with `parent` that runs longer, then gets its result',
    async (_, more) => {
      const { backend } = await setup();
      const ran: string[] = [];
      await backend.add([job('report', {}, { jobId: 'p', ...more })]);
      await backend.add([job('slow', 'kid', { jobId: 'c', parent: { queue: 'mailer', id: 'p' } })]);
      const processing = await backend.process(
        'mailer',
        async (active) => {
          ran.push(active.name);
          if (active.name === 'report') return active.childrenResults();
          await new Promise((resolve) => setTimeout(resolve, 400));
          return `${String(active.data.args)} done`;
        },
        { concurrency: 2, logger: recordingLogger() },
      );
      expect(await backend.outcome('mailer', 'p', 10_000)).toEqual({ status: 'completed', result: ['kid done'] });
      expect(ran).toEqual(['slow', 'report']);
      await processing.close(1000);
    },
  );

  it('a flow added with `parent` whose child fails dead-letters its root and that parent, each naming its child', async () => {
    const { backend } = await setup();
    const processing = await backend.process(
      'mailer',
      async (active) => {
        if (active.name === 'charge') throw new TaskJobError('/amount must be number', 'invalid-args', false);
        return 'ok';
      },
      { concurrency: 1, logger: recordingLogger() },
    );
    const [top] = await backend.add([job('report', {}, { jobId: 'top', delayMs: 60_000 })]);
    await backend.add([
      job(
        'sendReceipt',
        {},
        { jobId: 'mid', parent: { queue: 'mailer', id: top! }, children: [job('charge', {}, { jobId: 'low' })] },
      ),
    ]);
    expect(await backend.outcome('mailer', 'mid', 10_000)).toEqual({
      status: 'failed',
      failure: {
        reason: 'previous-step',
        message: 'its child charge (job low) failed (invalid-args): /amount must be number',
        attempts: 0,
      },
    });
    expect(await backend.outcome('mailer', 'top', 10_000)).toEqual({
      status: 'failed',
      failure: {
        reason: 'previous-step',
        message:
          'its child sendReceipt (job mid) failed (previous-step): its child charge (job low) failed (invalid-args): /amount must be number',
        attempts: 0,
      },
    });
    await processing.close(1000);
  });

  it('adds several flows atomically: a refused one adds none', async () => {
    const { backend, raw } = await setup();
    await expect(backend.add([job('a', 1), job('b', 2, { jobId: 'bad:id' })])).rejects.toMatchObject({
      code: 'SFR4364',
    });
    expect(await raw('mailer').getJobCounts('waiting', 'prioritized', 'delayed')).toEqual({
      waiting: 0,
      prioritized: 0,
      delayed: 0,
    });
    expect(await backend.add([job('a', 1), job('b', 2)])).toHaveLength(2);
    expect(await raw('mailer').getWaitingCount()).toBe(2);
  });

  it('sweeps the failed set when process() starts: a job failed before its move (a killed worker) is dead-lettered', async () => {
    const { backend, prefix, raw } = await setup();
    // A raw BullMQ worker fails a job and is closed before anything moves it: what a SIGKILL leaves.
    await raw('mailer').add('sendReceipt', { v: 1, args: {} }, { jobId: 'left-failed', attempts: 1 });
    const rawWorker = new Worker(
      'mailer',
      async () => {
        throw new Error('[time-limit] ran out of time');
      },
      { connection: { url: REDIS_URL }, prefix },
    );
    await until(async () => (await raw('mailer').getJobState('left-failed')) === 'failed', 'the raw failure');
    await rawWorker.close();
    // And a move cut in half: the dead letter added, the original not yet removed.
    await raw('mailer').add('sendReceipt', { v: 1, args: { n: 2 } }, { jobId: 'half-moved', attempts: 1 });
    const rawWorker2 = new Worker(
      'mailer',
      async () => {
        throw new Error('[error] boom');
      },
      { connection: { url: REDIS_URL }, prefix },
    );
    await until(async () => (await raw('mailer').getJobState('half-moved')) === 'failed', 'the second raw failure');
    await rawWorker2.close();
    await raw(deadLetterQueueName('mailer')).add(
      'sendReceipt',
      {
        task: 'sendReceipt',
        data: { v: 1, args: { n: 2 } },
        failure: { reason: 'error', message: 'boom', attempts: 1 },
        failedAt: 1,
      },
      { jobId: 'half-moved' },
    );

    const processing = await backend.process('mailer', async () => null, { concurrency: 1, logger: recordingLogger() });
    const dead = await backend.listDeadLetters('mailer');
    expect(dead.map((letter) => [letter.id, letter.failure.reason])).toEqual([
      ['half-moved', 'error'],
      ['left-failed', 'time-limit'],
    ]);
    expect(await raw('mailer').getFailedCount()).toBe(0);
    await processing.close(1000);
  });

  it('sweeps the failed set on an interval while it runs', async () => {
    const { backend, prefix, raw } = await setup({ sweepIntervalMs: 100 });
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let started = 0;
    await backend.add([job('t', 'block', { jobId: 'block' })]);
    // Concurrency 1, busy with `block`: it takes nothing else while a raw worker fails `victim`.
    const processing = await backend.process(
      'mailer',
      async () => {
        started++;
        await released;
        return 'released';
      },
      { concurrency: 1, logger: recordingLogger() },
    );
    await until(() => started === 1, 'the blocking job running');
    await raw('mailer').add('t', { v: 1, args: 'victim' }, { jobId: 'victim', attempts: 1 });
    const rawWorker = new Worker(
      'mailer',
      async () => {
        throw new Error('[invalid-result] /total must be number');
      },
      { connection: { url: REDIS_URL }, prefix },
    );
    await until(async () => (await raw('mailer').getJobState('victim')) !== 'waiting', 'the raw worker taking it');
    await rawWorker.close();
    await until(async () => (await backend.listDeadLetters('mailer')).length === 1, 'the sweep');
    expect((await backend.listDeadLetters('mailer'))[0]).toMatchObject({
      id: 'victim',
      failure: { reason: 'invalid-result', message: '/total must be number', attempts: 1 },
    });
    release();
    expect(await backend.outcome('mailer', 'block', 10_000)).toEqual({ status: 'completed', result: 'released' });
    await processing.close(1000);
  });

  it('close(timeoutMs) waits for jobs in flight, then aborts the rest and hands them back to the queue', async () => {
    const { backend, raw } = await setup();
    const signals: AbortSignal[] = [];
    let finished = 0;
    const processing = await backend.process(
      'mailer',
      async (active, signal) => {
        signals.push(signal);
        if (active.data.args === 'quick') {
          await new Promise((resolve) => setTimeout(resolve, 100));
          finished++;
          return 'done';
        }
        // Ignores its signal and never settles.
        return new Promise(() => undefined);
      },
      { concurrency: 2, logger: recordingLogger() },
    );
    await backend.add([job('t', 'quick', { jobId: 'quick' }), job('t', 'stuck', { jobId: 'stuck' })]);
    await until(() => signals.length === 2, 'both jobs running');
    await processing.close(2000);
    expect(finished).toBe(1);
    expect(await raw('mailer').getJobState('quick')).toBe('completed');
    expect(await raw('mailer').getJobState('stuck')).toBe('waiting');
    expect(signals.map((signal) => signal.aborted).sort()).toEqual([false, true]);
    expect(signals.find((signal) => signal.aborted)!.reason).toMatchObject({ code: 'SFR4363' });
    const stuck = await raw('mailer').getJob('stuck');
    expect({ made: stuck!.attemptsMade, stalled: stuck!.stalledCounter }).toEqual({ made: 0, stalled: 0 });

    // Another worker runs it.
    const again = await backend.process('mailer', async () => 'second run', {
      concurrency: 1,
      logger: recordingLogger(),
    });
    expect(await backend.outcome('mailer', 'stuck', 10_000)).toEqual({ status: 'completed', result: 'second run' });
    await again.close(1000);
  });

  it('keeps one schedule when two backends upsert it at once, and removes it', async () => {
    const { backend, prefix, raw } = await setup();
    const other = bullmqTaskBackend({ url: REDIS_URL, prefix });
    opened.push({ backend: other, queues: [] });
    const schedule = {
      id: 'specfirst-schedule-purgeCarts',
      queue: 'mailer',
      task: 'purgeCarts',
      pattern: '0 3 * * *',
      data: { v: 1, args: {} },
      retry: NO_RETRY,
    };
    await Promise.all([
      backend.upsertSchedule(schedule),
      other.upsertSchedule(schedule),
      backend.upsertSchedule(schedule),
    ]);
    expect(await backend.scheduleIds('mailer')).toEqual(['specfirst-schedule-purgeCarts']);
    expect(await raw('mailer').getDelayedCount()).toBe(1);
    const [scheduler] = await raw('mailer').getJobSchedulers();
    expect(scheduler).toMatchObject({
      pattern: '0 3 * * *',
      name: 'purgeCarts',
      template: { data: { v: 1, args: {} } },
    });

    await backend.upsertSchedule({ ...schedule, pattern: '0 4 * * *' });
    expect((await raw('mailer').getJobSchedulers())[0]).toMatchObject({ pattern: '0 4 * * *' });
    await other.removeSchedule('mailer', schedule.id);
    expect(await backend.scheduleIds('mailer')).toEqual([]);
    await other.close();
  });

  it('runs a schedule’s jobs with the template’s name and data', async () => {
    const { backend } = await setup();
    const seen: unknown[] = [];
    const processing = await backend.process('mailer', async (active) => void seen.push([active.name, active.data]), {
      concurrency: 1,
      logger: recordingLogger(),
    });
    await backend.upsertSchedule({
      id: 'specfirst-schedule-purgeCarts',
      queue: 'mailer',
      task: 'purgeCarts',
      pattern: '* * * * * *',
      data: { v: 1, args: {} },
      retry: NO_RETRY,
    });
    await until(() => seen.length >= 1, 'a scheduled run', 5000);
    expect(seen[0]).toEqual(['purgeCarts', { v: 1, args: {} }]);
    await backend.removeSchedule('mailer', 'specfirst-schedule-purgeCarts');
    await processing.close(1000);
  });
});

describe('bullmqTaskBackend errors', () => {
  it('SFR4360: Redis cannot be reached, with how to start one', async () => {
    const backend = bullmqTaskBackend('redis://127.0.0.1:1');
    try {
      const error = await backend.add([job('a', 1)]).catch((caught: unknown) => caught);
      expect(error).toMatchObject({ code: 'SFR4360' });
      expect((error as Error).message).toMatch(/redis-server .*REDIS_URL/);
      for (const call of [
        () => backend.process('mailer', async () => null, { concurrency: 1, logger: recordingLogger() }),
        () => backend.listDeadLetters('mailer'),
        () => backend.retryDeadLetter('mailer', 'x'),
        () => backend.scheduleIds('mailer'),
      ])
        await expect(call()).rejects.toMatchObject({ code: 'SFR4360' });
      // A wait for a job's end answers at its deadline: the job may still run once Redis is there.
      expect(await backend.outcome('mailer', 'x', 10)).toEqual({ status: 'unfinished' });
    } finally {
      await backend.close();
    }
  });

  it('SFR4361: every call after close()', async () => {
    const { backend } = await setup();
    await backend.close();
    await backend.close();
    for (const call of [
      () => backend.add([job('a', 1)]),
      () => backend.outcome('mailer', 'x', 10),
      () => backend.process('mailer', async () => null, { concurrency: 1, logger: recordingLogger() }),
      () => backend.listDeadLetters('mailer'),
      () => backend.retryDeadLetter('mailer', 'x'),
      () => backend.scheduleIds('mailer'),
    ])
      await expect(call()).rejects.toMatchObject({ code: 'SFR4361' });
  });

  const bad: [string, Parameters<typeof bullmqTaskBackend>[0]][] = [
    ['a prefix with `:`', { prefix: 'a:b' }],
    ['an empty prefix', { prefix: '' }],
    ['a zero stalled interval', { stalledIntervalMs: 0 }],
    ['a fractional lock duration', { lockDurationMs: 1.5 }],
    ['a negative max stalled count', { maxStalledCount: -1 }],
  ];
  it.each(bad)('SFR4362: %s', (_, options) => {
    expect(() => bullmqTaskBackend(options)).toThrow(expect.objectContaining({ code: 'SFR4362' }));
  });

  it('SFR4366: a parent that does not exist; nothing is added', async () => {
    const { backend, raw } = await setup();
    await expect(
      backend.add([job('a', 1), job('b', 2, { parent: { id: 'gone', queue: 'reports' } })]),
    ).rejects.toMatchObject({ code: 'SFR4366', message: expect.stringContaining('`gone` on queue `reports`') });
    expect(await raw('mailer').getWaitingCount()).toBe(0);
  });

  type ParentState = 'completed' | 'running' | 'dead-lettered' | 'failed, not yet moved';
  it.each<ParentState>(['completed', 'running', 'dead-lettered', 'failed, not yet moved'])(
    'SFR4366: a parent that is %s waits for no child; nothing is added',
    async (state) => {
      const { backend, prefix, raw } = await setup();
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      if (state === 'failed, not yet moved') {
        // A raw worker fails it and nothing moves it: what a worker killed mid-move leaves.
        await raw('mailer').add('report', { v: 1, args: {} }, { jobId: 'p', attempts: 1 });
        const rawWorker = new Worker('mailer', async () => Promise.reject(new Error('[error] no')), {
          connection: { url: REDIS_URL },
          prefix,
        });
        await until(async () => (await raw('mailer').getJobState('p')) === 'failed', 'the raw failure');
        await rawWorker.close();
      } else {
        await backend.add([job('report', {}, { jobId: 'p' })]);
        // Closed with the backend, after the file.
        await backend.process(
          'mailer',
          async () => {
            if (state === 'running') await released;
            if (state === 'dead-lettered') throw new TaskJobError('no', 'error', false);
            return 'done';
          },
          { concurrency: 1, logger: recordingLogger() },
        );
        if (state === 'running')
          await until(async () => (await raw('mailer').getJobState('p')) === 'active', 'running');
        else await backend.outcome('mailer', 'p', 10_000);
        if (state === 'dead-lettered')
          await until(async () => (await backend.listDeadLetters('mailer')).length === 1, 'the dead letter');
      }
      const error = await backend
        .add([job('a', 1, { jobId: 'fine' }), job('b', 2, { jobId: 'orphan', parent: { id: 'p', queue: 'mailer' } })])
        .catch((caught: unknown) => caught);
      release();
      expect(error).toMatchObject({ code: 'SFR4366', message: expect.stringContaining('`p` on queue `mailer`') });
      expect((error as { hint: string }).hint).toMatch(/waiting, delayed or waiting for its children/);
      expect(await raw('mailer').getJob('fine')).toBeUndefined();
      expect(await raw('mailer').getJob('orphan')).toBeUndefined();
    },
  );

  it('SFR4364: BullMQ refuses a job id with `:` or made of digits only; nothing is added', async () => {
    const { backend, raw } = await setup();
    for (const jobId of ['a:b', '123'])
      await expect(backend.add([job('a', 1, { jobId })])).rejects.toMatchObject({ code: 'SFR4364' });
    expect(await raw('mailer').getWaitingCount()).toBe(0);
  });
});

describe('completed jobs kept for outcome (keepCompleted), trimmed by the sweep', () => {
  it('keeps the newest `count`: outcome answers for them, and no longer for the older ones', async () => {
    const { backend, raw } = await setup({ sweepIntervalMs: 100, keepCompleted: { count: 2, ageMs: 3_600_000 } });
    const processing = await backend.process('mailer', async (active) => active.data.args, {
      concurrency: 1,
      logger: recordingLogger(),
    });
    const ids: string[] = [];
    for (let n = 0; n < 5; n++) {
      const [id] = await backend.add([job('t', n)]);
      ids.push(id!);
      await until(async () => (await raw('mailer').getJobState(id!)) === 'completed', `job ${n} completed`);
      // Apart in time: the trim keeps the newest by finish time.
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await until(async () => (await raw('mailer').getCompletedCount()) === 2, 'the sweep trimmed the completed set');
    expect(await backend.outcome('mailer', ids[4]!, 0)).toEqual({ status: 'completed', result: 4 });
    expect(await backend.outcome('mailer', ids[3]!, 0)).toEqual({ status: 'completed', result: 3 });
    for (const id of ids.slice(0, 3)) expect(await backend.outcome('mailer', id, 0)).toEqual({ status: 'unfinished' });
    await processing.close(1000);
  });

  it('keeps none finished more than `ageMs` ago', async () => {
    const { backend, raw } = await setup({ sweepIntervalMs: 100, keepCompleted: { count: 1000, ageMs: 1 } });
    let handled = 0;
    const processing = await backend.process('mailer', async (active) => (handled++, active.data.args), {
      concurrency: 2,
      logger: recordingLogger(),
    });
    const ids = await backend.add([job('t', 1), job('t', 2), job('t', 3)]);
    await until(async () => {
      if (handled < 3) return false;
      const states = await Promise.all(ids.map((id) => raw('mailer').getJobState(id)));
      return states.every((state) => state === 'unknown');
    }, 'the sweep removed the completed jobs');
    expect(await raw('mailer').getCompletedCount()).toBe(0);
    for (const id of ids) expect(await backend.outcome('mailer', id, 0)).toEqual({ status: 'unfinished' });
    await processing.close(1000);
  });
});
