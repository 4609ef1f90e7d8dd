/**
 * The chaos run of issue #14 ("Proof"), on BullMQ and real Redis, bounded in time: 2,000 jobs of one
 * task, enqueued through generated code (`createFeederTasks(backend).enqueueCrunch`, from
 * test/tasks/chaos-spec, generated and transpiled in beforeAll), run by three worker processes
 * (chaos-worker.mjs: the generated `createGrinderWorker` on `bullmqTaskBackend`, concurrency 8, a lock
 * of 1 s checked for stalls every 0.5 s). Two of them are SIGKILLed while they run jobs, and started
 * again. 1 % of the jobs throw on every attempt; 1 % ignore their signal past the task's time limit
 * (500 ms), half of them on every attempt and half on their first only. Retries: 3 attempts, 50 ms apart.
 *
 * Every job must end completed or dead-lettered (as the backend reports it: each job's outcome, and
 * `listDeadLetters`), none lost. The throwing jobs and those that ran out of time on every attempt
 * must be dead letters with reason `error` and `time-limit`, after 3 attempts; those that ran out of
 * time once must complete on their second attempt. Each timed-out attempt is measured on its worker
 * process's clock from its handler's first line to the moment the worker's processor rejected it as
 * `time-limit` (chaos-worker.mjs's tap), and must be within 10 % of the limit. Duplicate executions
 * (a job whose handler returned more than once: a SIGKILL after the handler returned and before
 * BullMQ recorded it) are counted and printed, with the rest, in one summary line.
 *
 * A job that was running in a killed worker and was then stalled more often than BullMQ allows is
 * dead-lettered as `stalled`: not lost, counted apart, and allowed only for jobs in flight at a kill.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { TaskBackend, TaskDefinition, TaskHandle, TaskOutcome } from '@specfirst/runtime/tasks';
import { bullmqTaskBackend } from '@specfirst/runtime/tasks/bullmq';
import { taskQueueName } from '@specfirst/spec-core/tasks';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { connectRedis, deletePrefix, REDIS_URL, sleep, uniquePrefix } from '../events/support.js';
import { chaosJobId, chaosKeys, chaosMode, chaosWorkMs, type ChaosMode } from './chaos-records.mjs';
import { generate, tasksModule } from './generate.js';

const WORKER = fileURLToPath(new URL('./chaos-worker.mjs', import.meta.url));
const SPEC = fileURLToPath(new URL('./chaos-spec', import.meta.url));
const TOTAL = 2000;
const WORKERS = 3;
const CONCURRENCY = 8;
/** Enqueues in flight at once. */
const ENQUEUE_BATCH = 50;
/**
 * The run (workers started, jobs enqueued and ended) gives up, and fails, after this long; the count
 * after it waits at most ACCOUNT_MS, stopping the workers at most 5 s: the test's timeout, 70 s, is
 * above their sum, and with the 20 s of beforeAll (generating the code) the file ends within 90 s.
 */
const DEADLINE_MS = 50_000;
/** The count after the run waits for the outcomes at most this long in all. */
const ACCOUNT_MS = 8_000;
/** Kill the first victim once this share of the jobs to complete has, the second at the next. */
const KILL_AT = [0.25, 0.55];
/**
 * And no sooner than this after the kill before: past the first victim's jobs' return (lock 1 s,
 * stall checks every 0.5 s), so that the second kill seldom catches one of them again (a job that
 * stalls twice is dead-lettered as `stalled`, which the test allows but which proves less).
 */
const KILL_GAP_MS = 2500;
/** Enqueues are paced (a pause after each batch), so that the run lasts long enough for both kills on a fast machine too. */
const ENQUEUE_PAUSE_MS = 100;

interface CrunchArgs {
  n: number;
  mode: ChaosMode;
  workMs?: number;
}
interface CrunchResult {
  n: number;
}
interface Feeder {
  createFeederTasks(backend: TaskBackend): {
    enqueueCrunch(args: CrunchArgs, options?: { jobId?: string }): Promise<TaskHandle<CrunchResult>>;
  };
}
interface Grinder {
  crunchTask: TaskDefinition<CrunchArgs, CrunchResult>;
}

