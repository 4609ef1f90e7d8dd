/**
 * The public shapes of SpecFirst's tasks: what generated code hands the runtime (a
 * {@link TaskDefinition} per task), what a service's code sees (enqueue options, handles and
 * outcomes, the handler context, the worker's lifecycle), and the {@link TaskBackend} contract that
 * the in-memory queue (`memoryTaskBackend()`) and BullMQ (`bullmqTaskBackend(url)`,
 * `@specfirst/runtime/tasks/bullmq`) both keep. One contract suite runs on both.
 *
 * The loops live in the runtime: generated files hold the tables and thin typed wrappers.
 * Pipelines, per job: read (backend) → decode → validate args → handle (time limit) → validate
 * result → reply (complete) / retry (throw) / dead-letter (backend, after the last attempt).
 */
import type { IRRetryPolicy } from '@specfirst/spec-core';
import type { TaskJobData } from '@specfirst/spec-core/tasks';
import type { Logger } from '../logger.js';
import type { CompiledValidator } from '../validation.js';

// ---------------------------------------------------------------------------------------------
// What generated code declares

/** One task of `spec/tasks.yaml`, as generated code declares it (`sendReceiptTask`). */
export interface TaskDefinition<Args = unknown, Result = unknown> {
  /** The task name, which is also each job's name (`sendReceipt`). */
  name: string;
  /** The worker service that runs it; its queue is `taskQueueName(worker)`. */
  worker: string;
  /** The args model (`SendReceiptArgs`). */
  argsType: string;
  /** The result model, when the task declares one; else the result is `undefined` (`null` on the wire). */
  resultType?: string;
  /** `attempts` runs at most, `backoff`/`delayMs`/`maxDelayMs` between them (the same policy and delays as a topic's, `retryDelay`). */
  retry: IRRetryPolicy;
  /** Time limit of one attempt; absent: none. */
  timeoutMs?: number;
  /** Cron expression: the worker keeps one schedule for it (`scheduleId(name)`), args `{}` with defaults applied. */
  schedule?: string;
  /** Precompiled validator of the args model (with defaults applied). */
  validateArgs: CompiledValidator;
  /** Precompiled validator of the result model, when there is one. */
  validateResult?: CompiledValidator;
  /** Type-level only. */
  readonly args?: Args;
  /** Type-level only. */
  readonly result?: Result;
}

// ---------------------------------------------------------------------------------------------
// Enqueuing

export interface EnqueueOptions {
  /** Run no sooner than this many ms from now. */
  delayMs?: number;
  /** BullMQ's priority: 1 is the highest, up to 2 097 152; absent: before every prioritised job (FIFO). */
  priority?: number;
  /**
   * Deduplication: while a job with this id exists (waiting, running, completed and kept, or
   * dead-lettered), enqueuing the same id adds nothing and returns a handle to that job. No `:`, not
   * only digits (BullMQ's rules); a bad id is a `TaskOptionsError` and nothing is enqueued.
   */
  jobId?: string;
  /** A job that waits for this one: it runs after this job (and its other children) completed; `job.childrenResults()` in its handler. */
  parent?: Pick<TaskHandle<unknown>, 'id' | 'queue'>;
  /** The request that caused it, passed to the handler's context. */
  requestId?: string;
  /** W3C trace context, passed to the handler's context. */
  traceparent?: string;
}

/** The end of a job, as `handle.result()` reports it. */
export type TaskOutcome<Result> =
  | { status: 'completed'; result: Result }
  | { status: 'failed'; failure: TaskFailure }
  /** `result({ timeoutMs })` stopped waiting: the job may still run. */
  | { status: 'unfinished' };

/** Why a job failed for good: it is on its worker's dead-letter queue. */
export interface TaskFailure {
  /** `error`: the handler threw on its last attempt; `time-limit`: its last attempt ran out of time; `invalid-args` / `invalid-result`: failed at once, no retry; `stalled`: its worker died while running it too often; `previous-step`: a chain's earlier step failed. */
  reason: 'error' | 'time-limit' | 'invalid-args' | 'invalid-result' | 'stalled' | 'previous-step' | 'unknown-task';
  /** The last error's message. */
  message: string;
  /** Attempts made. */
  attempts: number;
}

