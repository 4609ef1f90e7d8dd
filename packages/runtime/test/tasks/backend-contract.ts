/**
 * The contract of `TaskBackend`: one suite, run against the in-memory backend (memory-backend.test.ts)
 * and BullMQ on a real Redis. Each case says what a user of tasks notices: the order jobs run in,
 * dedup by job id, retries with the task's backoff, dead letters and their retry, flows, outcomes,
 * schedules, the processing's concurrency and close. Waits are bounded; time is asserted only as
 * "not before" (a retry's backoff, a delay), never as "within".
 *
 * `makeBackend()` gives a fresh backend per test; the suite closes what it opened (processings, then
 * the backend), then calls `cleanup()` (delete keys, close connections). Queue names are unique per
 * test, so a shared Redis prefix is fine.
 */
import type { IRRetryPolicy } from '@specfirst/spec-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { retryDelay } from '../../src/events/backoff.js';
import { TaskJobError } from '../../src/tasks/job-error.js';
import { TaskOptionsError, TaskRetryError } from '../../src/tasks/task-errors.js';
import type {
  ActiveJob,
  JobProcessor,
  JobSpec,
  Processing,
  ScheduleSpec,
  TaskBackend,
  TaskFailure,
} from '../../src/tasks/types.js';
import { recordingLogger } from '../support.js';

export interface BackendHarness {
  backend: TaskBackend;
  /** Deletes what the test left (keys) and closes what the harness opened; the suite closed the backend first. */
  cleanup(): Promise<void>;
}

/** One try, no backoff: most cases. */
export const ONCE: IRRetryPolicy = { attempts: 1, backoff: 'fixed', delayMs: 20 };

/** A bounded wait for a promise that should settle soon; rejects instead of hanging the suite. */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} did not settle within ${ms} ms`)), ms);
    }),
  ]);
}

/** Polls `condition` every 10 ms until it holds, at most `ms`. */
export async function until(condition: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms`);
    await sleep(10);
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A promise to open from outside: `await gate.opened` in a processor, `gate.open()` in the test. */
export function gate(): { opened: Promise<void>; open(): void } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

export function job(queue: string, name: string, args: unknown, extra: Partial<JobSpec> = {}): JobSpec {
  return { queue, name, data: { v: 1, args }, retry: ONCE, ...extra };
}

/** What a processor saw of one run. */
interface Seen {
  id: string;
  name: string;
  args: unknown;
  attempt: number;
  at: number;
}

let suiteRun = 0;