let redis: Redis;
let feeder: Feeder;
let grinder: Grinder;
let grinderModule: string;
/** The run's BullMQ prefix: `bullmqTaskBackend` refuses a `:` in it (BullMQ puts its own after it). */
const prefix = uniquePrefix('tasks-chaos').replace(/:$/, '').replaceAll(':', '-');
const records = `${prefix}:records:`;
const live = new Set<ChildProcess>();

beforeAll(async () => {
  redis = await connectRedis();
  const out = generate(SPEC, 'chaos');
  grinderModule = tasksModule(out, 'grinder');
  feeder = (await import(pathToFileURL(tasksModule(out, 'feeder')).href)) as Feeder;
  grinder = (await import(pathToFileURL(grinderModule).href)) as Grinder;
});
afterAll(async () => {
  for (const child of live) child.kill('SIGKILL');
  if (redis) {
    await deletePrefix(redis, `${prefix}:`);
    redis.disconnect();
  }
});

interface Worker {
  name: string;
  child: ChildProcess;
  killed: boolean;
  ready: Promise<void>;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output: () => string;
}

const unexpectedExits: string[] = [];

function startWorker(name: string): Worker {
  const child = spawn(process.execPath, [WORKER], {
    env: {
      ...process.env,
      REDIS_URL,
      CHAOS_PREFIX: prefix,
      CHAOS_RECORDS: records,
      CHAOS_MODULE: grinderModule,
      CHAOS_CONCURRENCY: String(CONCURRENCY),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(child);
  let output = '';
  let markReady = (): void => undefined;
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  const keep = (chunk: string) => {
    output = (output + chunk).slice(-4000);
    if (/^ready$/m.test(output)) markReady();
  };
  child.stdout!.setEncoding('utf8').on('data', keep);
  child.stderr!.setEncoding('utf8').on('data', keep);
  const worker: Worker = {
    name,
    child,
    killed: false,
    ready,
    output: () => output,
    exit: new Promise((resolve) =>
      child.on('exit', (code, signal) => {
        live.delete(child);
        if (!worker.killed) unexpectedExits.push(`${name} exited (${signal ?? `code ${code}`}):\n${output.trim()}`);
        markReady();
        resolve({ code, signal });
      }),
    ),
  };
  return worker;
}

async function stopWorker(worker: Worker): Promise<void> {
  if (worker.child.exitCode !== null || worker.child.signalCode !== null) return;
  worker.killed = true;
  worker.child.kill('SIGTERM');
  const timer = setTimeout(() => worker.child.kill('SIGKILL'), 5000);
  await worker.exit;
  clearTimeout(timer);
}

/** A value's rank in a sorted list: `quantile(sorted, 0.5)` is the median. */
const quantile = (sorted: number[], q: number): number =>
  sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;

it(
  'ends every job completed or dead-lettered while workers are SIGKILLed, enforces time limits, and counts duplicates',
  async () => {
    const task = grinder.crunchTask;
    const limitMs = task.timeoutMs!;
    const attempts = task.retry.attempts;
    const queue = taskQueueName(task.worker);
    const keys = chaosKeys(records);
    const modes = Array.from({ length: TOTAL }, (_, n) => chaosMode(n));
    const ids = (mode: ChaosMode) => modes.flatMap((m, n) => (m === mode ? [chaosJobId(n)] : []));
    const toComplete = new Set([...ids('work'), ...ids('hangOnce')]);
    const toDeadLetter = new Map([
      ...ids('fail').map((id) => [id, 'error'] as const),
      ...ids('hang').map((id) => [id, 'time-limit'] as const),
    ]);
    expect(toComplete.size + toDeadLetter.size).toBe(TOTAL);

    const started = Date.now();
    const deadline = started + DEADLINE_MS;
    const workers = Array.from({ length: WORKERS }, (_, k) => startWorker(`w${k}`));
    await Promise.race([Promise.all(workers.map((w) => w.ready)), sleep(DEADLINE_MS / 2)]);
    expect(unexpectedExits, 'workers that died while starting').toEqual([]);

    const backend = bullmqTaskBackend({ url: REDIS_URL, prefix });
    const tasks = feeder.createFeederTasks(backend);
    const handles = new Map<string, TaskHandle<CrunchResult>>();
    const kills: { worker: string; pid: number; atMs: number; inFlight: string[] }[] = [];
    try {
      // Workers first, so that the kills land while jobs are still being enqueued.
      const enqueuing = (async () => {
        for (let from = 0; from < TOTAL; from += ENQUEUE_BATCH) {
          const batch = Array.from({ length: Math.min(ENQUEUE_BATCH, TOTAL - from) }, async (_, j) => {
            const n = from + j;
            const handle = await tasks.enqueueCrunch(
              { n, mode: modes[n]!, workMs: chaosWorkMs(n) },
              { jobId: chaosJobId(n) },
            );
            handles.set(handle.id, handle);
          });
          await Promise.all(batch);
          await sleep(ENQUEUE_PAUSE_MS);
        }
      })();

      /** Jobs that ended, as the records and the dead-letter queue see them (the final count asks the backend). */
      const ended = async (): Promise<number> => {
        const done = await redis.hkeys(keys.done);
        const dead = await backend.listDeadLetters(queue, { limit: TOTAL });
        return new Set([...done, ...dead.map((d) => d.id)]).size;
      };
      const restarts: Promise<void>[] = [];
      // Settled: enqueued all, or failed (then `await enqueuing` below throws).
      const enqueue: { state: 'running' | 'done' | 'failed' } = { state: 'running' };
      void enqueuing.then(
        () => (enqueue.state = 'done'),
        () => (enqueue.state = 'failed'),
      );
      for (let round = 0; Date.now() < deadline && unexpectedExits.length === 0 && round < 100_000; round++) {
        if (enqueue.state === 'failed') break;
        if (enqueue.state === 'done' && (await ended()) >= TOTAL) break;
        const next = KILL_AT[kills.length];
        const victim = workers[kills.length];
        const due =
          next !== undefined &&
          (kills.length === 0 || Date.now() - started - kills.at(-1)!.atMs >= KILL_GAP_MS) &&
          (await redis.hlen(keys.done)) >= next * toComplete.size;
        if (victim && due) {
          // Mid-job: only while its processor is running some.
          const inFlight = await redis.hkeys(keys.inflight(victim.child.pid!));
          if (inFlight.length > 0) {
            victim.killed = true;
            victim.child.kill('SIGKILL');
            kills.push({ worker: victim.name, pid: victim.child.pid!, atMs: Date.now() - started, inFlight });
            const index = kills.length - 1;
            restarts.push(
              (async () => {
                await victim.exit;
                await sleep(300);
                workers[index] = startWorker(`${victim.name}.restarted`);
              })(),
            );
            continue;
          }
        }
        await sleep(50);
      }
      await enqueuing;
      await Promise.all(restarts);
      const elapsed = (Date.now() - started) / 1000;

      // The count, from the backend: each job's outcome, and the dead letters.
      const outcomes = new Map<string, TaskOutcome<CrunchResult>>();
      const all = [...handles.values()];
      const accountBy = Date.now() + ACCOUNT_MS;
      for (let from = 0; from < all.length; from += 100)
        await Promise.all(
          all.slice(from, from + 100).map(async (handle) => {
            const remaining = Math.max(50, Math.min(2000, accountBy - Date.now()));
            outcomes.set(handle.id, await handle.result({ timeoutMs: remaining }));
          }),
        );
      const deadLetters = await backend.listDeadLetters(queue, { limit: TOTAL });
      const deadById = new Map(deadLetters.map((d) => [d.id, d]));
      await Promise.all(workers.map(stopWorker));
      const inFlightAtKills = new Set(kills.flatMap((k) => k.inFlight.map((attempt) => attempt.split('#')[0]!)));

      // What happened.
      const done = Object.fromEntries(Object.entries(await redis.hgetall(keys.done)).map(([id, c]) => [id, Number(c)]));
      const doneAttempt = await redis.hgetall(keys.doneAttempt);
      const hangStart = await redis.hgetall(keys.hangStart);
      const hangAbort = await redis.hgetall(keys.hangAbort);
      const timeLimit = await redis.hgetall(keys.timeLimit);
      const ranOn = await redis.hgetall(keys.late);
      const byStatus = (status: TaskOutcome<unknown>['status']) =>
        [...outcomes].filter(([, o]) => o.status === status).map(([id]) => id);
      const completed = byStatus('completed');
      const failed = byStatus('failed');
      const unfinished = [...toComplete, ...toDeadLetter.keys()].filter(
        (id) => outcomes.get(id)?.status !== 'completed' && !deadById.has(id),
      );
      const duplicates = Object.entries(done).filter(([, count]) => count > 1);
      const reasons = new Map<string, number>();
      for (const d of deadLetters) reasons.set(d.failure.reason, (reasons.get(d.failure.reason) ?? 0) + 1);
      const stalledGood = [...toComplete].filter((id) => deadById.get(id)?.failure.reason === 'stalled');
      // Each timed-out attempt: from its handler's first line to its processor's time-limit rejection.
      const timed: { attempt: string; pid: number; start: number; ms: number }[] = [];
      const unmeasured: string[] = [];
      for (const [attempt, value] of Object.entries(hangStart)) {
        const [pid, start] = value.split(' ').map(Number) as [number, number];
        if (attempt in timeLimit) timed.push({ attempt, pid, start, ms: Number(timeLimit[attempt]) - start });
        else unmeasured.push(attempt);
      }
      const measured = timed.map((t) => t.ms).sort((a, b) => a - b);
      const aborts = Object.entries(hangAbort)
        .map(([attempt, at]) => Number(at) - Number(hangStart[attempt]?.split(' ')[1]))
        .sort((a, b) => a - b);
      const tolerance = limitMs * 0.1;
      const early = timed.filter((t) => t.ms < limitMs - tolerance);
      const late = timed.filter((t) => t.ms > limitMs + tolerance);
      const stalls = (await redis.lrange(keys.stalls, 0, -1)).map((line) => {
        const [pid, from, to, cpuMs] = line.split(' ').map(Number) as [number, number, number, number];
        return { pid, from, to, cpuMs };
      });
      /**
       * How long an attempt's worker process stood still without the CPU between the limit and the
       * attempt's failure: stalls of its event loop in which it used less than half the time on a CPU
       * (it was runnable and not given a core: the machine's load, not the runtime's work). A timer
       * due at the limit fires late by no more than its process stood still.
       */
      const starvedMs = (t: (typeof timed)[number]) =>
        stalls
          .filter((stall) => stall.pid === t.pid && stall.cpuMs < (stall.to - stall.from) / 2)
          .reduce(
            (sum, stall) =>
              sum + Math.max(0, Math.min(stall.to, t.start + t.ms) - Math.max(stall.from, t.start + limitMs)),
            0,
          );
      /** Later than the tolerance by no more than its process stood still without the CPU past the limit. */
      const starved = (t: (typeof timed)[number]) => t.ms - limitMs - tolerance <= starvedMs(t);
      const ms = (value: number) => `${Math.round(value)}`;
      const extraRuns = duplicates.reduce((sum, [, count]) => sum + count - 1, 0);
      const killed = kills.map(
        (k) => `${k.worker} at ${(k.atMs / 1000).toFixed(1)} s with ${k.inFlight.length} in flight`,
      );
      const recovered = [...inFlightAtKills].filter((id) => outcomes.get(id)?.status === 'completed').length;
      const recoveredDead = [...inFlightAtKills].filter((id) => deadById.has(id));

      console.log(
        [
          `tasks chaos: ${TOTAL} jobs (${ids('work').length} work, ${ids('fail').length} always throw, ` +
            `${ids('hang').length} time out on every attempt, ${ids('hangOnce').length} on the first only)`,
          `${WORKERS} worker processes × concurrency ${CONCURRENCY}`,
          `${kills.length} SIGKILLs mid-job (${killed.join(', ')}), each restarted`,
          `${unfinished.length === 0 ? 'done' : 'NOT done'} in ${elapsed.toFixed(1)} s`,
          `completed ${completed.length}, dead-lettered ${deadLetters.length} (${[...reasons].map(([r, c]) => `${r} ${c}`).join(', ')}), lost ${unfinished.length}`,
          `duplicate executions ${duplicates.length} (${extraRuns} extra handler runs)`,
          `${inFlightAtKills.size} jobs in flight at the kills: ${recovered} completed later, ${recoveredDead.length} dead-lettered (${recoveredDead.map((id) => `${id} ${modes[Number(id.split('-')[1])]} → ${deadById.get(id)!.failure.reason}`).join(', ') || 'none'})`,
          `time limit ${limitMs} ms: ${measured.length} timed-out attempts, handler start → attempt failed ` +
            `min ${ms(measured[0]!)} / p50 ${ms(quantile(measured, 0.5))} / max ${ms(measured.at(-1)!)} ms, ` +
            `${measured.length - late.length - early.length} within 10 %, ${early.length} earlier, ${late.length} later ` +
            `(${late.filter(starved).length} of them by no more than their worker process stood still without the CPU past the limit: ` +
            `${late.map((t) => `${t.ms} ms, ${starvedMs(t)} ms still`).join('; ') || 'none'}), ` +
            `signal aborted at p50 ${ms(quantile(aborts, 0.5))} ms, ${unmeasured.length} unmeasured (their worker was killed)`,
          `${Object.keys(ranOn).length} hanging handlers ran on to their end after their attempt had failed`,
          `worker processes' event loops stood still ${stalls.length} times for over 20 ms, the longest ${Math.max(0, ...stalls.map((st) => st.to - st.from))} ms`,
        ].join('; '),
      );

      expect(unexpectedExits, 'workers that died on their own').toEqual([]);
      expect(kills.length, 'SIGKILLs mid-job').toBe(KILL_AT.length);
      for (const kill of kills)
        expect(kill.inFlight.length, `${kill.worker}: jobs in flight at its SIGKILL`).toBeGreaterThan(0);
      expect(handles.size, 'jobs enqueued').toBe(TOTAL);
      expect(unfinished, 'jobs neither completed nor dead-lettered (lost)').toEqual([]);
      expect(byStatus('unfinished'), 'outcomes still unfinished').toEqual([]);
      expect(
        failed.filter((id) => !deadById.has(id)),
        'failed outcomes without a dead letter',
      ).toEqual([]);
      expect(
        deadLetters.filter((d) => !handles.has(d.id)).map((d) => d.id),
        'dead letters of no job of this run',
      ).toEqual([]);
      for (const [id, reason] of toDeadLetter) {
        const dead = deadById.get(id);
        if (dead?.failure.reason === 'stalled' && inFlightAtKills.has(id)) continue;
        expect({ id, reason: dead?.failure.reason, attempts: dead?.failure.attempts }).toEqual({
          id,
          reason,
          attempts,
        });
        expect(dead?.task).toBe(task.name);
      }
      expect(
        stalledGood.filter((id) => !inFlightAtKills.has(id)),
        'jobs dead-lettered as stalled that no kill interrupted',
      ).toEqual([]);
      for (const id of toComplete) {
        if (stalledGood.includes(id)) continue;
        const outcome = outcomes.get(id);
        expect(outcome, `outcome of ${id}`).toEqual({ status: 'completed', result: { n: Number(id.split('-')[1]) } });
      }
      for (const id of ids('hangOnce'))
        if (!inFlightAtKills.has(id)) expect(doneAttempt[id], `${id}: the attempt it completed on`).toBe('2');
      expect(measured.length, 'timed-out attempts measured').toBeGreaterThanOrEqual(
        ids('hang').length * attempts + ids('hangOnce').length - 2 * CONCURRENCY,
      );
      expect(early, `timed-out attempts ended more than 10 % before ${limitMs} ms`).toEqual([]);
      expect(
        late
          .filter((t) => !starved(t))
          .map((t) => ({
            ...t,
            abortedAfterMs: Number(hangAbort[t.attempt]) - t.start,
            starvedMs: starvedMs(t),
            stallsNearby: stalls.filter(
              (st) => st.pid === t.pid && st.to >= t.start + limitMs - 100 && st.from <= t.start + t.ms + 100,
            ),
          })),
        `timed-out attempts ended more than 10 % after ${limitMs} ms while their worker process ran`,
      ).toEqual([]);
    } finally {
      await backend.close();
    }
  },
  DEADLINE_MS + 20_000,
);
