/**
 * The in-process {@link TaskBackend}: BullMQ's semantics without Redis, the embedded default for
 * demos and unit tests. The contract suite (test/tasks/backend-contract.ts) runs the same cases
 * against it and against BullMQ.
 *
 * What it keeps, as BullMQ does:
 * - Order: jobs without a priority first, oldest first; then prioritised jobs, priority 1 first, the
 *   oldest first among equals. A delayed job (a `delayMs`, a retry's backoff) joins that order when
 *   its time comes.
 * - Dedup: a `jobId` that exists (waiting, delayed, waiting for children, running, completed and
 *   still kept, or dead-lettered) adds nothing and answers that id.
 * - Retries: a processor that rejects with a `TaskJobError` with `retry: true` (or with any other
 *   error: reason `error`) runs again after `retryDelay(spec.retry, attemptsMade)`; its last attempt,
 *   or a `TaskJobError` with `retry: false`, dead-letters the job with the error's reason.
 * - Flows: children run first and the parent waits; a dead-lettered child dead-letters its parent as
 *   `previous-step`.
 * - Schedules: cron patterns of 5 or 6 fields (cron-parser, local time, as BullMQ's job schedulers
 *   without `tz`); each fire adds one job, `repeat:<schedule id>:<fire time>`.
 * - Stalls: a job still running when `Processing.close(timeoutMs)` gives up waiting is aborted and
 *   goes back to the front of its queue, the attempt not counted.
 *
 * Retention: the last `keepCompleted` completed jobs of each queue (default 10 000) are kept, so a
 * later `outcome` still answers and their ids still deduplicate; older ones are forgotten (their
 * `outcome` is then `unfinished` after the wait, and their id may be used again). Dead letters are kept
 * until retried. Nothing persists beyond the process.
 *
 * Timers: one per delayed job and per schedule (unref'd: they keep no process alive), one per
 * waiting `outcome` (bounded by its `timeoutMs`); `close()` clears them all.
 */
import { CronExpressionParser } from 'cron-parser';
import type { IRRetryPolicy } from '@specfirst/spec-core';
import type { TaskJobData } from '@specfirst/spec-core/tasks';
import { SpecFirstRuntimeError } from '../errors.js';
import { MAX_TIMER_MS, retryDelay } from '../events/backoff.js';
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

export interface MemoryTaskBackendOptions {
  /** Completed jobs kept per queue, newest first, for `outcome` and dedup. Default 10 000. */
  keepCompleted?: number;
}

/** BullMQ's highest priority number (2^21). */
const MAX_PRIORITY = 2_097_152;
export const DEFAULT_KEEP_COMPLETED = 10_000;

type JobState = 'waiting' | 'delayed' | 'waiting-children' | 'active' | 'completed' | 'dead';

interface JobRef {
  queue: string;
  id: string;
}

interface MemoryJob {
  id: string;
  queue: string;
  name: string;
  data: TaskJobData;
  retry: IRRetryPolicy;
  /** 0: none (BullMQ's default). */
  priority: number;
  enqueuedAt: number;
  /** Not before this time (ms since the epoch). */
  runAt: number;
  attemptsMade: number;
  state: JobState;
  /** Bumped each time the job enters the ready order, so that stale entries of the order are skipped. */
  token: number;
  timer?: ReturnType<typeof setTimeout> | undefined;
  run?: Run | undefined;
  /** Its children, in the order they were given (then those added with `parent`). */
  children: JobRef[];
  /** Keys of the children that have not completed yet. */
  pending: Set<string>;
  /** Results of the completed children, by key. */
  results: Map<string, unknown>;
  /** The jobs waiting for it (one, unless a dedup made it the child of another flow as well). */
  parents: JobRef[];
  result?: unknown;
}

interface Dead {
  letter: DeadLetterJob;
  retry: IRRetryPolicy;
  priority: number;
  children: JobRef[];
  results: Map<string, unknown>;
}

interface Run {
  job: MemoryJob;
  worker: Worker;
  controller: AbortController;
  /** Given up by `close`: whatever the processor ends with is ignored (the job is back in the queue). */
  abandoned: boolean;
}

interface Worker {
  queue: Queue;
  processor: JobProcessor;
  concurrency: number;
  logger: Logger;
  runs: Set<Run>;
  closing: boolean;
  /** Called when the last run settles while `close` waits. */
  onIdle?: (() => void) | undefined;
  closed?: Promise<void>;
}

