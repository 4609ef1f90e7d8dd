/**
 * The memory task backend against the backend contract (backend-contract.ts), then what only it
 * promises: its error codes (SFR4340–4346), the retention of completed jobs, what `close()` does to
 * jobs in flight and outcomes awaited, the JSON copies a trip through Redis would make, and timers
 * that keep no process alive.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SpecFirstRuntimeError } from '../../src/errors.js';
import { TaskJobError } from '../../src/tasks/job-error.js';
import { memoryTaskBackend } from '../../src/tasks/memory-backend.js';
import type { ActiveJob, JobSpec, Processing, TaskBackend } from '../../src/tasks/types.js';
import { recordingLogger } from '../support.js';
import { backendContract, gate, job, until, within } from './backend-contract.js';

backendContract('memory', async () => ({ backend: memoryTaskBackend(), cleanup: () => Promise.resolve() }));

const logger = recordingLogger();
const schedule = (pattern: string, id = 'specfirst-schedule-tick') => ({
  id,
  queue: 'q',
  task: 'tick',
  pattern,
  data: { v: 1, args: {} },
  retry: { attempts: 1, backoff: 'fixed' as const, delayMs: 20 },
});

async function codeOf(promise: Promise<unknown> | (() => unknown)): Promise<{ code?: string; message: string }> {
  try {
    await (typeof promise === 'function' ? promise() : promise);
  } catch (error) {
    expect(error).toBeInstanceOf(SpecFirstRuntimeError);
    const { code, message } = error as SpecFirstRuntimeError;
    return { code, message };
  }
  throw new Error('did not throw');
}

async function outcomeOf(backend: TaskBackend, id: string, queue = 'q') {
  return within(backend.outcome(queue, id, 5000), 7000, `outcome of ${id}`);
}

describe('memoryTaskBackend: refusals, each with its code', () => {
  const closedCalls: [string, (backend: TaskBackend) => Promise<unknown>][] = [
    ['add', (b) => b.add([job('q', 't', 1)])],
    ['outcome', (b) => b.outcome('q', '1', 10)],
    ['process', (b) => b.process('q', () => Promise.resolve(null), { concurrency: 1, logger })],
    ['upsertSchedule', (b) => b.upsertSchedule(schedule('0 0 1 1 *'))],
    ['scheduleIds', (b) => b.scheduleIds('q')],
    ['removeSchedule', (b) => b.removeSchedule('q', 'x')],
    ['listDeadLetters', (b) => b.listDeadLetters('q')],
    ['retryDeadLetter', (b) => b.retryDeadLetter('q', 'x')],
  ];
  it.each(closedCalls)('SFR4340: %s after close()', async (call, make) => {
    const backend = memoryTaskBackend();
    await backend.close();
    expect(await codeOf(make(backend))).toEqual({
      code: 'SFR4340',
      message: expect.stringMatching(
        new RegExp(`^SFR4340 ${call} on a closed memory task backend; close the backend last`),
      ),
    });
  });

  const ranges: [string, (backend: TaskBackend) => Promise<unknown>, RegExp][] = [
    [
      'concurrency 0',
      (b) => b.process('q', () => Promise.resolve(null), { concurrency: 0, logger }),
      /concurrency must be a whole number, 1 or more; got 0/,
    ],
    ['concurrency 1.5', (b) => b.process('q', () => Promise.resolve(null), { concurrency: 1.5, logger }), /got 1\.5/],
    ['outcome timeout -1', (b) => b.outcome('q', '1', -1), /outcome timeoutMs must be 0 or more milliseconds; got -1/],
    ['outcome timeout NaN', (b) => b.outcome('q', '1', Number.NaN), /got NaN/],
    ['limit 0', (b) => b.listDeadLetters('q', { limit: 0 }), /limit must be a whole number, 1 or more; got 0/],
    [
      'close timeout -5',
      async (b) => (await b.process('q', () => Promise.resolve(null), { concurrency: 1, logger })).close(-5),
      /close timeoutMs must be 0 or more milliseconds; got -5/,
    ],
  ];
  it.each(ranges)('SFR4342: %s', async (_, make, message) => {
    const backend = memoryTaskBackend();
    const refused = await codeOf(make(backend));
    expect(refused.code).toBe('SFR4342');
    expect(refused.message).toMatch(message);
    await backend.close();
  });

  it('SFR4342: keepCompleted below 0', async () => {
    expect(await codeOf(() => memoryTaskBackend({ keepCompleted: -1 }))).toMatchObject({ code: 'SFR4342' });
  });

  it.each([
    [
      '61 * * * *',
      /cron pattern "61 \* \* \* \*" does not parse \(Constraint error, got value 61 expected range 0-59\); give 5 fields/,
    ],
    ['every day', /cron pattern "every day" does not parse/],
  ])('SFR4343: the pattern %j', async (pattern, message) => {
    const backend = memoryTaskBackend();
    const refused = await codeOf(backend.upsertSchedule(schedule(pattern)));
    expect(refused).toMatchObject({ code: 'SFR4343', message: expect.stringMatching(message) });
    expect(await backend.scheduleIds('q')).toEqual([]);
    await backend.close();
  });

  it('SFR4344: a parent that is missing, dead-lettered, running or completed; nothing is added', async () => {
    const backend = memoryTaskBackend();
    const hold = gate();
    await backend.process(
      'q',
      async (active) => {
        if (active.name === 'refused') throw new TaskJobError('no', 'invalid-args', false);
        if (active.name === 'running') await hold.opened;
        return null;
      },
      { concurrency: 2, logger },
    );
    await backend.add([
      job('q', 'refused', 1, { jobId: 'dead' }),
      job('q', 'running', 1, { jobId: 'running' }),
      job('q', 'done', 1, { jobId: 'done' }),
    ]);
    await outcomeOf(backend, 'dead');
    await outcomeOf(backend, 'done');
    const cases: [string, string][] = [
      ['missing', 'does not exist'],
      ['dead', 'is dead-lettered'],
      ['running', 'is running and waits for no child any more'],
      ['done', 'is completed and waits for no child any more'],
    ];
    for (const [parent, why] of cases) {
      const refused = await codeOf(
        backend.add([job('q', 'child', 1, { jobId: `of-${parent}`, parent: { queue: 'q', id: parent } })]),
      );
      expect(refused).toMatchObject({
        code: 'SFR4344',
        message: expect.stringContaining(`its parent job ${parent} (queue \`q\`) ${why}`),
      });
    }
    // None of them was added: the ids are free.
    expect(await backend.outcome('q', 'of-missing', 0)).toEqual({ status: 'unfinished' });
    hold.open();
    await backend.close();
  });

  const bigint = { v: 1, args: { n: 1n } } as unknown as JobSpec['data'];
  const specs: [string, Partial<JobSpec>, string][] = [
    ['a negative delay', { delayMs: -1 }, 'delayMs -1 is not 0 or more'],
    ['a fractional priority', { priority: 2.5 }, 'priority 2.5 is not a whole number from 0 to 2097152'],
    ['a priority beyond BullMQ’s', { priority: 2_097_153 }, 'priority 2097153 is not'],
    [
      'no attempts',
      { retry: { attempts: 0, backoff: 'fixed', delayMs: 1 } },
      'retry.attempts is not a whole number, 1 or more',
    ],
    ['data that is not JSON', { data: bigint }, 'its data is not JSON'],
    ['an empty queue', { queue: '' }, 'no queue'],
    ['an empty jobId', { jobId: '' }, 'jobId "" is not a non-empty string'],
    [
      'a child with a parent of its own',
      { children: [job('q', 'c', 1, { parent: { queue: 'q', id: 'x' } })] },
      'job spec [1].children[0] (queue `q`, task `c`): a child of a flow names a parent of its own',
    ],
  ];
  it.each(specs)('SFR4345: %s; nothing is added', async (_, extra, message) => {
    const backend = memoryTaskBackend();
    const refused = await codeOf(backend.add([job('q', 'fine', 1, { jobId: 'fine-1' }), job('q', 't', 1, extra)]));
    expect(refused).toMatchObject({ code: 'SFR4345', message: expect.stringContaining(message) });
    expect(await backend.outcome('q', 'fine-1', 0)).toEqual({ status: 'unfinished' });
    expect(await backend.add([job('q', 'fine', 2, { jobId: 'fine-1' })])).toEqual(['fine-1']);
    await backend.close();
  });

  it('SFR4311: a parent dead-lettered because a child failed is not sent back alone (it would run without that child’s result)', async () => {
    const backend = memoryTaskBackend();
    const ran: string[] = [];
    await backend.process(
      'q',
      (active) => {
        ran.push(active.name);
        if (active.name === 'bad') throw new TaskJobError('bad child', 'invalid-args', false);
        return Promise.resolve(active.data.args);
      },
      { concurrency: 2, logger },
    );
    const [root] = await backend.add([
      job('q', 'parent', null, { jobId: 'p', children: [job('q', 'good', 'g'), job('q', 'bad', 'b', { jobId: 'b' })] }),
    ]);
    expect(await outcomeOf(backend, root!)).toMatchObject({
      status: 'failed',
      failure: { reason: 'previous-step', attempts: 0 },
    });
    const letters = await backend.listDeadLetters('q');
    expect(await codeOf(backend.retryDeadLetter('q', 'p'))).toEqual({
      code: 'SFR4311',
      message: expect.stringContaining(
        'dead letter p of `parent` (queue `q`) never ran because a step before it failed',
      ),
    });
    expect(await backend.listDeadLetters('q')).toEqual(letters);
    expect(ran).not.toContain('parent');
    await backend.close();
  });
});

describe('memoryTaskBackend: behaviour of its own', () => {
  it('keeps the last `keepCompleted` completed jobs per queue: older ones are forgotten and their ids free again', async () => {
    const backend = memoryTaskBackend({ keepCompleted: 2 });
    const runs: unknown[] = [];
    await backend.process('q', (active) => Promise.resolve(runs.push(active.data.args)), { concurrency: 1, logger });
    for (const n of [1, 2, 3]) {
      await backend.add([job('q', 't', n, { jobId: `kept-${n}` })]);
      await outcomeOf(backend, `kept-${n}`);
    }
    expect(await backend.outcome('q', 'kept-1', 20)).toEqual({ status: 'unfinished' });
    expect(await backend.outcome('q', 'kept-2', 0)).toEqual({ status: 'completed', result: 2 });
    expect(await backend.outcome('q', 'kept-3', 0)).toEqual({ status: 'completed', result: 3 });
    await backend.add([job('q', 't', 'again', { jobId: 'kept-1' })]);
    await outcomeOf(backend, 'kept-1');
    expect(runs).toEqual([1, 2, 3, 'again']);
    await backend.close();
  });

  it('copies data and results as JSON, as a trip through Redis would', async () => {
    const backend = memoryTaskBackend();
    const args = { when: new Date(0), list: [1] };
    await backend.add([
      { queue: 'q', name: 't', data: { v: 1, args }, retry: schedule('* * * * *').retry, jobId: 'j' },
    ]);
    args.list.push(2);
    let seen: unknown;
    await backend.process(
      'q',
      (active) => {
        seen = active.data.args;
        return Promise.resolve({ at: new Date(1000), skipped: undefined });
      },
      { concurrency: 1, logger },
    );
    expect(await outcomeOf(backend, 'j')).toEqual({ status: 'completed', result: { at: '1970-01-01T00:00:01.000Z' } });
    expect(seen).toEqual({ when: '1970-01-01T00:00:00.000Z', list: [1] });
    await backend.close();
  });

  it('a result that is not JSON dead-letters the job as invalid-result, without retry', async () => {
    const backend = memoryTaskBackend();
    await backend.process('q', () => Promise.resolve({ n: 1n }), { concurrency: 1, logger });
    await backend.add([job('q', 't', 1, { jobId: 'big', retry: { attempts: 3, backoff: 'fixed', delayMs: 1 } })]);
    expect(await outcomeOf(backend, 'big')).toMatchObject({
      status: 'failed',
      failure: { reason: 'invalid-result', attempts: 1 },
    });
    await backend.close();
  });

  it('a prioritised delayed job joins the priority order when its time comes', async () => {
    const backend = memoryTaskBackend();
    const order: string[] = [];
    const hold = gate();
    await backend.process(
      'q',
      async (active) => {
        order.push(active.name);
        if (active.name === 'blocker') await hold.opened;
        return null;
      },
      { concurrency: 1, logger },
    );
    await backend.add([job('q', 'blocker', 1)]);
    await backend.add([job('q', 'p5', 1, { priority: 5 }), job('q', 'p1-delayed', 1, { priority: 1, delayMs: 30 })]);
    await until(() => order.length === 1, 1000, 'blocker started');
    await new Promise((resolve) => setTimeout(resolve, 80));
    hold.open();
    await until(() => order.length === 3, 3000, 'all ran');
    expect(order).toEqual(['blocker', 'p1-delayed', 'p5']);
    await backend.close();
  });

  it('a job dedup’d into a flow as a child that completed gives its result without running again', async () => {
    const backend = memoryTaskBackend();
    const runs: string[] = [];
    await backend.process(
      'q',
      async (active: ActiveJob) => {
        runs.push(active.id);
        return active.name === 'parent' ? active.childrenResults() : active.data.args;
      },
      { concurrency: 1, logger },
    );
    await backend.add([job('q', 'child', 'shared', { jobId: 'shared' })]);
    await outcomeOf(backend, 'shared');
    const [root] = await backend.add([
      job('q', 'parent', null, { jobId: 'p', children: [job('q', 'child', 'other', { jobId: 'shared' })] }),
    ]);
    expect(await outcomeOf(backend, root!)).toEqual({ status: 'completed', result: ['shared'] });
    expect(runs).toEqual(['shared', 'p']);
    await backend.close();
  });

  it('`parent` of a waiting job without children makes it wait for the new child', async () => {
    const backend = memoryTaskBackend();
    await backend.add([job('q', 'parent', null, { jobId: 'p' })]);
    await backend.add([job('q', 'child', 'c', { parent: { queue: 'q', id: 'p' } })]);
    const order: string[] = [];
    await backend.process(
      'q',
      async (active) => {
        order.push(active.name);
        return active.name === 'parent' ? active.childrenResults() : active.data.args;
      },
      { concurrency: 1, logger },
    );
    expect(await outcomeOf(backend, 'p')).toEqual({ status: 'completed', result: ['c'] });
    expect(order).toEqual(['child', 'parent']);
    await backend.close();
  });

  it('close() answers awaited outcomes unfinished, aborts running jobs (SFR4340) and stops the schedules', async () => {
    const backend = memoryTaskBackend();
    let signal: AbortSignal | undefined;
    const runs: string[] = [];
    const processing: Processing = await backend.process(
      'q',
      (active, received) => {
        runs.push(active.name);
        signal = received;
        return new Promise(() => undefined);
      },
      { concurrency: 1, logger },
    );
    await backend.add([job('q', 'forever', 1, { jobId: 'f' })]);
    await until(() => signal !== undefined, 1000, 'started');
    const awaited = backend.outcome('q', 'f', 60_000);
    await backend.upsertSchedule(schedule('* * * * * *'));
    await backend.close();
    expect(await within(awaited, 1000, 'the awaited outcome')).toEqual({ status: 'unfinished' });
    expect(signal!.aborted).toBe(true);
    expect(signal!.reason).toMatchObject({ code: 'SFR4340' });
    await within(processing.close(10_000), 1000, 'closing the processing of a closed backend');
    await new Promise((resolve) => setTimeout(resolve, 1200));
    expect(runs).toEqual(['forever']);
  });

  it('close(timeoutMs) of a processing logs each job it gave up on (SFR4341) and aborts it with that reason', async () => {
    const backend = memoryTaskBackend();
    const log = recordingLogger();
    let signal: AbortSignal | undefined;
    const processing = await backend.process(
      'q',
      (_, received) => {
        signal = received;
        return new Promise(() => undefined);
      },
      { concurrency: 1, logger: log },
    );
    await backend.add([job('q', 'stuck', 1, { jobId: 's' })]);
    await until(() => signal !== undefined, 1000, 'started');
    await processing.close(10);
    expect(signal!.reason).toMatchObject({
      code: 'SFR4341',
      message: expect.stringMatching(
        /^SFR4341 job s \(`stuck`\) of queue `q` did not finish within close's 10 ms; it goes back/,
      ),
    });
    expect(log.entries).toEqual([
      expect.objectContaining({
        level: 'warn',
        fields: { code: 'SFR4341', queue: 'q', jobId: 's', task: 'stuck', attempt: 1 },
      }),
    ]);
    await backend.close();
  });

  it('a job given up by close(timeoutMs) goes back to the front of its queue', async () => {
    const backend = memoryTaskBackend();
    const order: string[] = [];
    const first = await backend.process(
      'q',
      (active) => {
        order.push(active.name);
        return new Promise(() => undefined);
      },
      { concurrency: 1, logger },
    );
    await backend.add([job('q', 'stuck', 1), job('q', 'next', 2)]);
    await until(() => order.length === 1, 1000, 'started');
    await first.close(0);
    await backend.process('q', (active) => Promise.resolve(order.push(active.name)), { concurrency: 1, logger });
    await until(() => order.length === 3, 1000, 'both ran');
    expect(order).toEqual(['stuck', 'stuck', 'next']);
    await backend.close();
  });

  it('SFR4345: a schedule whose jobs could not be added is refused at upsert', async () => {
    const backend = memoryTaskBackend();
    const refused = await codeOf(
      backend.upsertSchedule({ ...schedule('* * * * *'), retry: { attempts: 0, backoff: 'fixed', delayMs: 1 } }),
    );
    expect(refused).toMatchObject({
      code: 'SFR4345',
      message: expect.stringContaining(
        'job spec of schedule `specfirst-schedule-tick` (queue `q`, task `tick`): retry.attempts',
      ),
    });
    expect(await backend.scheduleIds('q')).toEqual([]);
    await backend.close();
  });

  it('an unknown id is unfinished after the wait', async () => {
    const backend = memoryTaskBackend();
    expect(await backend.outcome('nowhere', 'nothing', 20)).toEqual({ status: 'unfinished' });
    await backend.close();
  });
});

const tasks = pathToFileURL(fileURLToPath(new URL('../../dist/tasks/index.js', import.meta.url))).href;
const script = `
import { memoryTaskBackend } from ${JSON.stringify(tasks)};
const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const retry = { attempts: 3, backoff: 'fixed', delayMs: 60000 };
const backend = memoryTaskBackend();
await backend.upsertSchedule({ id: 's', queue: 'q', task: 'tick', pattern: '0 0 1 1 *', data: { v: 1, args: {} }, retry });
await backend.add([{ queue: 'q', name: 'later', data: { v: 1, args: {} }, retry, delayMs: 60000 }]);
let failed;
const done = new Promise((resolve) => (failed = resolve));
await backend.process('q', async () => { failed(); throw new Error('retried in a minute'); }, { concurrency: 1, logger: quiet });
await backend.add([{ queue: 'q', name: 'now', data: { v: 1, args: {} }, retry }]);
await done;
console.log('left running');
`;

describe('memoryTaskBackend timers', () => {
  it('keep no process alive: a schedule, a delayed job and a retry a minute ahead, never closed', async () => {
    // The built runtime (`pnpm build` first; `pnpm test` does it).
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    const [code, signal] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null];
    clearTimeout(killer);
    expect({ code, signal, out: out.trim() }).toEqual({ code: 0, signal: null, out: 'left running' });
  }, 20_000);
});