/** What `enqueue<Task>` returns. */
export interface TaskHandle<Result> {
  /** The job id (the `jobId` option, or one the backend gave). */
  id: string;
  /** The queue it is on (its worker's). */
  queue: string;
  task: string;
  /** Waits for the job's end, at most `timeoutMs` (default 30000). A completed job's result is typed by the task's result model. */
  result(options?: { timeoutMs?: number }): Promise<TaskOutcome<Result>>;
}

// ---------------------------------------------------------------------------------------------
// Running

/** What a handler receives beside its args. */
export interface TaskContext {
  task: string;
  jobId: string;
  /** This attempt, from 1. */
  attempt: number;
  /** The task's `retry.attempts`. */
  attempts: number;
  /** Aborted when the attempt's time limit passes (reason: a `TaskTimeLimitError`), or when `stop()` gives up waiting. */
  signal: AbortSignal;
  /** Ms left before the time limit (`Infinity` without one). */
  timeLeftMs(): number;
  logger: Logger;
  requestId?: string;
  traceparent?: string;
  /** Results of the job's children (a flow's parent; a chain's step gets the previous result as its args instead). */
  childrenResults(): Promise<unknown[]>;
}

export type TaskHandler<Args, Result> = (args: Args, context: TaskContext) => Promise<Result> | Result;

export interface WorkerOptions {
  backend: TaskBackend;
  /** Jobs run at once by this process. Default 1. */
  concurrency?: number;
  logger?: Logger;
  /** How long `stop()` waits for jobs in flight before aborting them (they are run again later). Default 10000 ms. */
  shutdownTimeoutMs?: number;
}