interface Schedule {
  spec: ScheduleSpec;
  /** The next fire time. */
  next: number;
  timer?: ReturnType<typeof setTimeout> | undefined;
}

interface Waiter {
  resolve(outcome: TaskOutcome<unknown>): void;
  timer: ReturnType<typeof setTimeout>;
}

interface Queue {
  name: string;
  /** Every live job: not dead-lettered, and if completed, still kept. */
  jobs: Map<string, MemoryJob>;
  /** Completed jobs, oldest first (insertion order), for retention. */
  completed: Map<string, MemoryJob>;
  /** Dead letters, oldest first (insertion order). */
  dead: Map<string, Dead>;
  /** Jobs without a priority, ready to run, oldest first. */
  waiting: Deque<Entry>;
  /** Prioritised jobs, ready to run. */
  prioritised: Heap;
  workers: Worker[];
  schedules: Map<string, Schedule>;
  waiters: Map<string, Set<Waiter>>;
  /** Last generated job id (BullMQ's ids: 1, 2, 3 … per queue). */
  counter: number;
}

interface Entry {
  job: MemoryJob;
  token: number;
  priority: number;
  seq: number;
}

/** The in-memory {@link TaskBackend}; see the module's documentation for what it keeps. */
export function memoryTaskBackend(options: MemoryTaskBackendOptions = {}): TaskBackend {
  const keepCompleted = options.keepCompleted ?? DEFAULT_KEEP_COMPLETED;
  if (!Number.isInteger(keepCompleted) || keepCompleted < 0)
    throw outOfRange(`keepCompleted must be a whole number, 0 or more; got ${String(keepCompleted)}`);

  const queues = new Map<string, Queue>();
  let closed = false;
  let seq = 0;

  function queueOf(name: string): Queue {
    let queue = queues.get(name);
    if (!queue) {
      queue = {
        name,
        jobs: new Map(),
        completed: new Map(),
        dead: new Map(),
        waiting: new Deque(),
        prioritised: new Heap(),
        workers: [],
        schedules: new Map(),
        waiters: new Map(),
        counter: 0,
      };
      queues.set(name, queue);
    }
    return queue;
  }

  function live(ref: JobRef): MemoryJob | undefined {
    return queues.get(ref.queue)?.jobs.get(ref.id);
  }

  function checkOpen(what: string): void {
    if (closed)
      throw new SpecFirstRuntimeError(
        'SFR4340',
        `${what} on a closed memory task backend`,
        'close the backend last (after the workers and producers that use it), or create another with memoryTaskBackend()',
      );
  }

  // -------------------------------------------------------------------------------------------
  // The ready order

  /** Puts a job where it runs next: delayed until `runAt`, else waiting (or prioritised); then hands out work. */
  function ready(job: MemoryJob, front = false): void {
    clearJobTimer(job);
    const now = Date.now();
    if (job.runAt > now) {
      job.state = 'delayed';
      armJobTimer(job, job.runAt - now);
      return;
    }
    job.state = 'waiting';
    job.token++;
    const queue = queueOf(job.queue);
    const entry: Entry = { job, token: job.token, priority: job.priority, seq: front ? -++seq : ++seq };
    if (job.priority === 0) {
      if (front) queue.waiting.unshift(entry);
      else queue.waiting.push(entry);
    } else queue.prioritised.push(entry);
    pump(queue);
  }

  function armJobTimer(job: MemoryJob, ms: number): void {
    job.timer = setTimeout(
      () => {
        job.timer = undefined;
        if (closed || job.state !== 'delayed') return;
        ready(job); // re-arms when the wait was longer than one timer holds
      },
      Math.min(ms, MAX_TIMER_MS),
    );
    job.timer.unref();
  }

  function clearJobTimer(job: MemoryJob): void {
    if (job.timer === undefined) return;
    clearTimeout(job.timer);
    job.timer = undefined;
  }

  /** The next job to run: the oldest without priority, else the prioritised one with the lowest number. */
  function takeNext(queue: Queue): MemoryJob | undefined {
    const current = (entry: Entry) => entry.job.state === 'waiting' && entry.job.token === entry.token;
    for (let entry = queue.waiting.shift(); entry; entry = queue.waiting.shift()) if (current(entry)) return entry.job;
    for (let entry = queue.prioritised.pop(); entry; entry = queue.prioritised.pop())
      if (current(entry)) return entry.job;
    return undefined;
  }

  /** Hands ready jobs to the queue's workers with a free slot, one each in turn, while there are both. */
  function pump(queue: Queue): void {
    if (closed) return;
    for (;;) {
      let started = false;
      for (const worker of queue.workers) {
        if (worker.closing || worker.runs.size >= worker.concurrency) continue;
        const job = takeNext(queue);
        if (!job) return;
        start(worker, job);
        started = true;
      }
      if (!started) return;
    }
  }

  // -------------------------------------------------------------------------------------------
  // Running

  function start(worker: Worker, job: MemoryJob): void {
    job.state = 'active';
    const run: Run = { job, worker, controller: new AbortController(), abandoned: false };
    job.run = run;
    worker.runs.add(run);
    const active: ActiveJob = {
      id: job.id,
      queue: job.queue,
      name: job.name,
      data: copy(job.data),
      attempt: job.attemptsMade + 1,
      enqueuedAt: job.enqueuedAt,
      childrenResults: () => childrenResults(job),
    };
    // A turn later, so that a processor that adds jobs at once does not re-enter `pump`.
    void Promise.resolve()
      .then(() => worker.processor(active, run.controller.signal))
      .then(
        (result) => settle(run, { ok: true, result }),
        (error: unknown) => settle(run, { ok: false, error }),
      );
  }

  function settle(run: Run, end: { ok: true; result: unknown } | { ok: false; error: unknown }): void {
    const { job, worker } = run;
    worker.runs.delete(run);
    if (worker.runs.size === 0) worker.onIdle?.();
    if (run.abandoned || closed) return;
    job.run = undefined;
    if (end.ok) {
      let result: unknown;
      try {
        result = end.result === undefined ? null : copy(end.result);
      } catch (error) {
        fail(
          job,
          new TaskJobError(`the result is not JSON: ${message(error)}`, 'invalid-result', false),
          worker.logger,
        );
        pump(worker.queue);
        return;
      }
      complete(job, result);
    } else fail(job, end.error, worker.logger);
    pump(worker.queue);
  }

  function complete(job: MemoryJob, result: unknown): void {
    const queue = queueOf(job.queue);
    job.state = 'completed';
    job.result = result;
    queue.completed.set(job.id, job);
    for (const [id, kept] of queue.completed) {
      if (queue.completed.size <= keepCompleted) break;
      queue.completed.delete(id);
      if (queue.jobs.get(id) === kept) queue.jobs.delete(id);
    }
    notify(queue, job.id, { status: 'completed', result });
    const key = refKey(job);
    for (const ref of job.parents.splice(0)) {
      const parent = live(ref);
      if (!parent || parent.state === 'completed') continue;
      // Kept even when the parent no longer waits (a dead letter retried meanwhile), for its childrenResults().
      parent.results.set(key, result);
      if (parent.pending.delete(key) && parent.state === 'waiting-children' && parent.pending.size === 0) ready(parent);
    }
  }

  function fail(job: MemoryJob, error: unknown, logger: Logger | undefined): void {
    const reason: TaskFailure['reason'] = error instanceof TaskJobError ? error.reason : 'error';
    const retry = error instanceof TaskJobError ? error.retry : true;
    job.attemptsMade++;
    if (!retry || job.attemptsMade >= job.retry.attempts) {
      deadLetter(job, { reason, message: message(error), attempts: job.attemptsMade }, logger);
      return;
    }
    job.runAt = Date.now() + retryDelay(job.retry, job.attemptsMade);
    ready(job);
  }

  function deadLetter(job: MemoryJob, failure: TaskFailure, logger: Logger | undefined): void {
    const queue = queueOf(job.queue);
    clearJobTimer(job);
    job.state = 'dead';
    queue.jobs.delete(job.id);
    const letter: DeadLetterJob = {
      id: job.id,
      queue: job.queue,
      task: job.name,
      data: deadLetterData(job, failure),
      failure,
      failedAt: Date.now(),
    };
    queue.dead.set(job.id, {
      letter,
      retry: job.retry,
      priority: job.priority,
      children: job.children,
      results: job.results,
    });
    logger?.debug(
      { queue: job.queue, jobId: job.id, task: job.name, reason: failure.reason, attempts: failure.attempts },
      `task job dead-lettered: ${failure.message}`,
    );
    notify(queue, job.id, { status: 'failed', failure: { ...failure } });
    const key = refKey(job);
    for (const ref of job.parents.splice(0)) {
      const parent = live(ref);
      if (!parent?.pending.has(key)) continue;
      deadLetter(
        parent,
        {
          reason: 'previous-step',
          message: previousStepMessage({ task: job.name, id: job.id, failure }),
          attempts: parent.attemptsMade,
        },
        logger,
      );
    }
  }

  /**
   * What a dead letter keeps of a job's data: as enqueued, but for a chain's later step that ran (it
   * did not fail as `previous-step`), the previous result it received becomes its args, so that
   * retried after a fix it runs alone with them.
   */
  function deadLetterData(job: MemoryJob, failure: TaskFailure): TaskJobData {
    const { fromPrevious, ...data } = copy(job.data);
    const child = job.children[0];
    if (fromPrevious !== true || failure.reason === 'previous-step' || !child || !job.results.has(refKey(child)))
      return copy(job.data);
    return { ...data, args: copy(job.results.get(refKey(child))) };
  }

  function childrenResults(job: MemoryJob): Promise<unknown[]> {
    const results: unknown[] = [];
    for (const child of job.children) {
      const key = refKey(child);
      if (!job.results.has(key))
        return Promise.reject(
          new SpecFirstRuntimeError(
            'SFR4346',
            `job ${job.id} of queue \`${job.queue}\` has no result of its child ${child.id} (queue \`${child.queue}\`)`,
            'the child has not completed; enqueue the flow again',
          ),
        );
      results.push(copy(job.results.get(key)));
    }
    return Promise.resolve(results);
  }

  // -------------------------------------------------------------------------------------------
  // Outcomes

  function ended(queue: Queue | undefined, id: string): TaskOutcome<unknown> | undefined {
    const job = queue?.jobs.get(id);
    if (job?.state === 'completed') return { status: 'completed', result: copy(job.result) };
    const dead = queue?.dead.get(id);
    if (dead) return { status: 'failed', failure: { ...dead.letter.failure } };
    return undefined;
  }

  function notify(queue: Queue, id: string, outcome: TaskOutcome<unknown>): void {
    const waiters = queue.waiters.get(id);
    if (!waiters) return;
    queue.waiters.delete(id);
    for (const waiter of waiters) {
      clearTimeout(waiter.timer);
      waiter.resolve(outcome.status === 'completed' ? { status: 'completed', result: copy(outcome.result) } : outcome);
    }
  }

  // -------------------------------------------------------------------------------------------
  // Adding

  /** Refuses a spec (and its children) before anything is added. */
  function check(spec: JobSpec, inFlow: boolean, path: string): void {
    const where = `job spec ${path} (queue \`${String(spec.queue)}\`, task \`${String(spec.name)}\`)`;
    const bad = (problem: string, hint: string) => new SpecFirstRuntimeError('SFR4345', `${where}: ${problem}`, hint);
    if (typeof spec.queue !== 'string' || spec.queue === '')
      throw bad('no queue', 'give the queue of the task’s worker');
    if (typeof spec.name !== 'string' || spec.name === '') throw bad('no task name', 'give the task name');
    if (spec.jobId !== undefined && (typeof spec.jobId !== 'string' || spec.jobId === ''))
      throw bad(`jobId ${JSON.stringify(spec.jobId)} is not a non-empty string`, 'leave jobId unset, or give a string');
    if (spec.delayMs !== undefined && !(Number.isFinite(spec.delayMs) && spec.delayMs >= 0))
      throw bad(`delayMs ${String(spec.delayMs)} is not 0 or more`, 'give a delay in milliseconds, or none');
    if (
      spec.priority !== undefined &&
      !(Number.isInteger(spec.priority) && spec.priority >= 0 && spec.priority <= MAX_PRIORITY)
    )
      throw bad(
        `priority ${String(spec.priority)} is not a whole number from 0 to ${MAX_PRIORITY}`,
        '1 is the highest; 0 or none: no priority',
      );
    if (!spec.retry || !Number.isInteger(spec.retry.attempts) || spec.retry.attempts < 1)
      throw bad('retry.attempts is not a whole number, 1 or more', "pass the task definition's retry policy");
    try {
      JSON.stringify(spec.data);
    } catch (error) {
      throw bad(`its data is not JSON (${message(error)})`, 'give args made of JSON values');
    }
    if (typeof spec.data !== 'object' || spec.data === null) throw bad('no data', 'give the job data `{ v: 1, args }`');
    if (spec.jobId !== undefined) {
      const queue = queues.get(spec.queue);
      const task = queue?.jobs.get(spec.jobId)?.name ?? queue?.dead.get(spec.jobId)?.letter.task;
      if (task !== undefined && task !== spec.name) throw jobIdTakenError(spec, task);
    }
    if (inFlow && spec.parent !== undefined)
      throw bad(
        'a child of a flow names a parent of its own',
        'leave `parent` unset on children: their flow is their parent',
      );
    if (spec.parent !== undefined) {
      const parent = live(spec.parent);
      const deadParent = queues.get(spec.parent.queue)?.dead.has(spec.parent.id) === true;
      const hint =
        'give the handle of a job that is waiting, delayed or waiting for its children (not running, completed or dead-lettered)';
      if (!parent)
        throw new SpecFirstRuntimeError(
          'SFR4344',
          `${where}: its parent job ${spec.parent.id} (queue \`${spec.parent.queue}\`) ${deadParent ? 'is dead-lettered' : 'does not exist'}`,
          hint,
        );
      if (parent.state === 'active' || parent.state === 'completed')
        throw new SpecFirstRuntimeError(
          'SFR4344',
          `${where}: its parent job ${spec.parent.id} (queue \`${spec.parent.queue}\`) is ${parent.state === 'active' ? 'running' : 'completed'} and waits for no child any more`,
          hint,
        );
    }
    (spec.children ?? []).forEach((child, index) => check(child, true, `${path}.children[${index}]`));
  }

  function nextId(queue: Queue): string {
    // Bounded: each turn skips one of the queue's jobs or dead letters.
    for (;;) {
      const id = String(++queue.counter);
      if (!queue.jobs.has(id) && !queue.dead.has(id)) return id;
    }
  }

  /** Adds a spec and its children; links it to `parent`. Returns its job, or the existing job of its id. */
  function insert(spec: JobSpec, parent: MemoryJob | undefined, now: number): JobRef {
    const queue = queueOf(spec.queue);
    if (spec.jobId !== undefined) {
      const existing = queue.jobs.get(spec.jobId);
      const dead = queue.dead.get(spec.jobId);
      if (existing || dead) {
        if (parent) link(parent, { queue: queue.name, id: spec.jobId }, existing, dead);
        return { queue: queue.name, id: spec.jobId };
      }
    }
    const job: MemoryJob = {
      id: spec.jobId ?? nextId(queue),
      queue: queue.name,
      name: spec.name,
      data: copy(spec.data),
      retry: { ...spec.retry },
      priority: spec.priority ?? 0,
      enqueuedAt: now,
      runAt: now + (spec.delayMs ?? 0),
      attemptsMade: 0,
      state: 'waiting-children',
      token: 0,
      children: [],
      pending: new Set(),
      results: new Map(),
      parents: [],
    };
    queue.jobs.set(job.id, job);
    if (parent) link(parent, job, job, undefined);
    for (const child of spec.children ?? []) insert(child, job, now);
    // A child that was a dead letter already (dedup) dead-lettered this job.
    if (job.state === 'waiting-children' && job.pending.size === 0) ready(job);
    return job;
  }

  /** Makes `parent` wait for `child` (a new job, or an existing one its id named). */
  function link(parent: MemoryJob, ref: JobRef, child: MemoryJob | undefined, dead: Dead | undefined): void {
    const key = refKey(ref);
    parent.children.push({ queue: ref.queue, id: ref.id });
    if (child?.state === 'completed') {
      parent.results.set(key, child.result);
      return;
    }
    if (child) {
      parent.pending.add(key);
      child.parents.push({ queue: parent.queue, id: parent.id });
      if (parent.state === 'waiting' || parent.state === 'delayed') {
        clearJobTimer(parent);
        parent.state = 'waiting-children';
      }
      return;
    }
    if (dead && parent.state !== 'dead')
      deadLetter(
        parent,
        {
          reason: 'previous-step',
          message: previousStepMessage(dead.letter),
          attempts: parent.attemptsMade,
        },
        undefined,
      );
  }

  // -------------------------------------------------------------------------------------------
  // Schedules

  function nextFire(pattern: string, after: number): number {
    return CronExpressionParser.parse(pattern, { currentDate: new Date(after) })
      .next()
      .getTime();
  }

  function arm(queue: Queue, schedule: Schedule): void {
    schedule.timer = setTimeout(
      () => {
        schedule.timer = undefined;
        if (closed || queue.schedules.get(schedule.spec.id) !== schedule) return;
        const now = Date.now();
        if (now >= schedule.next) {
          const { spec } = schedule;
          insert(
            {
              queue: spec.queue,
              name: spec.task,
              data: spec.data,
              retry: spec.retry,
              jobId: `repeat:${spec.id}:${schedule.next}`,
            },
            undefined,
            now,
          );
          // Fires missed while the process slept are skipped: one job, then the next fire from now.
          schedule.next = nextFire(spec.pattern, Math.max(now, schedule.next));
        }
        arm(queue, schedule);
      },
      Math.max(0, Math.min(schedule.next - Date.now(), MAX_TIMER_MS)),
    );
    schedule.timer.unref();
  }

  // -------------------------------------------------------------------------------------------
  // The contract

  return {
    add(jobs) {
      try {
        checkOpen('add');
        checkDistinctJobIds(jobs);
        jobs.forEach((spec, index) => check(spec, false, `[${index}]`));
      } catch (error) {
        return Promise.reject(error as Error);
      }
      const now = Date.now();
      return Promise.resolve(
        jobs.map((spec) => {
          const parent = spec.parent && live(spec.parent);
          return insert(spec, parent, now).id;
        }),
      );
    },

    outcome(queueName, id, timeoutMs) {
      try {
        checkOpen('outcome');
        checkMs('outcome timeoutMs', timeoutMs);
      } catch (error) {
        return Promise.reject(error as Error);
      }
      const queue = queues.get(queueName);
      const now = ended(queue, id);
      if (now) return Promise.resolve(now);
      if (timeoutMs === 0) return Promise.resolve({ status: 'unfinished' });
      return new Promise((resolve) => {
        const waiters = queueOf(queueName).waiters;
        let set = waiters.get(id);
        if (!set) waiters.set(id, (set = new Set()));
        const own = set;
        const waiter: Waiter = {
          resolve,
          timer: setTimeout(
            () => {
              own.delete(waiter);
              if (own.size === 0 && waiters.get(id) === own) waiters.delete(id);
              resolve({ status: 'unfinished' });
            },
            Math.min(timeoutMs, MAX_TIMER_MS),
          ),
        };
        own.add(waiter);
      });
    },

    process(queueName, processor, options) {
      try {
        checkOpen('process');
        if (typeof processor !== 'function')
          throw outOfRange(`process(\`${queueName}\`): the processor is not a function`);
        if (!Number.isInteger(options.concurrency) || options.concurrency < 1)
          throw outOfRange(
            `process(\`${queueName}\`): concurrency must be a whole number, 1 or more; got ${String(options.concurrency)}`,
          );
      } catch (error) {
        return Promise.reject(error as Error);
      }
      const queue = queueOf(queueName);
      const worker: Worker = {
        queue,
        processor,
        concurrency: options.concurrency,
        logger: options.logger,
        runs: new Set(),
        closing: false,
      };
      queue.workers.push(worker);
      pump(queue);
      const processing: Processing = {
        close(timeoutMs) {
          try {
            checkMs('close timeoutMs', timeoutMs);
          } catch (error) {
            return Promise.reject(error as Error);
          }
          worker.closed ??= closeWorker(worker, timeoutMs);
          return worker.closed;
        },
      };
      return Promise.resolve(processing);
    },

    upsertSchedule(spec) {
      try {
        checkOpen('upsertSchedule');
        if (typeof spec.id !== 'string' || spec.id === '' || typeof spec.queue !== 'string' || spec.queue === '')
          throw new SpecFirstRuntimeError(
            'SFR4343',
            `schedule ${JSON.stringify(spec.id)} of queue ${JSON.stringify(spec.queue)} has no id or no queue`,
            'give scheduleId(task) and the queue of its worker',
          );
        // What each fire adds, checked now: a fire runs in a timer, where nothing could report it.
        check(
          { queue: spec.queue, name: spec.task, data: spec.data, retry: spec.retry },
          false,
          `of schedule \`${spec.id}\``,
        );
        const queue = queueOf(spec.queue);
        const existing = queue.schedules.get(spec.id);
        if (existing && sameSchedule(existing.spec, spec)) return Promise.resolve();
        let next: number;
        try {
          next = nextFire(spec.pattern, Date.now());
        } catch (error) {
          throw new SpecFirstRuntimeError(
            'SFR4343',
            `schedule \`${spec.id}\` of queue \`${spec.queue}\`: cron pattern ${JSON.stringify(spec.pattern)} does not parse (${message(error)})`,
            'give 5 fields (minute hour day-of-month month day-of-week) or 6 (seconds first); spec-core checks the schedule of spec/tasks.yaml',
          );
        }
        if (existing?.timer !== undefined) clearTimeout(existing.timer);
        const schedule: Schedule = { spec: copy(spec), next };
        queue.schedules.set(spec.id, schedule);
        arm(queue, schedule);
        return Promise.resolve();
      } catch (error) {
        return Promise.reject(error as Error);
      }
    },

    scheduleIds(queueName) {
      try {
        checkOpen('scheduleIds');
      } catch (error) {
        return Promise.reject(error as Error);
      }
      return Promise.resolve([...(queues.get(queueName)?.schedules.keys() ?? [])].sort());
    },

    removeSchedule(queueName, id) {
      try {
        checkOpen('removeSchedule');
      } catch (error) {
        return Promise.reject(error as Error);
      }
      const schedules = queues.get(queueName)?.schedules;
      const schedule = schedules?.get(id);
      if (schedule) {
        if (schedule.timer !== undefined) clearTimeout(schedule.timer);
        schedules!.delete(id);
      }
      return Promise.resolve();
    },

    listDeadLetters(queueName, listOptions = {}) {
      try {
        checkOpen('listDeadLetters');
        const { limit } = listOptions;
        if (limit !== undefined && (!Number.isInteger(limit) || limit < 1))
          throw outOfRange(
            `listDeadLetters(\`${queueName}\`): limit must be a whole number, 1 or more; got ${String(limit)}`,
          );
      } catch (error) {
        return Promise.reject(error as Error);
      }
      const letters = [...(queues.get(queueName)?.dead.values() ?? [])]
        .slice(0, listOptions.limit)
        .map((dead) => copy(dead.letter));
      return Promise.resolve(letters);
    },

    retryDeadLetter(queueName, id) {
      try {
        checkOpen('retryDeadLetter');
      } catch (error) {
        return Promise.reject(error as Error);
      }
      const queue = queues.get(queueName);
      const dead = queue?.dead.get(id);
      if (!queue || !dead || queue.jobs.has(id)) return Promise.resolve(false);
      if (dead.letter.failure.reason === 'previous-step') return Promise.reject(new TaskRetryError(dead.letter));
      queue.dead.delete(id);
      const now = Date.now();
      const job: MemoryJob = {
        id,
        queue: queue.name,
        name: dead.letter.task,
        data: copy(dead.letter.data),
        retry: dead.retry,
        priority: dead.priority,
        enqueuedAt: now,
        runAt: now,
        attemptsMade: 0,
        state: 'waiting',
        token: 0,
        // Its children are not waited for again: those that completed keep their results.
        children: dead.children,
        pending: new Set(),
        results: dead.results,
        parents: [],
      };
      queue.jobs.set(id, job);
      ready(job);
      return Promise.resolve(true);
    },

    close() {
      if (closed) return Promise.resolve();
      closed = true;
      for (const queue of queues.values()) {
        for (const schedule of queue.schedules.values()) if (schedule.timer !== undefined) clearTimeout(schedule.timer);
        for (const job of queue.jobs.values()) clearJobTimer(job);
        for (const set of queue.waiters.values())
          for (const waiter of set) {
            clearTimeout(waiter.timer);
            waiter.resolve({ status: 'unfinished' });
          }
        queue.waiters.clear();
        for (const worker of queue.workers) {
          worker.closing = true;
          for (const run of worker.runs) {
            run.abandoned = true;
            run.controller.abort(closedBackendError());
          }
          worker.runs.clear();
          worker.onIdle?.();
        }
        queue.workers = [];
      }
      return Promise.resolve();
    },
  };

  async function closeWorker(worker: Worker, timeoutMs: number): Promise<void> {
    worker.closing = true;
    const queue = worker.queue;
    queue.workers = queue.workers.filter((other) => other !== worker);
    if (worker.runs.size > 0 && !closed) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      await new Promise<void>((resolve) => {
        worker.onIdle = resolve;
        timer = setTimeout(resolve, Math.min(timeoutMs, MAX_TIMER_MS));
      });
      clearTimeout(timer);
      worker.onIdle = undefined;
    }
    if (closed) return;
    for (const run of worker.runs) {
      run.abandoned = true;
      const { job } = run;
      worker.logger.warn(
        { code: 'SFR4341', queue: job.queue, jobId: job.id, task: job.name, attempt: job.attemptsMade + 1 },
        `task job ${job.id} did not finish within close's ${timeoutMs} ms: aborted, it goes back to its queue`,
      );
      run.controller.abort(
        new SpecFirstRuntimeError(
          'SFR4341',
          `job ${job.id} (\`${job.name}\`) of queue \`${job.queue}\` did not finish within close's ${timeoutMs} ms`,
          'it goes back to its queue and runs again, the attempt not counted; honour the signal, or give close more time',
        ),
      );
      if (job.run === run && job.state === 'active') {
        job.run = undefined;
        ready(job, true);
      }
    }
    worker.runs.clear();
    pump(queue);
  }
}

