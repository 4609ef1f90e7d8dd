/**
 * `@specfirst/runtime/tasks/bullmq`: the {@link TaskBackend} on BullMQ (Redis). No queue of our own:
 * jobs are BullMQ jobs on `taskQueueName(worker)`, flows are BullMQ flows, retries are BullMQ's
 * attempts with a custom backoff strategy that asks `retryDelay`, schedules are BullMQ job
 * schedulers, stalled jobs are found by BullMQ's stall detection. What BullMQ lacks is kept on top:
 *
 * - Dead letters: a job that failed for good (its last attempt, a `TaskJobError` with `retry: false`,
 *   `job stalled more than allowable limit`, a parent whose child failed) is added to the queue
 *   `deadLetterQueueName(worker)` with the same job id, then removed from its queue. Added first,
 *   removed second, both idempotent: a process killed between the two leaves both, and the next move
 *   finds the dead letter there and removes the original. Moves run on the worker's `failed` event and
 *   in a sweep of the failed set when `process()` starts and every `sweepIntervalMs`. Nothing
 *   processes a dead-letter queue: its jobs wait there until `retryDeadLetter` or a clean-up.
 * - Why a job failed: BullMQ keeps a message only, so the processor's `TaskJobError` reason is kept in
 *   it as a `[reason] ` prefix, which the dead letter's `failure` takes apart again.
 * - `outcome`: one `QueueEvents` per queue (made on first use) wakes the waiters of a job; between
 *   events, a waiter looks again every {@link OUTCOME_POLL_MS} (events of a stream read that had not
 *   started yet are not lost). Completed jobs are kept (`keepCompleted`) so that a late `outcome` answers:
 *   BullMQ keeps them (its default), and each worker's sweep trims them, not BullMQ on every completion.
 * - Redis away: every call is bounded. The queues and the flow producer share one connection without
 *   offline queue or retries (a command fails at once instead of waiting for Redis); calls race
 *   {@link CALL_TIMEOUT_MS} (then SFR4360); `outcome` answers `unfinished` at its deadline; `close()`
 *   and `Processing.close(timeoutMs)` take at most {@link CLOSE_MARGIN_MS} past their wait, then cut
 *   the connections.
 * - `Processing.close(timeoutMs)`: stops fetching, waits for the jobs in flight up to `timeoutMs`, then
 *   aborts their signals and moves each job back to `wait` itself (`moveJobFromActiveToWait`: no attempt
 *   and no stall counted), without waiting for a handler that ignores its signal (its result is dropped);
 *   the hand-back and the worker's close get {@link CLOSE_MARGIN_MS}, not more.
 *   A process that dies instead (SIGKILL) leaves its jobs active with a lock that is no longer renewed:
 *   another worker's stall check moves them back after `lockDurationMs` (`maxStalledCount` times, then
 *   they fail as `stalled` and are dead-lettered).
 */
import { randomUUID } from 'node:crypto';
import type { IRRetryPolicy } from '@specfirst/spec-core';
import { deadLetterQueueName, type TaskJobData } from '@specfirst/spec-core/tasks';
import {
  FlowProducer,
  isNotConnectionError,
  Queue,
  QueueEvents,
  UnrecoverableError,
  WaitingError,
  Worker,
  type FlowJob,
  type Job,
  type JobsOptions,
} from 'bullmq';
import { Redis } from 'ioredis';
import { SpecFirstRuntimeError } from '../errors.js';
import { retryDelay } from '../events/backoff.js';
import type { Logger } from '../logger.js';
import { TaskJobError } from './job-error.js';
import { checkDistinctJobIds, jobIdTakenError, previousStepMessage, TaskRetryError } from './task-errors.js';
import type {
  ActiveJob,
  DeadLetterJob,
  JobProcessor,
  JobSpec,
  Processing,
  ScheduleSpec,
  TaskBackend,
  TaskFailure,
  TaskOutcome,
} from './types.js';

export interface BullmqTaskBackendOptions {
  /** Redis URL. Default: `REDIS_URL`, else `redis://127.0.0.1:6379`. */
  url?: string;
  /** BullMQ's key prefix (no `:`). Default `bull`, BullMQ's own, so that its tools see the queues. */
  prefix?: string;
  /** How often a worker looks for stalled jobs (BullMQ `stalledInterval`). Default 30000. */
  stalledIntervalMs?: number;
  /** How often a job may stall before it fails as `stalled` (BullMQ `maxStalledCount`). Default 1. */
  maxStalledCount?: number;
  /** How long a running job's lock lasts without renewal (BullMQ `lockDuration`). Default 30000. */
  lockDurationMs?: number;
  /**
   * Completed jobs kept for `outcome`: the newest `count`, none older than `ageMs`. Default 10000 and
   * 24 h. Trimmed by each worker's sweep (every `sweepIntervalMs`), so that between two sweeps up to
   * what completes in one interval more are kept.
   */
  keepCompleted?: { count: number; ageMs: number };
  /** How often a processing queue's failed set is swept into the dead-letter queue, and its completed set trimmed. Default 5000. */
  sweepIntervalMs?: number;
  /** Where BullMQ's connection errors go. Default: nowhere (calls fail with `SFR4360` instead). */
  logger?: Logger;
}

/** The layout of a dead letter's data on `<worker>-dead-letter` (this backend's own). */
interface DeadLetterData {
  task: string;
  data: TaskJobData;
  failure: TaskFailure;
  failedAt: number;
  /** The original job's retry policy, for `retryDeadLetter`. */
  retry?: IRRetryPolicy;
  priority?: number;
}

/** BullMQ's `backoff` option as this backend writes it: the custom strategy reads `policy`. */
interface SpecFirstBackoff {
  type: typeof BACKOFF_TYPE;
  delay: number;
  policy: IRRetryPolicy;
}