export interface TaskWorker {
  /** Brings the worker's schedules in line with the spec (idempotent), then takes jobs. */
  start(): Promise<void>;
  /** Takes no new job, waits for those in flight (up to `shutdownTimeoutMs`), then closes. */
  stop(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// The backend contract: BullMQ, or the in-memory queue

/** One job to add, with its options resolved from the task's definition. */
export interface JobSpec {
  queue: string;
  /** The task name. */
  name: string;
  data: TaskJobData;
  /** The task's retry policy: `attempts` runs at most, delays from `retryDelay(retry, attemptsMade)`. */
  retry: IRRetryPolicy;
  jobId?: string;
  delayMs?: number;
  priority?: number;
  /** An existing job to become a child of. */
  parent?: { id: string; queue: string };
  /** Jobs that run first (a flow): this one waits for them all; a failed child fails it (`previous-step`). */
  children?: JobSpec[];
}

/** A job as the processor sees it. */
export interface ActiveJob {
  id: string;
  queue: string;
  name: string;
  data: TaskJobData;
  /** This attempt, from 1. */
  attempt: number;
  /** When it was enqueued (ms since the epoch). */
  enqueuedAt: number;
  /** Results of its children, in the order they were given. */
  childrenResults(): Promise<unknown[]>;
}

/** Runs one job: resolves to its result (JSON), or rejects with a `TaskJobError` (which says whether to retry). */
export type JobProcessor = (job: ActiveJob, signal: AbortSignal) => Promise<unknown>;

/** A dead-lettered job, as `listDeadLetters` reports it. */
export interface DeadLetterJob {
  /** The dead letter's id: the original job's id. */
  id: string;
  queue: string;
  task: string;
  data: TaskJobData;
  failure: TaskFailure;
  /** When it was dead-lettered (ms since the epoch). */
  failedAt: number;
}

export interface ScheduleSpec {
  /** `scheduleId(task)`. */
  id: string;
  queue: string;
  task: string;
  pattern: string;
  data: TaskJobData;
  retry: IRRetryPolicy;
}

export interface Processing {
  /** Takes no new job; waits for those in flight up to `timeoutMs`, then aborts them (they go back to be run again), then resolves. */
  close(timeoutMs: number): Promise<void>;
}

export interface TaskBackend {
  /** Adds jobs (each possibly a flow) atomically; resolves to each root's id. A `jobId` that exists adds nothing and returns that id. */
  add(jobs: JobSpec[]): Promise<string[]>;
  /** Waits for a job's end, at most `timeoutMs`: `unfinished` when it has not ended by then. */
  outcome(queue: string, id: string, timeoutMs: number): Promise<TaskOutcome<unknown>>;
  /** Starts taking jobs of `queue`, `concurrency` at a time. A `TaskJobError` with `retry: false`, or the last attempt's error, dead-letters the job. */
  process(
    queue: string,
    processor: JobProcessor,
    options: { concurrency: number; logger: Logger },
  ): Promise<Processing>;
  /** Creates or updates a schedule (idempotent: two workers starting together keep one). */
  upsertSchedule(schedule: ScheduleSpec): Promise<void>;
  /** The ids of the schedules on a queue. */
  scheduleIds(queue: string): Promise<string[]>;
  removeSchedule(queue: string, id: string): Promise<void>;
  /** Dead letters of a worker's queue, oldest first. */
  listDeadLetters(queue: string, options?: { limit?: number }): Promise<DeadLetterJob[]>;
  /** Sends a dead letter back to its queue with its args and fresh attempts (same job id); false when there is none of that id. */
  retryDeadLetter(queue: string, id: string): Promise<boolean>;
  close(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// Typed flows: chains and groups, checked at compile time against a service's task map

/**
 * Each task a service enqueues, with its args (as enqueued) and result types: generated as
 * `<Service>TaskMap`. Generic so that an interface satisfies it (`M extends TaskMap<M>`): an
 * interface has no index signature, so it would not satisfy a `Record<string, …>`.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- `TaskMap` alone: any object of task signatures
export type TaskMap<M = any> = { [K in keyof M]: { args: unknown; result: unknown } };

/** The names of a task map's tasks. */
export type TaskName<M> = keyof M & string;

/** One task and its args: the first step of a chain, or a member of a group. */
export interface TaskStep<M extends TaskMap<M>, K extends TaskName<M> = TaskName<M>> {
  task: K;
  args: M[K]['args'];
  options?: EnqueueOptions;
}

/** Any one step of a task map, each task with its own args (a union over the tasks, for groups). */
export type GroupStep<M extends TaskMap<M>> = { [K in TaskName<M>]: TaskStep<M, K> }[TaskName<M>];

/** Every field name of any member of `T` (a union's `keyof` would keep only the shared ones). */
type FieldsOf<T> = T extends unknown ? keyof T : never;

/** The type of field `K` in the members of `T` that have it. */
type FieldOf<T, K extends PropertyKey> = T extends unknown ? (K extends keyof T ? T[K] : never) : never;

/**
 * The fields of `Result` that `Args` has no field for, as paths (`total`, `customer.tier`,
 * `lines[].sku`), nested objects and array items included, 6 levels deep at most: `never` when
 * there is none. An args model is closed (no other properties), so a result with such a field,
 * fed to the args of a chain's next task, is refused when that task runs (SFR4303).
 */
export type ExtraFields<
  Result,
  Args,
  Path extends string = '',
  Depth extends unknown[] = [],
> = Depth['length'] extends 6
  ? never
  : unknown extends Args
    ? never
    : Result extends readonly (infer Item)[]
      ? ExtraFields<Item, Extract<NonNullable<Args>, readonly unknown[]>[number], `${Path}[]`, [...Depth, unknown]>
      : Result extends object
        ? {
            [K in keyof Result & string]-?: K extends FieldsOf<NonNullable<Args>>
              ? ExtraFields<
                  Result[K],
                  FieldOf<NonNullable<Args>, K>,
                  Path extends '' ? K : `${Path}.${K}`,
                  [...Depth, unknown]
                >
              : Path extends ''
                ? K
                : `${Path}.${K}`;
          }[keyof Result & string]
        : never;

/**
 * The later tasks of a chain that starts with `First`, checked pairwise: each task name stays as it
 * is when its args accept the result of the task before it, else it becomes a message the compiler
 * then reports: ``"the args of `b` do not accept the result of `a`"``, or, for a result with a field
 * the (closed) args do not have, ``"the args of `b` have no field `total` that the result of `a` has"``.
 */
export type ChainSteps<
  M extends TaskMap<M>,
  First extends TaskName<M>,
  Rest extends readonly unknown[],
> = Rest extends readonly [infer Next extends TaskName<M>, ...infer Tail]
  ? [M[First]['result']] extends [M[Next]['args']]
    ? [ExtraFields<M[First]['result'], M[Next]['args']>] extends [never]
      ? readonly [Next, ...ChainSteps<M, Next, Tail>]
      : readonly [
          `the args of \`${Next}\` have no field \`${ExtraFields<M[First]['result'], M[Next]['args']>}\` that the result of \`${First}\` has`,
          ...ChainSteps<M, Next, Tail>,
        ]
    : readonly [`the args of \`${Next}\` do not accept the result of \`${First}\``, ...ChainSteps<M, Next, Tail>]
  : readonly [];

/** The result of a chain: its last task's. */
export type ChainResult<
  M extends TaskMap<M>,
  First extends TaskName<M>,
  Rest extends readonly unknown[],
> = Rest extends readonly [...unknown[], infer Last extends TaskName<M>] ? M[Last]['result'] : M[First]['result'];

/** The result types of a group's steps, in order. */
export type GroupResults<M extends TaskMap<M>, Steps extends readonly GroupStep<M>[]> = {
  -readonly [I in keyof Steps]: M[Steps[I]['task']]['result'];
};

/** What `group(steps)` returns: a handle per step, and a wait for them all. */
export interface TaskGroup<Results extends readonly unknown[]> {
  handles: { [I in keyof Results]: TaskHandle<Results[I]> };
  /** Waits for every step's end, all together at most `timeoutMs` (default 30000): an outcome per step, in order. */
  results(options?: { timeoutMs?: number }): Promise<{ [I in keyof Results]: TaskOutcome<Results[I]> }>;
}

/**
 * Chains and groups of a service's tasks, checked at compile time against its task map; generated
 * `<Service>Tasks` interfaces extend it.
 */
export interface TaskFlows<M extends TaskMap<M>> {
  /**
   * Runs `first`, then each task of `rest` in turn with the result of the task before it as its
   * args (validated when it runs). A task whose args do not accept the previous result is a compile
   * error. Resolves to a handle of the last task (its result is the chain's); a step that fails for
   * good fails the steps after it (`previous-step`). `first.options`: `jobId` and `parent` are the
   * last task's (the chain's own), `delayMs` the first task's, `priority`, `requestId` and
   * `traceparent` every task's.
   */
  chain<First extends TaskName<M>, const Rest extends readonly TaskName<M>[]>(
    first: TaskStep<M, First>,
    ...rest: Rest extends ChainSteps<M, First, Rest> ? Rest : ChainSteps<M, First, Rest>
  ): Promise<TaskHandle<ChainResult<M, First, Rest>>>;
  /** Enqueues every step at once (all or none, each validated first); the group's handle waits for them all. */
  group<const Steps extends readonly [] | readonly [GroupStep<M>, ...GroupStep<M>[]]>(
    steps: Steps,
  ): Promise<TaskGroup<GroupResults<M, Steps>>>;
}

/** What `createTasks` returns: `enqueue` any task of its definitions, and chains and groups of them by name. */
export interface TaskProducer<M extends TaskMap<M>> extends TaskFlows<M> {
  /** Validates `args` (a `TaskValidationError`, SFR4301, and nothing enqueued when invalid) and enqueues one job. */
  enqueue<Args, Result>(
    definition: TaskDefinition<Args, Result>,
    args: NoInfer<Args>,
    options?: EnqueueOptions,
  ): Promise<TaskHandle<Result>>;
}

// ---------------------------------------------------------------------------------------------
// How a worker runs handlers: in its own process (the default), or sandboxed in child processes

/** Runs one handler. The worker enforces the time limit around it (abort, then fail the attempt); a runner may also stop a handler for real. */
export interface HandlerRunner {
  run(task: string, args: unknown, context: TaskContext): Promise<unknown>;
  /** Waits for nothing: releases what the runner holds (child processes). */
  close(): Promise<void>;
}

/**
 * Handlers that run in child processes (`sandboxed(new URL('./tasks.js', import.meta.url))`): the
 * module's export `exportName` is the handlers object. A handler that ignores its signal past the
 * time limit is killed with its process, which is then replaced.
 */
export interface SandboxedHandlers<Handlers> {
  readonly kind: 'sandboxed';
  /** A file URL or absolute path of the module. */
  readonly module: string;
  readonly exportName: string;
  /** Type-level only. */
  readonly handlers?: Handlers;
}