function closedBackendError(): SpecFirstRuntimeError {
  return new SpecFirstRuntimeError(
    'SFR4340',
    'the memory task backend closed while the job ran',
    'stop the workers (which close their processing) before closing the backend',
  );
}

function outOfRange(problem: string): SpecFirstRuntimeError {
  return new SpecFirstRuntimeError('SFR4342', problem, 'see memoryTaskBackend() in the runtime README for the ranges');
}

function checkMs(what: string, ms: number): void {
  if (!(typeof ms === 'number' && ms >= 0 && !Number.isNaN(ms)))
    throw outOfRange(`${what} must be 0 or more milliseconds; got ${String(ms)}`);
}

function sameSchedule(a: ScheduleSpec, b: ScheduleSpec): boolean {
  return (
    a.task === b.task &&
    a.pattern === b.pattern &&
    JSON.stringify(a.data) === JSON.stringify(b.data) &&
    JSON.stringify(a.retry) === JSON.stringify(b.retry)
  );
}

function refKey(ref: JobRef): string {
  return JSON.stringify([ref.queue, ref.id]);
}

/** A JSON copy, as a value that went through Redis would be. */
function copy<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A double-ended queue over an array: `shift` and `unshift` without moving every element. */
class Deque<T> {
  #items: (T | undefined)[] = [];
  #head = 0;