const BACKOFF_TYPE = 'specfirst';
/** A waiter of `outcome` looks again this often when no event woke it. */
const OUTCOME_POLL_MS = 500;
const REACH_TIMEOUT_MS = 5000;
/** How long a call (`add`, the schedule and dead-letter calls, `process`'s start) waits for Redis before it rejects with SFR4360. */
const CALL_TIMEOUT_MS = 5000;
/**
 * After `Processing.close(timeoutMs)`'s wait, how long handing the abandoned jobs back and closing the
 * worker may take before its connections are cut (a job not handed back is then found by the stall
 * check). `close(timeoutMs)` returns within `timeoutMs` plus this margin, whatever Redis does.
 */
const CLOSE_MARGIN_MS = 500;
/** A look of `outcome` may take this long even at a deadline of 0 (a job that ended answers at once). */
const LOOK_GRACE_MS = 250;
/** The longest pause between two attempts to reconnect to Redis (BullMQ's own default grows to 20 s). */
const RECONNECT_MAX_MS = 1000;
const SWEEP_BATCH = 100;
const SWEEP_ROUNDS = 100;
/** Completed jobs removed per call of a trim, and calls per trim. */
const TRIM_BATCH = 1000;
const TRIM_ROUNDS = 100;

const REASONS: readonly TaskFailure['reason'][] = [
  'error',
  'time-limit',
  'invalid-args',
  'invalid-result',
  'stalled',
  'previous-step',
  'unknown-task',
];
const REASON_PREFIX = /^\[([a-z-]+)\] /;
/**
 * Makes a parent that is waiting, prioritised or delayed wait for the children it has got (`parent`):
 * BullMQ adds the child to its dependencies but leaves it where it is, so it would run first and fail
 * (`pending dependencies`). Moved to waiting-children, it is moved back by BullMQ when its last child
 * completes, then after what was left of its delay; a failed child fails it (`failParentOnFailure`).
 * KEYS: wait, prioritized, delayed, waiting-children, the job's key. ARGV: job id, now (ms).
 */
const HOLD_PARENT_SCRIPT = `
if redis.call('SCARD', KEYS[5] .. ':dependencies') == 0 then return 0 end
local id = ARGV[1]
local now = tonumber(ARGV[2])
local held = redis.call('LREM', KEYS[1], 1, id) > 0 or redis.call('ZREM', KEYS[2], id) > 0
if not held then
  local score = redis.call('ZSCORE', KEYS[3], id)
  if not score then return 0 end
  redis.call('ZREM', KEYS[3], id)
  redis.call('HSET', KEYS[5], 'delay', math.max(math.floor(tonumber(score) / 4096) - now, 0))
end
redis.call('ZADD', KEYS[4], now, id)
return 1
`;

/** The states of a job that may take a child (`parent`): it has not run yet. */
const PARENT_STATES: ReadonlySet<string> = new Set(['waiting-children', 'waiting', 'prioritized', 'delayed']);
const STALLED_MESSAGE = 'job stalled more than allowable limit';
const CHILD_FAILED = /^child (.+) failed$/;
/** How deep a `previous-step` message names its failed child's child (a chain's steps). */
const MAX_CHILD_DEPTH = 20;

/** A failed BullMQ job's failure: the `[reason] ` prefix the processor wrote, or what BullMQ wrote. */
export function failureOf(failedReason: string | undefined, attemptsMade: number, attemptsStarted = 0): TaskFailure {
  const message = failedReason ?? '';
  const prefixed = REASON_PREFIX.exec(message);
  if (prefixed && (REASONS as readonly string[]).includes(prefixed[1]!))
    return {
      reason: prefixed[1] as TaskFailure['reason'],
      message: message.slice(prefixed[0].length),
      attempts: attemptsMade,
    };
  if (message === STALLED_MESSAGE)
    return { reason: 'stalled', message, attempts: Math.max(attemptsMade, attemptsStarted) };
  // BullMQ fails such a parent when it takes it (a deferred failure), which counts an attempt that ran
  // nothing: the attempts it made are one fewer.
  if (CHILD_FAILED.test(message)) return { reason: 'previous-step', message, attempts: Math.max(0, attemptsMade - 1) };
  return { reason: 'error', message, attempts: attemptsMade };
}

/** The message BullMQ stores for a processor's error: `[reason] message`. */
function storedMessage(error: unknown): string {
  if (error instanceof TaskJobError) return `[${error.reason}] ${error.message}`;
  return `[error] ${error instanceof Error ? error.message : String(error)}`;
}

/** BullMQ's backoff strategy: the delay before run `attemptsMade + 1` is `retryDelay(policy, attemptsMade)`. */
export function specFirstBackoff(
  attemptsMade: number,
  _type?: string,
  _error?: Error,
  job?: { opts: JobsOptions },
): number {
  const backoff = job?.opts.backoff as Partial<SpecFirstBackoff> | number | undefined;
  if (typeof backoff !== 'object' || backoff.policy === undefined) return 0;
  return retryDelay(backoff.policy, attemptsMade);
}

function unreachable(url: string, cause: unknown): SpecFirstRuntimeError {
  const error = new SpecFirstRuntimeError(
    'SFR4360',
    `the BullMQ task backend cannot reach Redis at ${redactUrl(url)} (${cause instanceof Error ? cause.message : String(cause)})`,
    'start one (`redis-server --daemonize yes --bind 127.0.0.1 --port 6379`) or set REDIS_URL to a Redis that runs; check with `redis-cli -u "$REDIS_URL" ping`',
  );
  (error as { cause?: unknown }).cause = cause;
  return error;
}

function closedError(): SpecFirstRuntimeError {
  return new SpecFirstRuntimeError(
    'SFR4361',
    'the BullMQ task backend is closed',
    'close the backend after the workers and producers that use it (`worker.stop()` first), or make another with bullmqTaskBackend()',
  );
}

function redactUrl(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//***@');
}