export function backendContract(name: string, makeBackend: () => Promise<BackendHarness>): void {
  describe(`TaskBackend contract: ${name}`, () => {
    let h: BackendHarness | undefined;
    let backend: TaskBackend;
    let processings: Processing[] = [];
    const run = `${(++suiteRun).toString(36)}${Math.random().toString(36).slice(2, 7)}`;
    let testIndex = 0;
    /** A queue name of this test's own. */
    const q = (label = 'q') => `contract-${run}-${testIndex}-${label}`;
    const logger = recordingLogger();

    beforeEach(async () => {
      testIndex++;
      h = undefined;
      h = await makeBackend();
      backend = h.backend;
      processings = [];
    });

    afterEach(async () => {
      if (!h) return; // makeBackend failed, and said why
      for (const processing of processings.splice(0)) await processing.close(0);
      await backend.close();
      await h.cleanup();
    });

    /** Starts processing `queue`, recording each run; the processor's answer comes from `answer`. */
    async function processWith(
      queue: string,
      answer: (job: ActiveJob, signal: AbortSignal) => Promise<unknown> | unknown,
      concurrency = 1,
    ): Promise<{ seen: Seen[]; processing: Processing }> {
      const seen: Seen[] = [];
      const processor: JobProcessor = async (active, signal) => {
        seen.push({
          id: active.id,
          name: active.name,
          args: active.data.args,
          attempt: active.attempt,
          at: Date.now(),
        });
        return answer(active, signal);
      };
      const processing = await backend.process(queue, processor, { concurrency, logger });
      processings.push(processing);
      return { seen, processing };
    }

    const echo = (active: ActiveJob) => ({ echoed: active.data.args });

    async function completed(queue: string, id: string, ms = 5000): Promise<unknown> {
      const outcome = await within(backend.outcome(queue, id, ms), ms + 2000, `outcome of ${id}`);
      if (outcome.status !== 'completed') throw new Error(`job ${id} ended ${JSON.stringify(outcome)}, not completed`);
      return outcome.result;
    }

    async function failed(queue: string, id: string, ms = 5000): Promise<TaskFailure> {
      const outcome = await within(backend.outcome(queue, id, ms), ms + 2000, `outcome of ${id}`);
      if (outcome.status !== 'failed') throw new Error(`job ${id} ended ${JSON.stringify(outcome)}, not failed`);
      return outcome.failure;
    }

    describe('add, process, outcome', () => {
      it('runs a job; outcome answers its result, and still does later', async () => {
        const queue = q();
        const [id] = await backend.add([job(queue, 'double', { n: 21 })]);
        expect(typeof id).toBe('string');
        const { seen } = await processWith(queue, (active) => ({ doubled: (active.data.args as { n: number }).n * 2 }));
        expect(await completed(queue, id!)).toEqual({ doubled: 42 });
        expect(await completed(queue, id!, 0)).toEqual({ doubled: 42 });
        expect(seen).toMatchObject([{ id, name: 'double', args: { n: 21 }, attempt: 1 }]);
      });

      it('hands the processor the job as added: id, queue, name, data with requestId and traceparent, attempt 1, enqueuedAt', async () => {
        const queue = q();
        const before = Date.now();
        const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
        const [id] = await backend.add([
          { queue, name: 'greet', data: { v: 1, args: { to: 'ada' }, requestId: 'req-1', traceparent }, retry: ONCE },
        ]);
        let active: ActiveJob | undefined;
        await processWith(queue, (received) => {
          active = received;
          return null;
        });
        await completed(queue, id!);
        expect(active).toMatchObject({
          id,
          queue,
          name: 'greet',
          data: { v: 1, args: { to: 'ada' }, requestId: 'req-1', traceparent },
          attempt: 1,
        });
        expect(active!.enqueuedAt).toBeGreaterThanOrEqual(before - 1000);
        expect(active!.enqueuedAt).toBeLessThanOrEqual(Date.now());
        expect(await active!.childrenResults()).toEqual([]);
      });

      it('a processor that resolves to undefined completes with null (a task without a result)', async () => {
        const queue = q();
        const [id] = await backend.add([job(queue, 'noResult', {})]);
        await processWith(queue, () => undefined);
        expect(await completed(queue, id!)).toBeNull();
      });

      it('outcome waits for a job that runs later, and answers unfinished when it has not ended in time', async () => {
        const queue = q();
        const [id] = await backend.add([job(queue, 'later', { n: 1 })]);
        expect(await within(backend.outcome(queue, id!, 50), 3000, 'short outcome')).toEqual({ status: 'unfinished' });
        const waiting = backend.outcome(queue, id!, 5000);
        await processWith(queue, echo);
        expect(await within(waiting, 7000, 'outcome')).toEqual({ status: 'completed', result: { echoed: { n: 1 } } });
      });

      it('adds several jobs in one call, each with an id of its own, in order', async () => {
        const queue = q();
        const ids = await backend.add([job(queue, 'a', 1), job(queue, 'b', 2), job(queue, 'c', 3)]);
        expect(new Set(ids).size).toBe(3);
        const { seen } = await processWith(queue, echo);
        for (const id of ids) await completed(queue, id);
        expect(seen.map((s) => s.id)).toEqual(ids);
      });
    });

    describe('order: BullMQ’s (no priority first, FIFO; then priority 1 first, FIFO among equals)', () => {
      const cases: [string, { label: string; priority?: number }[], string[]][] = [
        ['FIFO without priorities', [{ label: 'a' }, { label: 'b' }, { label: 'c' }], ['a', 'b', 'c']],
        [
          'priority 1 first, FIFO among equals',
          ['p3', 'p1', 'p2', 'p1b', 'p2b', 'p2c', 'p1c', 'p2d', 'p3b', 'p2e'].map((label) => ({
            label,
            priority: Number(label[1]),
          })),
          ['p1', 'p1b', 'p1c', 'p2', 'p2b', 'p2c', 'p2d', 'p2e', 'p3', 'p3b'],
        ],
        [
          'jobs without priority (or priority 0) before prioritised ones',
          [
            { label: 'p1', priority: 1 },
            { label: 'none' },
            { label: 'p2', priority: 2 },
            { label: 'zero', priority: 0 },
            { label: 'none2' },
          ],
          ['none', 'zero', 'none2', 'p1', 'p2'],
        ],
      ];
      it.each(cases)('%s', async (_, jobs, expected) => {
        const queue = q();
        for (const { label, priority } of jobs)
          await backend.add([job(queue, label, label, priority === undefined ? {} : { priority })]);
        const { seen } = await processWith(queue, echo);
        await until(() => seen.length === jobs.length, 5000, 'every job ran');
        expect(seen.map((s) => s.name)).toEqual(expected);
      });

      it('a delayed job runs after those ready, and not before its delay', async () => {
        const queue = q();
        const addedAt = Date.now();
        const [late] = await backend.add([job(queue, 'late', 1, { delayMs: 200 })]);
        await backend.add([job(queue, 'now', 2)]);
        const { seen } = await processWith(queue, echo);
        await completed(queue, late!);
        expect(seen.map((s) => s.name)).toEqual(['now', 'late']);
        expect(seen[1]!.at - addedAt).toBeGreaterThanOrEqual(200 - 5);
      });
    });

    describe('dedup by jobId', () => {
      it('jobs without a jobId get distinct ids; a jobId is the id', async () => {
        const queue = q();
        const ids = await backend.add([
          job(queue, 'a', 1),
          job(queue, 'a', 1),
          job(queue, 'a', 1, { jobId: 'order-7' }),
        ]);
        expect(new Set(ids).size).toBe(3);
        expect(ids[2]).toBe('order-7');
      });

      type State = 'waiting' | 'delayed' | 'running' | 'completed' | 'dead-lettered' | 'waiting for its children';
      const states: State[] = [
        'waiting',
        'delayed',
        'running',
        'completed',
        'dead-lettered',
        'waiting for its children',
      ];
      it.each(states)('a jobId that exists %s adds nothing and answers that id', async (state) => {
        const queue = q();
        const release = gate();
        const child = gate();
        const runs: { id: string; args: unknown }[] = [];
        const answer = async (active: ActiveJob) => {
          runs.push({ id: active.id, args: active.data.args });
          if (active.name === 'child') await child.opened;
          if (active.data.args === 'first' && state === 'running') await release.opened;
          if (active.data.args === 'first' && state === 'dead-lettered')
            throw new TaskJobError('refused', 'invalid-args', false);
          return echo(active);
        };
        if (state !== 'waiting') await processWith(queue, answer, 2); // else nobody takes it yet
        const first = job(queue, 'dup', 'first', {
          jobId: 'dup-1',
          ...(state === 'delayed' ? { delayMs: 150 } : {}),
          ...(state === 'waiting for its children' ? { children: [job(queue, 'child', 'c')] } : {}),
        });
        expect(await backend.add([first])).toEqual(['dup-1']);
        if (state === 'running') await until(() => runs.some((r) => r.id === 'dup-1'), 3000, 'the job started');
        if (state === 'completed') await completed(queue, 'dup-1');
        if (state === 'dead-lettered') await failed(queue, 'dup-1');
        if (state === 'waiting for its children')
          await until(() => runs.some((r) => r.args === 'c'), 3000, 'the child started');

        expect(await backend.add([job(queue, 'dup', 'second', { jobId: 'dup-1' })])).toEqual(['dup-1']);

        release.open();
        child.open();
        if (state === 'waiting') await processWith(queue, answer, 2);
        if (state === 'dead-lettered') {
          const letters = await backend.listDeadLetters(queue);
          expect(letters.map((l) => [l.id, l.data.args])).toEqual([['dup-1', 'first']]);
        } else expect(await completed(queue, 'dup-1')).toEqual({ echoed: 'first' });
        // A sentinel added after the duplicate: once it ran, a duplicate would have run too.
        const [sentinel] = await backend.add([job(queue, 'sentinel', 's')]);
        await completed(queue, sentinel!);
        expect(runs.filter((r) => r.id === 'dup-1').map((r) => r.args)).toEqual(['first']);
      });

      type Held = 'waiting' | 'completed' | 'dead-lettered';
      it.each<Held>(['waiting', 'completed', 'dead-lettered'])(
        'a jobId that exists %s for another task is refused (SFR4302, naming that task); nothing is added',
        async (state) => {
          const queue = q();
          const answer = (active: ActiveJob) => {
            if (active.name === 'charge' && state === 'dead-lettered')
              throw new TaskJobError('declined', 'error', false);
            return echo(active);
          };
          const [id] = await backend.add([job(queue, 'charge', 'first', { jobId: 'order-7' })]);
          expect(id).toBe('order-7');
          if (state === 'completed' || state === 'dead-lettered') await processWith(queue, answer);
          if (state === 'completed') await completed(queue, 'order-7');
          if (state === 'dead-lettered') await failed(queue, 'order-7');

          const refused = backend.add([
            job(queue, 'fine', 'f', { jobId: 'atomic-1' }),
            job(queue, 'sendReceipt', 'second', { jobId: 'order-7' }),
          ]);
          await expect(refused).rejects.toBeInstanceOf(TaskOptionsError);
          await expect(refused).rejects.toMatchObject({
            code: 'SFR4302',
            message: expect.stringMatching(/order-7.*`charge`/),
          });
          // The same id inside a flow is refused too.
          await expect(
            backend.add([
              job(queue, 'wrap', 'w', { children: [job(queue, 'sendReceipt', 's', { jobId: 'order-7' })] }),
            ]),
          ).rejects.toMatchObject({ code: 'SFR4302' });

          if (state === 'waiting') await processWith(queue, answer);
          if (state === 'dead-lettered')
            expect((await backend.listDeadLetters(queue)).map((l) => [l.id, l.task, l.data.args])).toEqual([
              ['order-7', 'charge', 'first'],
            ]);
          else expect(await completed(queue, 'order-7')).toEqual({ echoed: 'first' });
          // Nothing of the refused add was added: the same id now adds the new args.
          expect(await backend.add([job(queue, 'fine', 'again', { jobId: 'atomic-1' })])).toEqual(['atomic-1']);
          expect(await completed(queue, 'atomic-1')).toEqual({ echoed: 'again' });
          // A job id is per queue: the same id on another queue is another job.
          const elsewhere = q('elsewhere');
          expect(await backend.add([job(elsewhere, 'sendReceipt', 'other', { jobId: 'order-7' })])).toEqual([
            'order-7',
          ]);
        },
      );

      const twice: [string, (queue: string) => JobSpec[]][] = [
        [
          'two jobs of one add',
          (queue) => [job(queue, 'charge', 1, { jobId: 'twin' }), job(queue, 'sendReceipt', 2, { jobId: 'twin' })],
        ],
        [
          'two jobs of one task in one add',
          (queue) => [job(queue, 'charge', 1, { jobId: 'twin' }), job(queue, 'charge', 2, { jobId: 'twin' })],
        ],
        [
          'a flow and its child',
          (queue) => [
            job(queue, 'parent', 1, { jobId: 'twin', children: [job(queue, 'child', 2, { jobId: 'twin' })] }),
          ],
        ],
      ];
      it.each(twice)('one jobId given to %s is refused (SFR4302); nothing is added', async (_, specs) => {
        const queue = q();
        await expect(
          backend.add([job(queue, 'fine', 'f', { jobId: 'atomic-1' }), ...specs(queue)]),
        ).rejects.toMatchObject({
          code: 'SFR4302',
          message: expect.stringContaining('twin'),
        });
        expect(await backend.add([job(queue, 'fine', 'again', { jobId: 'atomic-1' })])).toEqual(['atomic-1']);
        const { seen } = await processWith(queue, echo);
        expect(await completed(queue, 'atomic-1')).toEqual({ echoed: 'again' });
        expect(seen.map((s) => s.name)).toEqual(['fine']);
      });
    });

    describe('retries', () => {
      type Step = 'ok' | 'error' | 'retryable' | 'final';
      const cases: [string, IRRetryPolicy, Step[], { ok: boolean; failure?: Partial<TaskFailure>; runs: number }][] = [
        [
          'a plain Error is retried, then dead-lettered as `error` after the last attempt',
          { attempts: 3, backoff: 'fixed', delayMs: 20 },
          ['error', 'error', 'error'],
          { ok: false, failure: { reason: 'error', message: 'boom 3', attempts: 3 }, runs: 3 },
        ],
        [
          'a retryable TaskJobError on the last attempt dead-letters with its reason',
          { attempts: 2, backoff: 'fixed', delayMs: 20 },
          ['retryable', 'retryable'],
          { ok: false, failure: { reason: 'time-limit', message: 'boom 2', attempts: 2 }, runs: 2 },
        ],
        [
          'a TaskJobError with retry:false dead-letters at once',
          { attempts: 5, backoff: 'fixed', delayMs: 20 },
          ['final'],
          { ok: false, failure: { reason: 'invalid-args', message: 'boom 1', attempts: 1 }, runs: 1 },
        ],
        [
          'a job that succeeds on a later attempt completes',
          { attempts: 4, backoff: 'fixed', delayMs: 20 },
          ['error', 'retryable', 'ok'],
          { ok: true, runs: 3 },
        ],
        [
          'exponential backoff with a cap',
          { attempts: 4, backoff: 'exponential', delayMs: 20, maxDelayMs: 60 },
          ['error', 'error', 'error', 'ok'],
          { ok: true, runs: 4 },
        ],
      ];
      it.each(cases)('%s; each retry waits retryDelay(retry, attemptsMade)', async (_, retry, steps, expected) => {
        const queue = q();
        const ends: number[] = [];
        const { seen } = await processWith(queue, (active) => {
          const step = steps[active.attempt - 1] ?? 'ok';
          ends.push(Date.now());
          if (step === 'error') throw new Error(`boom ${active.attempt}`);
          if (step === 'retryable') throw new TaskJobError(`boom ${active.attempt}`, 'time-limit', true);
          if (step === 'final') throw new TaskJobError(`boom ${active.attempt}`, 'invalid-args', false);
          return { attempt: active.attempt };
        });
        const [id] = await backend.add([job(queue, 'flaky', {}, { retry })]);
        if (expected.ok) expect(await completed(queue, id!)).toEqual({ attempt: expected.runs });
        else expect(await failed(queue, id!)).toEqual(expected.failure);
        expect(seen.map((s) => s.attempt)).toEqual(Array.from({ length: expected.runs }, (_, i) => i + 1));
        for (let n = 1; n < seen.length; n++)
          expect(seen[n]!.at - ends[n - 1]!).toBeGreaterThanOrEqual(retryDelay(retry, n) - 5);
        expect((await backend.listDeadLetters(queue)).map((l) => l.id)).toEqual(expected.ok ? [] : [id]);
      });
    });

    describe('dead letters', () => {
      it('lists them oldest first as DeadLetterJob, up to `limit`, per queue', async () => {
        const queue = q();
        const other = q('other');
        await processWith(queue, (active) => {
          throw new TaskJobError(`bad ${String(active.data.args)}`, 'invalid-args', false);
        });
        const ids: string[] = [];
        for (const n of [1, 2, 3]) {
          const [id] = await backend.add([job(queue, 'refused', n, { jobId: `dl-${n}` })]);
          await failed(queue, id!);
          ids.push(id!);
        }
        const letters = await backend.listDeadLetters(queue);
        expect(letters.map((l) => l.id)).toEqual(ids);
        expect(letters[0]).toEqual({
          id: 'dl-1',
          queue,
          task: 'refused',
          data: { v: 1, args: 1 },
          failure: { reason: 'invalid-args', message: 'bad 1', attempts: 1 },
          failedAt: expect.any(Number),
        });
        for (let n = 1; n < letters.length; n++)
          expect(letters[n]!.failedAt).toBeGreaterThanOrEqual(letters[n - 1]!.failedAt);
        expect((await backend.listDeadLetters(queue, { limit: 2 })).map((l) => l.id)).toEqual(ids.slice(0, 2));
        expect(await backend.listDeadLetters(other)).toEqual([]);
      });

      it('retryDeadLetter sends one back with the same id and fresh attempts; false when there is none', async () => {
        const queue = q();
        let fixed = false;
        const { seen } = await processWith(queue, (active) => {
          if (!fixed) throw new Error(`not yet (attempt ${active.attempt})`);
          return { fixed: active.data.args };
        });
        const retry: IRRetryPolicy = { attempts: 2, backoff: 'fixed', delayMs: 20 };
        const [id] = await backend.add([job(queue, 'mend', 'x', { retry, jobId: 'mend-1' })]);
        expect(await failed(queue, id!)).toEqual({ reason: 'error', message: 'not yet (attempt 2)', attempts: 2 });
        expect(await failed(queue, id!, 0)).toEqual({ reason: 'error', message: 'not yet (attempt 2)', attempts: 2 });

        // Failing again: dead-lettered again after fresh attempts.
        expect(await backend.retryDeadLetter(queue, 'mend-1')).toBe(true);
        expect(await failed(queue, 'mend-1')).toEqual({ reason: 'error', message: 'not yet (attempt 2)', attempts: 2 });

        fixed = true;
        expect(await backend.retryDeadLetter(queue, 'mend-1')).toBe(true);
        expect(await completed(queue, 'mend-1')).toEqual({ fixed: 'x' });
        expect(seen.map((s) => [s.id, s.attempt])).toEqual([
          ['mend-1', 1],
          ['mend-1', 2],
          ['mend-1', 1],
          ['mend-1', 2],
          ['mend-1', 1],
        ]);
        expect(await backend.listDeadLetters(queue)).toEqual([]);
        expect(await backend.retryDeadLetter(queue, 'mend-1')).toBe(false);
        expect(await backend.retryDeadLetter(queue, 'nothing-here')).toBe(false);
      });
    });

    describe('flows', () => {
      it('children run first, the parent waits for them all, and gets their results in the given order', async () => {
        const queue = q();
        const { seen } = await processWith(
          queue,
          async (active) => {
            if (active.name === 'parent') return { got: await active.childrenResults() };
            return { child: active.data.args };
          },
          3,
        );
        const [root] = await backend.add([
          job(queue, 'parent', 'p', {
            children: [job(queue, 'slow', 1, { delayMs: 150 }), job(queue, 'quick', 2), job(queue, 'quick', 3)],
          }),
        ]);
        expect(await completed(queue, root!)).toEqual({ got: [{ child: 1 }, { child: 2 }, { child: 3 }] });
        expect(seen.map((s) => s.name)).toEqual(['quick', 'quick', 'slow', 'parent']);
        expect(seen[3]!.id).toBe(root);
      });

      it('a chain a → b → c runs in order, each step seeing the one before', async () => {
        const queue = q();
        const { seen } = await processWith(
          queue,
          async (active) => {
            const before = (await active.childrenResults()) as string[][];
            return [...(before[0] ?? []), active.name];
          },
          3,
        );
        const [root] = await backend.add([
          job(queue, 'c', null, { children: [job(queue, 'b', null, { children: [job(queue, 'a', 'start')] })] }),
        ]);
        expect(await completed(queue, root!)).toEqual(['a', 'b', 'c']);
        expect(seen.map((s) => s.name)).toEqual(['a', 'b', 'c']);
      });

      it('a child on another queue runs there; the parent waits for it', async () => {
        const parents = q('parents');
        const children = q('children');
        await processWith(parents, async (active) => ({ got: await active.childrenResults() }));
        const [root] = await backend.add([job(parents, 'parent', 'p', { children: [job(children, 'far', 'f')] })]);
        expect(await backend.outcome(parents, root!, 100)).toEqual({ status: 'unfinished' });
        await processWith(children, echo);
        expect(await completed(parents, root!)).toEqual({ got: [{ echoed: 'f' }] });
      });

      it('a dead-lettered child dead-letters its parents as `previous-step`; they never run', async () => {
        const queue = q();
        const { seen } = await processWith(
          queue,
          (active) => {
            if (active.name === 'a') throw new TaskJobError('a broke', 'invalid-result', false);
            return echo(active);
          },
          2,
        );
        const [root] = await backend.add([
          job(queue, 'c', null, {
            jobId: 'chain-c',
            children: [
              job(queue, 'b', null, { jobId: 'chain-b', children: [job(queue, 'a', 'x', { jobId: 'chain-a' })] }),
            ],
          }),
        ]);
        expect(root).toBe('chain-c');
        expect(await failed(queue, 'chain-c')).toMatchObject({ reason: 'previous-step' });
        expect(await failed(queue, 'chain-a')).toEqual({ reason: 'invalid-result', message: 'a broke', attempts: 1 });
        expect(await failed(queue, 'chain-b')).toMatchObject({ reason: 'previous-step' });
        expect(seen.map((s) => s.name)).toEqual(['a']);
        const letters = await backend.listDeadLetters(queue);
        expect(letters.map((l) => [l.id, l.failure.reason]).sort()).toEqual([
          ['chain-a', 'invalid-result'],
          ['chain-b', 'previous-step'],
          ['chain-c', 'previous-step'],
        ]);
      });

      it('`parent`: a job added for a parent that waits joins its children; its result comes after theirs', async () => {
        const queue = q();
        const hold = gate();
        await processWith(
          queue,
          async (active) => {
            if (active.name === 'parent') return await active.childrenResults();
            if (active.data.args === 'first') await hold.opened;
            return active.data.args;
          },
          2,
        );
        const [root] = await backend.add([job(queue, 'parent', null, { children: [job(queue, 'child', 'first')] })]);
        const [late] = await backend.add([job(queue, 'child', 'late', { parent: { queue, id: root! } })]);
        await completed(queue, late!);
        expect(await backend.outcome(queue, root!, 100)).toEqual({ status: 'unfinished' });
        hold.open();
        expect(await completed(queue, root!)).toEqual(['first', 'late']);
      });

      it('a parent that does not exist refuses the whole add: nothing is added', async () => {
        const queue = q();
        await expect(
          backend.add([
            job(queue, 'fine', 'first', { jobId: 'atomic-1' }),
            job(queue, 'orphan', 'x', { parent: { queue, id: 'no-such-parent' } }),
          ]),
        ).rejects.toThrow();
        // Had `atomic-1` been added, this would add nothing and the first args would run.
        expect(await backend.add([job(queue, 'fine', 'second', { jobId: 'atomic-1' })])).toEqual(['atomic-1']);
        await processWith(queue, echo);
        expect(await completed(queue, 'atomic-1')).toEqual({ echoed: 'second' });
      });

      it('`parent`: a child added with `parent` that fails for good dead-letters its parent as `previous-step`; the parent never runs', async () => {
        const queue = q();
        // The parent is delayed (a chain's root waiting for its time, say) when the child joins it.
        const [root] = await backend.add([job(queue, 'root', 'r', { jobId: 'root-1', delayMs: 300 })]);
        const [child] = await backend.add([
          job(queue, 'charge', 'c', { jobId: 'charge-1', parent: { queue, id: root! } }),
        ]);
        const { seen } = await processWith(queue, (active) => {
          if (active.name === 'charge') throw new Error('card declined');
          return echo(active);
        });
        expect(await failed(queue, child!)).toEqual({ reason: 'error', message: 'card declined', attempts: 1 });
        const failure = await failed(queue, root!);
        expect(failure).toMatchObject({ reason: 'previous-step', attempts: 0 });
        expect(failure.message).toContain('charge');
        expect(failure.message).toContain('card declined');
        await sleep(400); // past the root's delay: had it not been dead-lettered, it would run now
        const [sentinel] = await backend.add([job(queue, 'sentinel', 's')]);
        await completed(queue, sentinel!);
        expect(seen.map((s) => s.name)).toEqual(['charge', 'sentinel']);
        expect((await backend.listDeadLetters(queue)).map((l) => [l.id, l.failure.reason]).sort()).toEqual([
          ['charge-1', 'error'],
          ['root-1', 'previous-step'],
        ]);
      });

      type ParentState = 'completed' | 'running' | 'dead-lettered' | 'missing';
      it.each<ParentState>(['completed', 'running', 'dead-lettered', 'missing'])(
        '`parent` naming a job that is %s is refused, naming it; nothing of the add is added',
        async (state) => {
          const queue = q();
          const hold = gate();
          const { seen } = await processWith(
            queue,
            async (active) => {
              if (active.name === 'parent' && state === 'running') await hold.opened;
              if (active.name === 'parent' && state === 'dead-lettered') throw new TaskJobError('no', 'error', false);
              return echo(active);
            },
            2,
          );
          if (state !== 'missing') await backend.add([job(queue, 'parent', 'p', { jobId: 'parent-1' })]);
          if (state === 'completed') await completed(queue, 'parent-1');
          if (state === 'dead-lettered') await failed(queue, 'parent-1');
          if (state === 'running') await until(() => seen.some((s) => s.id === 'parent-1'), 3000, 'the parent started');

          await expect(
            backend.add([
              job(queue, 'fine', 'first', { jobId: 'atomic-1' }),
              job(queue, 'orphan', 'x', { parent: { queue, id: 'parent-1' } }),
            ]),
          ).rejects.toThrow(/parent-1/);
          hold.open();
          expect(await backend.add([job(queue, 'fine', 'second', { jobId: 'atomic-1' })])).toEqual(['atomic-1']);
          expect(await completed(queue, 'atomic-1')).toEqual({ echoed: 'second' });
          if (state === 'running') expect(await completed(queue, 'parent-1')).toEqual({ echoed: 'p' });
          expect(seen.filter((s) => s.name === 'orphan')).toEqual([]);
        },
      );

      /** A chain's processor: a later step (`fromPrevious`) takes its one child's result as args. */
      const chainArgs = async (active: ActiveJob): Promise<unknown> =>
        active.data.fromPrevious === true ? (await active.childrenResults())[0] : active.data.args;

      it('a chain step that fails on its own is dead-lettered with the previous result as its args; retried after a fix, it runs alone with them', async () => {
        const queue = q();
        let fixed = false;
        const received: unknown[] = [];
        await processWith(queue, async (active) => {
          const args = await chainArgs(active);
          if (active.name === 'a') return { total: (args as { n: number }).n * 10 };
          received.push({ data: active.data, args });
          if (!fixed) throw new Error('b broke');
          return { receipt: args };
        });
        const [root] = await backend.add([
          {
            ...job(queue, 'b', null, { jobId: 'b-1', children: [job(queue, 'a', { n: 4 }, { jobId: 'a-1' })] }),
            data: { v: 1, fromPrevious: true, requestId: 'req-9' },
          },
        ]);
        expect(await failed(queue, root!)).toEqual({ reason: 'error', message: 'b broke', attempts: 1 });
        expect(await completed(queue, 'a-1')).toEqual({ total: 40 });
        const letters = await backend.listDeadLetters(queue);
        expect(letters.map((l) => [l.id, l.task, l.data])).toEqual([
          ['b-1', 'b', { v: 1, args: { total: 40 }, requestId: 'req-9' }],
        ]);

        fixed = true;
        expect(await backend.retryDeadLetter(queue, 'b-1')).toBe(true);
        expect(await completed(queue, 'b-1')).toEqual({ receipt: { total: 40 } });
        expect(received).toEqual([
          { data: { v: 1, fromPrevious: true, requestId: 'req-9' }, args: { total: 40 } },
          { data: { v: 1, args: { total: 40 }, requestId: 'req-9' }, args: { total: 40 } },
        ]);
        expect(await backend.listDeadLetters(queue)).toEqual([]);
      });

      it('a chain step whose previous step failed: `previous-step` after 0 attempts; retryDeadLetter refuses it (TaskRetryError, SFR4311) and changes nothing', async () => {
        const queue = q();
        let fixed = false;
        const { seen } = await processWith(queue, async (active) => {
          const args = await chainArgs(active);
          if (active.name === 'a' && !fixed) throw new Error('a broke');
          return { from: active.name, args };
        });
        await backend.add([
          {
            ...job(queue, 'b', null, { jobId: 'b-1', children: [job(queue, 'a', { n: 1 }, { jobId: 'a-1' })] }),
            data: { v: 1, fromPrevious: true },
          },
        ]);
        expect(await failed(queue, 'a-1')).toEqual({ reason: 'error', message: 'a broke', attempts: 1 });
        expect(await failed(queue, 'b-1')).toMatchObject({ reason: 'previous-step', attempts: 0 });
        const before = await backend.listDeadLetters(queue);
        expect(before.map((l) => [l.id, l.data]).sort()).toEqual([
          ['a-1', { v: 1, args: { n: 1 } }],
          ['b-1', { v: 1, fromPrevious: true }],
        ]);

        const refused = backend.retryDeadLetter(queue, 'b-1');
        await expect(refused).rejects.toBeInstanceOf(TaskRetryError);
        await expect(refused).rejects.toMatchObject({ code: 'SFR4311', jobId: 'b-1', queue });
        expect(await backend.listDeadLetters(queue)).toEqual(before);

        // The failed step's own dead letter is retried alone: it runs, and b stays dead-lettered.
        fixed = true;
        expect(await backend.retryDeadLetter(queue, 'a-1')).toBe(true);
        expect(await completed(queue, 'a-1')).toEqual({ from: 'a', args: { n: 1 } });
        const [sentinel] = await backend.add([job(queue, 'sentinel', 's')]);
        await completed(queue, sentinel!);
        expect(seen.map((s) => s.name)).toEqual(['a', 'a', 'sentinel']);
        expect((await backend.listDeadLetters(queue)).map((l) => [l.id, l.failure.reason])).toEqual([
          ['b-1', 'previous-step'],
        ]);
      });
    });

    describe('processing', () => {
      it('runs at most `concurrency` jobs at once, and that many when there are enough', async () => {
        const queue = q();
        let running = 0;
        let most = 0;
        const full = gate();
        await backend.add(Array.from({ length: 8 }, (_, n) => job(queue, 'busy', n)));
        const { seen } = await processWith(
          queue,
          async () => {
            running++;
            most = Math.max(most, running);
            if (running === 3) full.open();
            await within(full.opened, 3000, 'three jobs at once').catch(() => undefined);
            await sleep(5);
            running--;
            return null;
          },
          3,
        );
        await until(() => seen.length === 8 && running === 0, 6000, 'all jobs ran');
        expect(most).toBe(3);
      });

      it('several process() calls on one queue share its jobs: each runs once', async () => {
        const queue = q();
        // The first jobs wait until three run at once: with 2 a processing, both must then hold some.
        let running = 0;
        const three = gate();
        const busy = async () => {
          if (++running >= 3) three.open();
          await within(three.opened, 3000, 'three jobs at once').catch(() => undefined);
          await sleep(5);
          running--;
          return null;
        };
        const first = await processWith(queue, busy, 2);
        const second = await processWith(queue, busy, 2);
        const ids = await backend.add(Array.from({ length: 20 }, (_, n) => job(queue, 'shared', n)));
        for (const id of ids) await completed(queue, id);
        const ran = [...first.seen, ...second.seen].map((s) => s.id).sort();
        expect(ran).toEqual([...ids].sort());
        expect(first.seen.length).toBeGreaterThan(0);
        expect(second.seen.length).toBeGreaterThan(0);
      });

      it('close(timeoutMs) waits for a job in flight that ends in time, then takes no new job', async () => {
        const queue = q();
        let aborted = false;
        const { seen, processing } = await processWith(queue, async (_, signal) => {
          await sleep(50);
          aborted ||= signal.aborted;
          return 'done';
        });
        const [id] = await backend.add([job(queue, 'brief', 1)]);
        await until(() => seen.length === 1, 3000, 'the job started');
        await within(processing.close(5000), 7000, 'close');
        expect(await completed(queue, id!, 0)).toBe('done');
        expect(aborted).toBe(false);
        const [next] = await backend.add([job(queue, 'after', 2)]);
        await sleep(100);
        expect(seen.map((s) => s.id)).toEqual([id]);
        await processWith(queue, echo);
        expect(await completed(queue, next!)).toEqual({ echoed: 2 });
      });

      it('close(timeoutMs) aborts a job that runs on; it goes back and runs again, the attempt not counted', async () => {
        const queue = q();
        const stuck = gate();
        let signal: AbortSignal | undefined;
        const { processing } = await processWith(queue, async (_, received) => {
          signal = received;
          await stuck.opened; // ignores its signal
          return 'too late';
        });
        const [id] = await backend.add([job(queue, 'stuck', 1)]); // retry: ONCE, so a counted attempt would dead-letter it
        await until(() => signal !== undefined, 3000, 'the job started');
        await within(processing.close(100), 5000, 'close');
        expect(signal!.aborted).toBe(true);
        const again = await processWith(queue, (active) => ({ attempt: active.attempt }));
        expect(await completed(queue, id!)).toEqual({ attempt: 1 });
        stuck.open();
        await sleep(20);
        expect(again.seen.map((s) => s.attempt)).toEqual([1]);
        expect(await backend.listDeadLetters(queue)).toEqual([]);
      });
    });

    describe('schedules', () => {
      const schedule = (queue: string, id: string, pattern: string): ScheduleSpec => ({
        id,
        queue,
        task: 'tick',
        pattern,
        data: { v: 1, args: {} },
        retry: ONCE,
      });

      it('a 6-field pattern fires once per second, each fire one job; removeSchedule stops it', async () => {
        const queue = q();
        const { seen } = await processWith(queue, () => null);
        const upserted = Date.now();
        await Promise.all([
          backend.upsertSchedule(schedule(queue, 'specfirst-schedule-tick', '*/1 * * * * *')),
          backend.upsertSchedule(schedule(queue, 'specfirst-schedule-tick', '*/1 * * * * *')),
        ]);
        expect(await backend.scheduleIds(queue)).toEqual(['specfirst-schedule-tick']);
        await until(() => seen.length >= 3, 6000, 'three fires');
        await backend.removeSchedule(queue, 'specfirst-schedule-tick');
        expect(await backend.scheduleIds(queue)).toEqual([]);
        expect(seen.slice(0, 3).map((s) => [s.name, s.args])).toEqual([
          ['tick', {}],
          ['tick', {}],
          ['tick', {}],
        ]);
        expect(new Set(seen.map((s) => s.id)).size).toBe(seen.length);
        // One job per fire, though upserted twice: the third fire is two second boundaries after the first.
        expect(seen[2]!.at - upserted).toBeGreaterThanOrEqual(2000 - 5);
        await sleep(300); // a job fired just before the removal may still run
        const after = seen.length;
        await sleep(1500);
        expect(seen.length).toBe(after);
      });

      it('upsert is idempotent, a new pattern replaces the old, and ids are listed per queue, sorted', async () => {
        const queue = q();
        const other = q('other');
        await backend.upsertSchedule(schedule(queue, 'specfirst-schedule-b', '0 0 1 1 *'));
        await backend.upsertSchedule(schedule(queue, 'specfirst-schedule-a', '0 0 1 1 *'));
        await backend.upsertSchedule(schedule(queue, 'specfirst-schedule-a', '0 0 1 1 *'));
        await backend.upsertSchedule(schedule(other, 'specfirst-schedule-c', '0 0 1 1 *'));
        expect(await backend.scheduleIds(queue)).toEqual(['specfirst-schedule-a', 'specfirst-schedule-b']);
        expect(await backend.scheduleIds(other)).toEqual(['specfirst-schedule-c']);

        const { seen } = await processWith(queue, () => null);
        await backend.upsertSchedule(schedule(queue, 'specfirst-schedule-a', '* * * * * *'));
        expect(await backend.scheduleIds(queue)).toEqual(['specfirst-schedule-a', 'specfirst-schedule-b']);
        await until(() => seen.length >= 1, 4000, 'the new pattern fired');

        await backend.removeSchedule(queue, 'specfirst-schedule-a');
        await backend.removeSchedule(queue, 'specfirst-schedule-none');
        expect(await backend.scheduleIds(queue)).toEqual(['specfirst-schedule-b']);
        expect(await backend.scheduleIds(other)).toEqual(['specfirst-schedule-c']);
        expect(await backend.scheduleIds(q('empty'))).toEqual([]);
      });

      it('refuses a pattern that does not parse', async () => {
        await expect(backend.upsertSchedule(schedule(q(), 'specfirst-schedule-bad', '61 * * * *'))).rejects.toThrow();
      });
    });

    describe('close', () => {
      it('is idempotent, and every call after it rejects', async () => {
        const queue = q();
        await backend.close();
        await backend.close();
        const calls: [string, () => Promise<unknown>][] = [
          ['add', () => backend.add([job(queue, 'late', 1)])],
          ['outcome', () => backend.outcome(queue, '1', 10)],
          ['process', () => backend.process(queue, () => Promise.resolve(null), { concurrency: 1, logger })],
          ['upsertSchedule', () => backend.upsertSchedule({ ...schedule0(queue), pattern: '0 0 1 1 *' })],
          ['scheduleIds', () => backend.scheduleIds(queue)],
          ['removeSchedule', () => backend.removeSchedule(queue, 'x')],
          ['listDeadLetters', () => backend.listDeadLetters(queue)],
          ['retryDeadLetter', () => backend.retryDeadLetter(queue, 'x')],
        ];
        for (const [call, make] of calls) await expect(make(), call).rejects.toThrow();
      });
    });
  });
}

function schedule0(queue: string): ScheduleSpec {
  return { id: 'specfirst-schedule-x', queue, task: 'x', pattern: '0 0 1 1 *', data: { v: 1, args: {} }, retry: ONCE };
}