  push(item: T): void {
    this.#items.push(item);
  }

  unshift(item: T): void {
    if (this.#head > 0) this.#items[--this.#head] = item;
    else this.#items.unshift(item);
  }

  shift(): T | undefined {
    if (this.#head >= this.#items.length) return undefined;
    const item = this.#items[this.#head];
    this.#items[this.#head++] = undefined;
    if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    return item;
  }
}

/** A binary min-heap of entries by (priority, seq): BullMQ's prioritised order. */
class Heap {
  #items: Entry[] = [];

  push(entry: Entry): void {
    const items = this.#items;
    items.push(entry);
    let index = items.length - 1;
    while (index > 0) {
      const up = (index - 1) >> 1;
      if (!before(items[index]!, items[up]!)) break;
      [items[index], items[up]] = [items[up]!, items[index]!];
      index = up;
    }
  }

  pop(): Entry | undefined {
    const items = this.#items;
    const top = items[0];
    const last = items.pop();
    if (items.length === 0 || last === undefined) return top;
    items[0] = last;
    let index = 0;
    for (;;) {
      const left = index * 2 + 1;
      const right = left + 1;
      let least = index;
      if (left < items.length && before(items[left]!, items[least]!)) least = left;
      if (right < items.length && before(items[right]!, items[least]!)) least = right;
      if (least === index) break;
      [items[index], items[least]] = [items[least]!, items[index]!];
      index = least;
    }
    return top;
  }
}

function before(a: Entry, b: Entry): boolean {
  return a.priority < b.priority || (a.priority === b.priority && a.seq < b.seq);
}