function checkOptions(options: BullmqTaskBackendOptions): void {
  const positive: [keyof BullmqTaskBackendOptions, unknown][] = [
    ['stalledIntervalMs', options.stalledIntervalMs],
    ['maxStalledCount', options.maxStalledCount],
    ['lockDurationMs', options.lockDurationMs],
    ['sweepIntervalMs', options.sweepIntervalMs],
    ['keepCompleted.count', options.keepCompleted?.count],
    ['keepCompleted.ageMs', options.keepCompleted?.ageMs],
  ] as [keyof BullmqTaskBackendOptions, unknown][];
  for (const [name, value] of positive) {
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < (name === 'maxStalledCount' ? 0 : 1))
      throw new SpecFirstRuntimeError(
        'SFR4362',
        `bullmqTaskBackend option \`${name}\` is ${JSON.stringify(value)}`,
        `pass a ${name === 'maxStalledCount' ? 'non-negative' : 'positive'} integer, or leave it out for the default`,
      );
  }
  if (options.prefix !== undefined && (options.prefix === '' || options.prefix.includes(':')))
    throw new SpecFirstRuntimeError(
      'SFR4362',
      `bullmqTaskBackend option \`prefix\` is ${JSON.stringify(options.prefix)}`,
      'pass a non-empty prefix without `:` (BullMQ adds its own separators), or leave it out for `bull`',
    );
}

/** A lost or refused connection (ioredis gave up on a command), as opposed to a refusal of BullMQ's. */
function isConnectionError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  return (
    !isNotConnectionError(error) ||
    /max retries per request|ECONNRESET|ETIMEDOUT|EPIPE|Stream isn't writeable|Connection is closed/i.test(
      error.message,
    )
  );
}

/**
 * Settles as `work` does, or after `ms` as `late()` says (its value, or its throw), whichever comes
 * first. `work` goes on: a rejection it has later is ignored.
 */
async function within<T>(work: Promise<T>, ms: number, late: () => T): Promise<T> {
  work.catch(() => undefined);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<T>((resolve, reject) => {
    timer = setTimeout(
      () => {
        try {
          resolve(late());
        } catch (error) {
          reject(error instanceof Error ? error : new Error(String(error)));
        }
      },
      Math.max(0, ms),
    );
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Rejects when BullMQ refused a job (an id with `:`, an integer id, a priority out of range). */
function refused(cause: unknown, what: string): SpecFirstRuntimeError {
  const error = new SpecFirstRuntimeError(
    'SFR4364',
    `BullMQ refused ${what}: ${cause instanceof Error ? cause.message : String(cause)}`,
    'job ids must not contain `:` nor be integers, priorities are integers from 1 to 2097151; nothing was added',
  );
  (error as { cause?: unknown }).cause = cause;
  return error;
}

interface InFlight {
  job: Job;
  token: string | undefined;
  /** Stops waiting for the processor: the job goes back to `wait`. */
  abandon(): void;
}

/**
 * The {@link TaskBackend} on BullMQ. `connection`: a Redis URL, or options. Call `close()` when done:
 * it closes every queue, worker and event stream it opened, so that the process can exit.
 */
export function bullmqTaskBackend(connection: string | BullmqTaskBackendOptions = {}): TaskBackend {
  const options: BullmqTaskBackendOptions = typeof connection === 'string' ? { url: connection } : connection;
  checkOptions(options);
  const url = options.url ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const prefix = options.prefix ?? 'bull';
  const keep = options.keepCompleted ?? { count: 10_000, ageMs: 24 * 60 * 60 * 1000 };
  const sweepIntervalMs = options.sweepIntervalMs ?? 5000;
  const retryStrategy = (times: number): number => Math.min(times * 100, RECONNECT_MAX_MS);
  /** Workers' connections, made by BullMQ: commands wait for Redis to come back (BullMQ's advice for workers). */
  const workerConnection = { url, connectTimeout: REACH_TIMEOUT_MS, maxRetriesPerRequest: null, retryStrategy };
  const onError = (source: string) => (error: unknown) => {
    // The next call asks Redis again instead of trusting an earlier PING.
    reachable = undefined;
    options.logger?.warn({ code: 'SFR4360', source, error: String(error) }, 'BullMQ connection error');
  };
  /** The connections this backend made itself: cut at `close()`, whatever Redis does. */
  const clients = new Set<Redis>();
  /**
   * A connection of ours. A producer's (every queue and the flow producer share one) fails a command at
   * once while Redis is away (no offline queue, no retry): `add` rejects instead of waiting for Redis,
   * and never adds a job later that it said it could not add. An event stream's waits for Redis.
   */
  function redisClient(kind: 'producer' | 'events', source: string): Redis {
    const client = new Redis(url, {
      connectTimeout: REACH_TIMEOUT_MS,
      retryStrategy,
      ...(kind === 'producer'
        ? { maxRetriesPerRequest: 0, enableOfflineQueue: false }
        : { maxRetriesPerRequest: null }),
    });
    client.on('error', onError(source));
    clients.add(client);
    return client;
  }
  let producerClient: Redis | undefined;
  const producer = (): Redis => (producerClient ??= redisClient('producer', 'producer'));

  let closed = false;
  let reachable: Promise<void> | undefined;
  const queues = new Map<string, Queue>();
  /** One QueueEvents per queue, made on the first `outcome`: `ready` resolves once it reads. */
  const events = new Map<string, Promise<QueueEvents>>();
  const eventsCreated = new Map<string, QueueEvents>();
  const waiters = new Map<string, Set<() => void>>();
  const processings = new Set<{ close(timeoutMs: number): Promise<void> }>();
  let flows: FlowProducer | undefined;

  /** Resolves when Redis answers a PING (once); else rejects with SFR4360, and the next call tries again. */
  function ready(): Promise<void> {
    if (closed) return Promise.reject(closedError());
    reachable ??= (async () => {
      const probe = new Redis(url, {
        lazyConnect: true,
        maxRetriesPerRequest: 0,
        connectTimeout: REACH_TIMEOUT_MS,
        retryStrategy: () => null,
      });
      let lastError: unknown;
      probe.on('error', (error: unknown) => (lastError = error));
      try {
        await probe.connect();
        await probe.ping();
      } catch (error) {
        throw unreachable(url, lastError ?? error);
      } finally {
        probe.disconnect();
      }
    })();
    const attempt = reachable;
    attempt.catch(() => {
      if (reachable === attempt) reachable = undefined;
    });
    return attempt;
  }

  function queue(name: string): Queue {
    if (closed) throw closedError();
    let found = queues.get(name);
    if (!found) {
      found = new Queue(name, { connection: producer(), prefix });
      found.on('error', onError(`queue ${name}`));
      queues.set(name, found);
    }
    return found;
  }

  function flowProducer(): FlowProducer {
    if (!flows) {
      flows = new FlowProducer({ connection: producer(), prefix });
      flows.on('error', onError('flow producer'));
    }
    return flows;
  }

  function waiterKey(queueName: string, id: string): string {
    return `${queueName}\u0000${id}`;
  }

  function wake(queueName: string, id: string): void {
    const set = waiters.get(waiterKey(queueName, id));
    if (set) for (const resolve of [...set]) resolve();
  }

  function queueEvents(name: string): Promise<QueueEvents> {
    let found = events.get(name);
    if (!found) {
      const created = new QueueEvents(name, { connection: redisClient('events', `queue events ${name}`), prefix });
      created.on('error', onError(`queue events ${name}`));
      created.on('completed', ({ jobId }) => wake(name, jobId));
      created.on('failed', ({ jobId }) => wake(name, jobId));
      created.on('removed', ({ jobId }) => wake(name, jobId));
      found = created.waitUntilReady().then(() => created);
      // Kept even when it rejects: close() closes it.
      events.set(name, found);
      found.catch(() => undefined);
      eventsCreated.set(name, created);
    }
    return found;
  }
  function jobOptions(spec: Pick<JobSpec, 'retry' | 'jobId' | 'delayMs' | 'priority'>): JobsOptions {
    const backoff: SpecFirstBackoff = { type: BACKOFF_TYPE, delay: spec.retry.delayMs, policy: spec.retry };
    return {
      attempts: Math.max(1, spec.retry.attempts),
      // Ids of ours, never BullMQ's counter: a dead letter keeps its job's id, and BullMQ refuses integer ids.
      jobId: spec.jobId ?? randomUUID(),
      backoff,
      // Completed jobs stay until the workers' sweep trims them to keepCompleted (BullMQ's removeOnComplete
      // would trim on every completion: three more Redis commands per job); failed jobs stay until
      // dead-lettered. Both are BullMQ's defaults, so the options say nothing of them.
      ...(spec.delayMs === undefined || spec.delayMs <= 0 ? {} : { delay: spec.delayMs }),
      ...(spec.priority === undefined ? {} : { priority: spec.priority }),
    };
  }

  /** Makes the job a child of `parent`, which its failure fails (`previous-step`), as a flow's children. */
  function withParent(opts: JobsOptions, parent: { id: string; queue: string }): void {
    opts.parent = { id: parent.id, queue: `${prefix}:${parent.queue}` };
    opts.failParentOnFailure = true;
  }

  /** A job spec as a BullMQ flow; its children's keys are kept in order in its options (`sfChildren`). */
  function toFlow(spec: JobSpec, isChild: boolean): FlowJob {
    const opts: JobsOptions = jobOptions(spec);
    if (isChild) opts.failParentOnFailure = true;
    if (spec.parent) withParent(opts, spec.parent);
    const flow: FlowJob = { name: spec.name, queueName: spec.queue, data: spec.data, opts };
    if (spec.children && spec.children.length > 0) {
      const children = spec.children.map((child) => toFlow(child, true));
      // The children's order, for childrenResults(): kept in the parent's own options.
      (opts as JobsOptions & { sfChildren?: string[] }).sfChildren = children.map(
        (child) => `${prefix}:${child.queueName}:${child.opts!.jobId!}`,
      );
      return { ...flow, children } as FlowJob;
    }
    return flow;
  }

  /**
   * Whether a job with this spec's id is there already, so that adding it must add nothing: on its
   * dead-letter queue (BullMQ cannot know), or, for a flow, on its queue (BullMQ would keep the
   * existing root but still add the children under it). A plain job's id BullMQ checks itself, atomically.
   */
  /**
   * Refuses (SFR4302) a spec, or a child of it, whose job id is taken on its queue by a job or dead
   * letter of another task: its handle would answer that task's outcome.
   */
  async function checkTakenIds(spec: JobSpec): Promise<void> {
    if (spec.jobId !== undefined) {
      // The producers' connection, once ready (it fails a command at once before).
      await queue(spec.queue).waitUntilReady();
      const client = producer();
      const [live, dead] = await Promise.all([
        client.hget(queue(spec.queue).toKey(spec.jobId), 'name'),
        client.hget(queue(deadLetterQueueName(spec.queue)).toKey(spec.jobId), 'name'),
      ]);
      const task = live ?? dead;
      if (task !== null && task !== spec.name) throw jobIdTakenError(spec, task);
    }
    for (const child of spec.children ?? []) await checkTakenIds(child);
  }

  async function alreadyThere(spec: JobSpec): Promise<boolean> {
    if (spec.jobId === undefined) return false;
    if (spec.children && spec.children.length > 0 && (await queue(spec.queue).getJobState(spec.jobId)) !== 'unknown')
      return true;
    return (await queue(deadLetterQueueName(spec.queue)).getJob(spec.jobId)) !== undefined;
  }

  /**
   * Runs a call against Redis within {@link CALL_TIMEOUT_MS}: past it, or when Redis refused the
   * connection, it rejects with SFR4360 (and the next call asks Redis again). `late()` tells the call
   * that its caller was answered already, so that it starts nothing more.
   */
  async function reaching<T>(call: (late: () => boolean) => Promise<T>): Promise<T> {
    let isLate = false;
    try {
      return await within(
        (async () => {
          await ready();
          return call(() => isLate);
        })(),
        CALL_TIMEOUT_MS,
        () => {
          isLate = true;
          throw unreachable(url, new Error(`no answer within ${CALL_TIMEOUT_MS} ms`));
        },
      );
    } catch (error) {
      if (error instanceof SpecFirstRuntimeError) {
        if (error.code === 'SFR4360') reachable = undefined;
        throw error;
      }
      if (isConnectionError(error)) {
        reachable = undefined;
        throw unreachable(url, error);
      }
      throw error;
    }
  }

  function add(jobs: JobSpec[]): Promise<string[]> {
    try {
      checkDistinctJobIds(jobs);
    } catch (error) {
      return Promise.reject(error as Error);
    }
    return reaching((late) => addJobs(jobs, late));
  }

  async function addJobs(jobs: JobSpec[], late: () => boolean): Promise<string[]> {
    // BullMQ's flows do not check a parent that is named by id: a child of a job that runs, ended or
    // is not there would wait for no one (as the memory backend, only a job yet to run takes a child).
    for (const spec of jobs) {
      if (!spec.parent) continue;
      const state = await queue(spec.parent.queue).getJobState(spec.parent.id);
      if (!PARENT_STATES.has(state)) {
        const dead =
          state === 'unknown' &&
          (await queue(deadLetterQueueName(spec.parent.queue)).getJob(spec.parent.id)) !== undefined;
        const what =
          state === 'unknown'
            ? dead
              ? 'is dead-lettered'
              : 'does not exist'
            : `is ${state === 'active' ? 'running' : state === 'failed' ? 'failed (dead-lettered)' : state} and waits for no child any more`;
        throw new SpecFirstRuntimeError(
          'SFR4366',
          `the parent \`${spec.parent.id}\` on queue \`${spec.parent.queue}\` of job \`${spec.name}\` ${what}`,
          'give the handle of a job that is waiting, delayed or waiting for its children (not running, completed or dead-lettered); nothing was added',
        );
      }
    }
    for (const spec of jobs) await checkTakenIds(spec);
    // Only a job with an id of the caller's can be there already (no lookups for the others).
    const dead = jobs.some((job) => job.jobId !== undefined)
      ? await Promise.all(jobs.map((job) => alreadyThere(job)))
      : jobs.map(() => false);
    const fresh = jobs.filter((_, index) => !dead[index]);
    // Connected first, then added: a call answered SFR4360 (late) must not add its jobs when Redis is back.
    const single = fresh.length === 1 && !(fresh[0]!.children && fresh[0]!.children.length > 0);
    if (single) await queue(fresh[0]!.queue).waitUntilReady();
    else if (fresh.length > 0) await flowProducer().waitUntilReady();
    if (late()) return [];
    let added: string[] = [];
    try {
      if (single) {
        const spec = fresh[0]!;
        const opts = jobOptions(spec);
        if (spec.parent) withParent(opts, spec.parent);
        const job = await queue(spec.queue).add(spec.name, spec.data, opts);
        added = [job.id!];
      } else if (fresh.length > 0) {
        // One MULTI for every flow: all are added, or none.
        const nodes = await flowProducer().addBulk(fresh.map((spec) => toFlow(spec, false)));
        added = nodes.map((node) => node.job.id!);
      }
    } catch (error) {
      if (error instanceof SpecFirstRuntimeError) throw error;
      if (isConnectionError(error)) throw unreachable(url, error);
      throw refused(error, jobs.length === 1 ? `job \`${jobs[0]!.name}\`` : `${jobs.length} jobs`);
    }
    for (const spec of fresh) if (spec.parent) await holdParent(spec.parent);
    let next = 0;
    return jobs.map((job, index) => (dead[index] ? job.jobId! : added[next++]!));
  }

  /** Makes a parent yet to run wait for the child just added to it ({@link HOLD_PARENT_SCRIPT}). */
  async function holdParent(parent: { id: string; queue: string }): Promise<void> {
    const keys = queue(parent.queue).keys;
    await producer().eval(
      HOLD_PARENT_SCRIPT,
      5,
      keys.wait!,
      keys.prioritized!,
      keys.delayed!,
      keys['waiting-children']!,
      queue(parent.queue).toKey(parent.id),
      parent.id,
      String(Date.now()),
    );
  }

  /**
   * A failed job's failure. BullMQ's message for a parent whose child failed is `child <key> failed`:
   * it becomes the child's task, id and failure, as the memory backend says it.
   */
  async function failureOfJob(job: Job, depth = 0): Promise<TaskFailure> {
    const failure = failureOf(job.failedReason, job.attemptsMade, job.attemptsStarted);
    if (failure.reason !== 'previous-step') return failure;
    return { ...failure, message: await childFailedMessage(failure.message, depth) };
  }

  async function childFailedMessage(message: string, depth: number): Promise<string> {
    const key = CHILD_FAILED.exec(message)?.[1];
    if (!key?.startsWith(`${prefix}:`)) return message;
    const rest = key.slice(prefix.length + 1);
    const cut = rest.lastIndexOf(':');
    if (cut <= 0) return message;
    const [childQueue, childId] = [rest.slice(0, cut), rest.slice(cut + 1)];
    const child = depth < MAX_CHILD_DEPTH ? await failedJob(childQueue, childId, depth + 1) : undefined;
    if (!child) return `its child job ${childId} (queue \`${childQueue}\`) failed`;
    return previousStepMessage({ task: child.task, id: childId, failure: child.failure });
  }

  /** A job that failed for good, in its queue's failed set or dead-lettered: its task and failure. */
  async function failedJob(
    queueName: string,
    id: string,
    depth: number,
  ): Promise<{ task: string; failure: TaskFailure } | undefined> {
    const job = await queue(queueName).getJob(id);
    if (job?.finishedOn && job.failedReason !== undefined && job.failedReason !== null)
      return { task: job.name, failure: await failureOfJob(job, depth) };
    const dead = await queue(deadLetterQueueName(queueName)).getJob(id);
    if (!dead) return undefined;
    const data = dead.data as DeadLetterData;
    return { task: data.task, failure: data.failure };
  }

  /** A job's end, if it has one now: completed, failed (in its queue, or dead-lettered). */
  async function lookup(queueName: string, id: string): Promise<TaskOutcome<unknown> | undefined> {
    // The state first, then the job: a job read before its state could predate the end the state tells.
    const state = await queue(queueName).getJobState(id);
    if (state === 'completed' || state === 'failed') {
      const job = await queue(queueName).getJob(id);
      if (job && state === 'completed') return { status: 'completed', result: job.returnvalue ?? null };
      if (job) return { status: 'failed', failure: await failureOfJob(job) };
    } else if (state !== 'unknown') return undefined;
    // Not (or no longer) on its queue: dead-lettered, or not there at all.
    const dead = await queue(deadLetterQueueName(queueName)).getJob(id);
    if (dead) return { status: 'failed', failure: (dead.data as DeadLetterData).failure };
    return undefined;
  }

  /**
   * Waits for a job's end until `timeoutMs`, then answers `unfinished`, whatever Redis does: while it
   * is away (or not reached yet), each look fails at once or is given up at the deadline, and the
   * waiter looks again every {@link OUTCOME_POLL_MS}.
   */
  async function outcome(queueName: string, id: string, timeoutMs: number): Promise<TaskOutcome<unknown>> {
    const deadline = Date.now() + Math.max(0, timeoutMs);
    // Not waited for: it wakes the waiters once it reads; until then (Redis away), they poll.
    void queueEvents(queueName);
    const key = waiterKey(queueName, id);
    for (let round = 0; round < 1_000_000; round++) {
      if (closed) return { status: 'unfinished' };
      let resolveWake!: () => void;
      const woken = new Promise<void>((resolve) => (resolveWake = resolve));
      let set = waiters.get(key);
      if (!set) waiters.set(key, (set = new Set()));
      set.add(resolveWake);
      try {
        const found = await look(queueName, id, deadline);
        if (found) return found;
        const left = deadline - Date.now();
        if (left <= 0 || closed) return { status: 'unfinished' };
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([
          woken,
          new Promise<void>((resolve) => (timer = setTimeout(resolve, Math.min(left, OUTCOME_POLL_MS)))),
        ]);
        clearTimeout(timer);
      } finally {
        set.delete(resolveWake);
        if (set.size === 0 && waiters.get(key) === set) waiters.delete(key);
      }
    }
    return { status: 'unfinished' };
  }

  /** One look for a job's end, given up (undefined) at the deadline or when Redis is away. */
  async function look(queueName: string, id: string, deadline: number): Promise<TaskOutcome<unknown> | undefined> {
    try {
      return await within(lookup(queueName, id), Math.max(deadline - Date.now(), LOOK_GRACE_MS), () => undefined);
    } catch (error) {
      if (!isConnectionError(error)) throw error;
      reachable = undefined;
      return undefined;
    }
  }

  /** Moves a job that failed for good to its dead-letter queue: add (same id; idempotent), then remove. */
  async function deadLetter(queueName: string, job: Job): Promise<void> {
    const backoff = job.opts.backoff as Partial<SpecFirstBackoff> | undefined;
    const failure = await failureOfJob(job);
    const data: DeadLetterData = {
      task: job.name,
      data: await deadLetterData(job, failure),
      failure,
      failedAt: job.finishedOn ?? Date.now(),
      ...(typeof backoff === 'object' && backoff.policy ? { retry: backoff.policy } : {}),
      ...(job.opts.priority ? { priority: job.opts.priority } : {}),
    };
    await queue(deadLetterQueueName(queueName)).add(job.name, data, { jobId: job.id!, removeOnComplete: true });
    // A parent's children are not removed with it: a failed child is dead-lettered on its own.
    await queue(queueName).remove(job.id!, { removeChildren: false });
    wake(queueName, job.id!);
    await failParentNow(job);
  }

  /**
   * A parent that {@link holdParent} held with a delay still to wait, whose child failed: BullMQ moves it
   * to `delayed` with its failure deferred to when it is taken; it fails now instead, as a parent in
   * a flow does.
   */
  async function failParentNow(child: Job): Promise<void> {
    const parent = child.parent;
    if (parent?.id === undefined || !parent.queueKey.startsWith(`${prefix}:`)) return;
    const parentJob = await queue(parent.queueKey.slice(prefix.length + 1)).getJob(parent.id);
    if (!parentJob?.deferredFailure || !(await parentJob.isDelayed())) return;
    // Taken meanwhile (its delay ended): it fails when it runs, as it would have.
    await parentJob.promote().catch(() => undefined);
  }

  /**
   * What a dead letter keeps of a job's data: as enqueued, but for a chain's later step that ran (it
   * did not fail as `previous-step`), the previous result it received becomes its args, so that
   * retried after a fix it runs alone with them (as the memory backend's).
   */
  async function deadLetterData(job: Job, failure: TaskFailure): Promise<TaskJobData> {
    const { fromPrevious, ...data } = job.data as TaskJobData;
    if (fromPrevious !== true || failure.reason === 'previous-step') return job.data as TaskJobData;
    const values = await job.getChildrenValues();
    const [first] = childKeys(job, values);
    if (first === undefined || !(first in values)) return job.data as TaskJobData;
    return { ...data, args: values[first] };
  }

  /**
   * Trims the queue's completed set to `keepCompleted`: none finished more than `ageMs` ago, and
   * only the newest `count`. Both are a finish time (the count's: the finish of the newest job beyond
   * it), so that workers trimming at once remove the same jobs. Bounded: {@link TRIM_ROUNDS} ×
   * {@link TRIM_BATCH} jobs per call, the rest at the next sweep.
   */
  async function trimCompleted(queueName: string): Promise<void> {
    const completed = queue(queueName);
    let cutoff = Date.now() - keep.ageMs;
    const [beyond] = await completed.getJobs(['completed'], keep.count, keep.count, false);
    if (typeof beyond?.finishedOn === 'number') cutoff = Math.max(cutoff, beyond.finishedOn);
    for (let round = 0; round < TRIM_ROUNDS; round++) {
      const removed = await completed.clean(Math.max(0, Date.now() - cutoff), TRIM_BATCH, 'completed');
      if (removed.length < TRIM_BATCH) return;
    }
  }

  /** Dead-letters every job of the queue's failed set (bounded); returns how many. */
  async function sweep(queueName: string, logger: Logger): Promise<number> {
    let moved = 0;
    for (let round = 0; round < SWEEP_ROUNDS; round++) {
      const failed = await queue(queueName).getFailed(0, SWEEP_BATCH - 1);
      if (failed.length === 0) break;
      for (const job of failed) {
        try {
          await deadLetter(queueName, job);
          moved++;
        } catch (error) {
          logger.warn(
            { code: 'SFR4365', queue: queueName, jobId: job.id, error: String(error) },
            'a failed job could not be dead-lettered; the next sweep tries again',
          );
          return moved;
        }
      }
      if (failed.length < SWEEP_BATCH) break;
    }
    return moved;
  }

  /** A job's children's keys: those it was added with, in their order, then those that joined later (`parent`). */
  function childKeys(job: Job, values: Record<string, unknown>): string[] {
    const order = (job.opts as JobsOptions & { sfChildren?: string[] }).sfChildren ?? [];
    const later = Object.keys(values).filter((key) => !order.includes(key));
    return [...order, ...later];
  }

  function toActiveJob(job: Job): ActiveJob {
    return {
      id: job.id!,
      queue: job.queueName,
      name: job.name,
      // Not a copy: the worker validates a copy of the args (defaults applied there), so the data
      // stays as enqueued for the job's dead letter.
      data: job.data as TaskJobData,
      attempt: job.attemptsMade + 1,
      enqueuedAt: job.timestamp,
      async childrenResults() {
        const values = await job.getChildrenValues();
        return childKeys(job, values).map((key) => values[key] ?? null);
      },
    };
  }

  async function processQueue(
    queueName: string,
    processor: JobProcessor,
    processOptions: { concurrency: number; logger: Logger },
  ): Promise<Processing> {
    await reaching(() => Promise.resolve());
    const { logger } = processOptions;
    const inFlight = new Set<InFlight>();
    const moves = new Set<Promise<void>>();
    let stopping = false;

    const worker = new Worker(
      queueName,
      async (job: Job, token?: string, signal?: AbortSignal): Promise<unknown> => {
        const entry: InFlight = { job, token, abandon: () => undefined };
        inFlight.add(entry);
        try {
          const run = processor(toActiveJob(job), signal ?? new AbortController().signal);
          // One promise per job: the processor's outcome, or ABANDONED when close() stops waiting
          // (a processor that settles later settles unobserved).
          const settled = await new Promise<unknown>((resolve, reject) => {
            entry.abandon = () => reject(ABANDONED);
            run.then(resolve, reject);
          });
          return settled ?? null;
        } catch (error) {
          if (error === ABANDONED) {
            // close() gave up waiting: the job goes back to wait (no attempt, no stall counted).
            await job.moveToWait(token);
            throw new WaitingError();
          }
          if (error instanceof TaskJobError && !error.retry) throw new UnrecoverableError(storedMessage(error));
          const stored = new Error(storedMessage(error));
          if (error instanceof Error && error.stack) stored.stack = error.stack;
          throw stored;
        } finally {
          inFlight.delete(entry);
        }
      },
      {
        connection: workerConnection,
        prefix,
        concurrency: processOptions.concurrency,
        autorun: false,
        ...(options.stalledIntervalMs === undefined ? {} : { stalledInterval: options.stalledIntervalMs }),
        ...(options.maxStalledCount === undefined ? {} : { maxStalledCount: options.maxStalledCount }),
        ...(options.lockDurationMs === undefined ? {} : { lockDuration: options.lockDurationMs }),
        settings: { backoffStrategy: specFirstBackoff },
      },
    );
    worker.on('error', (error) =>
      logger.warn({ code: 'SFR4360', queue: queueName, error: String(error) }, 'the BullMQ worker hit an error'),
    );
    worker.on('failed', (job) => {
      // Also called for attempts that will be retried: only a job in the failed set (finishedOn) is dead.
      if (!job || job.finishedOn === undefined || job.finishedOn === null) return;
      const move = deadLetter(queueName, job).catch((error: unknown) =>
        logger.warn(
          { code: 'SFR4365', queue: queueName, jobId: job.id, error: String(error) },
          'a failed job could not be dead-lettered now; the sweep will',
        ),
      );
      moves.add(move);
      void move.finally(() => moves.delete(move));
    });

    const runSweep = () => {
      const swept = Promise.all([
        sweep(queueName, logger).catch((error: unknown) =>
          logger.warn({ code: 'SFR4365', queue: queueName, error: String(error) }, 'sweeping failed jobs failed'),
        ),
        trimCompleted(queueName).catch((error: unknown) =>
          logger.warn(
            { code: 'SFR4360', queue: queueName, error: String(error) },
            'trimming completed jobs failed; the next sweep tries again',
          ),
        ),
      ]).then(() => undefined);
      moves.add(swept);
      void swept.finally(() => moves.delete(swept));
      return swept;
    };
    // Bounded: a sweep that Redis holds up goes on, and close() waits for it (within its margin).
    await within(runSweep(), CALL_TIMEOUT_MS, () => undefined);
    const sweeper = setInterval(() => {
      if (!stopping) void runSweep();
    }, sweepIntervalMs);
    sweeper.unref();

    void worker
      .run()
      .catch((error: unknown) =>
        logger.error({ code: 'SFR4360', queue: queueName, error: String(error) }, 'the BullMQ worker stopped'),
      );
    const connected = await within(
      worker.waitUntilReady().then(() => true),
      CALL_TIMEOUT_MS,
      () => false,
    );
    if (!connected || closed) {
      stopping = true;
      clearInterval(sweeper);
      void worker.close(true).catch(() => undefined);
      void worker.disconnect().catch(() => undefined);
      if (closed) throw closedError();
      reachable = undefined;
      throw unreachable(
        url,
        new Error(`the worker of queue \`${queueName}\` did not connect within ${CALL_TIMEOUT_MS} ms`),
      );
    }

    let closing: Promise<void> | undefined;
    const processing = {
      close(timeoutMs: number): Promise<void> {
        closing ??= (async () => {
          stopping = true;
          clearInterval(sweeper);
          const workerClosed = worker.close();
          let timer: NodeJS.Timeout | undefined;
          const timedOut = await Promise.race([
            workerClosed.then(() => false),
            new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), Math.max(0, timeoutMs)))),
          ]);
          clearTimeout(timer);
          // Counted from here, whatever Redis does: the hand-back, the worker's close and the moves under way.
          const margin = Date.now() + CLOSE_MARGIN_MS;
          if (timedOut) {
            const reason = new SpecFirstRuntimeError(
              'SFR4363',
              `a job of queue \`${queueName}\` was still running when close() stopped waiting after ${timeoutMs} ms`,
              'the job goes back to its queue and runs again; give stop() a longer shutdownTimeoutMs, or make the handler follow its signal',
            );
            // Abandoned first, so that a processor rejecting at the abort does not fail its job instead.
            for (const entry of inFlight) entry.abandon();
            worker.cancelAllJobs(reason as unknown as string);
          }
          const settled = await within(
            Promise.allSettled([workerClosed, ...moves]).then(() => true),
            margin - Date.now(),
            () => false,
          );
          if (!settled) {
            if (inFlight.size > 0)
              logger.warn(
                { code: 'SFR4363', queue: queueName, jobs: [...inFlight].map((entry) => entry.job.id) },
                'jobs could not be handed back to the queue in time; BullMQ’s stall check will',
              );
            // Redis is away or slow: cut the worker's connections rather than wait for it.
            void worker.disconnect().catch(() => undefined);
          }
          processings.delete(processing);
        })();
        return closing;
      },
    };
    processings.add(processing);
    return processing;
  }

  async function upsertSchedule(schedule: ScheduleSpec): Promise<void> {
    // A scheduler names its jobs itself (`repeat:<id>:<time>`).
    const { jobId: _ignored, ...opts } = jobOptions({ retry: schedule.retry });
    await queue(schedule.queue).upsertJobScheduler(
      schedule.id,
      { pattern: schedule.pattern },
      { name: schedule.task, data: schedule.data, opts },
    );
  }

  async function scheduleIds(queueName: string): Promise<string[]> {
    const schedulers = await queue(queueName).getJobSchedulers(0, -1, true);
    return schedulers.map((scheduler) => scheduler.id ?? scheduler.key).sort();
  }

  async function removeSchedule(queueName: string, id: string): Promise<void> {
    await queue(queueName).removeJobScheduler(id);
  }

  async function listDeadLetters(queueName: string, listOptions: { limit?: number } = {}): Promise<DeadLetterJob[]> {
    const limit = Math.max(0, Math.floor(listOptions.limit ?? 1000));
    if (limit === 0) return [];
    const jobs = await queue(deadLetterQueueName(queueName)).getJobs(['waiting', 'prioritized'], 0, limit - 1, true);
    return jobs
      .map((job) => {
        const data = job.data as DeadLetterData;
        return {
          id: job.id!,
          queue: queueName,
          task: data.task,
          data: data.data,
          failure: data.failure,
          failedAt: data.failedAt,
        };
      })
      .sort((a, b) => a.failedAt - b.failedAt)
      .slice(0, limit);
  }

  async function retryDeadLetter(queueName: string, id: string): Promise<boolean> {
    const dlq = queue(deadLetterQueueName(queueName));
    const dead = await dlq.getJob(id);
    if (!dead) return false;
    const data = dead.data as DeadLetterData;
    // It never ran, and alone it has no args (a chain's later step takes the previous result).
    if (data.failure.reason === 'previous-step')
      throw new TaskRetryError({ queue: queueName, id, task: data.task, failure: data.failure });
    const retry: IRRetryPolicy = data.retry ?? { attempts: 1, backoff: 'fixed', delayMs: 0 };
    const original = await queue(queueName).getJob(id);
    if (original && (await original.getState()) === 'failed') {
      // Killed between the two steps of a move: the original is still there, failed. Run it again.
      await original.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
    } else {
      await queue(queueName).add(data.task, data.data, {
        ...jobOptions({ retry, jobId: id, ...(data.priority ? { priority: data.priority } : {}) }),
      });
    }
    await dead.remove();
    wake(queueName, id);
    return true;
  }

  async function close(): Promise<void> {
    if (closed) return;
    closed = true;
    // Waiters answer `unfinished` at once.
    for (const set of waiters.values()) for (const resolve of set) resolve();
    // Each bounded by CLOSE_MARGIN_MS; then the rest gets one margin more, and the connections are cut.
    await Promise.allSettled([...processings].map((processing) => processing.close(0)));
    await within(
      Promise.allSettled([
        ...[...queues.values()].map((q) => q.close()),
        ...[...eventsCreated.values()].map((e) => e.close()),
        ...(flows ? [flows.close()] : []),
      ]),
      CLOSE_MARGIN_MS,
      () => [],
    );
    for (const client of clients) client.disconnect();
    clients.clear();
    queues.clear();
    events.clear();
    eventsCreated.clear();
  }

  const guard =
    <A extends unknown[], R>(fn: (...args: A) => Promise<R>) =>
    (...args: A): Promise<R> =>
      closed ? Promise.reject(closedError()) : fn(...args);

  /** Guarded, and bounded by {@link CALL_TIMEOUT_MS} (SFR4360 past it). */
  const bounded =
    <A extends unknown[], R>(fn: (...args: A) => Promise<R>) =>
    (...args: A): Promise<R> =>
      closed ? Promise.reject(closedError()) : reaching(() => fn(...args));

  return {
    add: guard(add),
    outcome: guard(outcome),
    process: guard(processQueue),
    upsertSchedule: bounded(upsertSchedule),
    scheduleIds: bounded(scheduleIds),
    removeSchedule: bounded(removeSchedule),
    listDeadLetters: bounded(listDeadLetters),
    retryDeadLetter: bounded(retryDeadLetter),
    close,
  };
}

const ABANDONED = Symbol('abandoned');
