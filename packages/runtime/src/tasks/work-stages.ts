/**
 * The stages a job goes through in a worker (./worker.ts), each a small function built once per
 * worker or task, like the consumer's (../events/consume-stages.ts):
 *
 *     decode → args (the previous step's result for a chain; defaults applied) → handle (time limit) → result
 *
 * A stage either goes on with its value or fails the attempt with a {@link StageFailure}: a code
 * for the log and the {@link TaskJobError} the processor rejects with, which tells the backend
 * whether to retry (after the task's backoff, unless it was the last attempt) or to dead-letter the
 * job now. Only {@link runAttempt} waits (for the handler, at most until the time limit).
 */
import { TASK_JOB_VERSION, type TaskJobData } from '@specfirst/spec-core/tasks';
import type { RuntimeErrorCode } from '../errors.js';
import { errorText } from '../events/consume-stages.js';
import { describeFailures } from '../events/publish.js';
import { failuresFrom } from '../validation.js';
import { copyData } from './data-copy.js';
import { TaskJobError } from './job-error.js';
import { argsFailures, TaskTimeLimitError } from './task-errors.js';
import type { ActiveJob, TaskDefinition } from './types.js';

/** Why an attempt failed: the log's code, and the error the processor rejects with. */
export interface StageFailure {
  code: RuntimeErrorCode;
  error: TaskJobError;
}

export type StageOutcome<T> = { ok: true; value: T } | { ok: false; failure: StageFailure };

/** The job as the stages see it. */
export type StageJob = Pick<ActiveJob, 'id' | 'name' | 'data' | 'attempt'>;

/** A decoded job: its task's definition and its data. */
export interface Decoded {
  definition: TaskDefinition;
  data: TaskJobData;
}

const go = <T>(value: T): StageOutcome<T> => ({ ok: true, value });
const fail = (
  code: RuntimeErrorCode,
  reason: TaskJobError['reason'],
  retry: boolean,
  message: string,
  cause?: unknown,
): StageOutcome<never> => ({
  ok: false,
  failure: { code, error: new TaskJobError(message, reason, retry, cause === undefined ? undefined : { cause }) },
});

/** Names a job in messages: "job 7 of `sendReceipt`". */
const jobName = (job: Pick<StageJob, 'id' | 'name'>): string => `job ${job.id} of \`${job.name}\``;

/**
 * The job's task among the worker's, and its data in the version this worker reads; else it fails
 * for good (`unknown-task`, SFR4306): no attempt of this worker could ever run it.
 */
export function decodeStage(tasks: ReadonlyMap<string, TaskDefinition>) {
  return (job: StageJob): StageOutcome<Decoded> => {
    const definition = tasks.get(job.name);
    if (definition === undefined)
      return fail(
        'SFR4306',
        'unknown-task',
        false,
        `SFR4306 ${jobName(job)} is of a task this worker does not run (it runs ${[...tasks.keys()].join(', ')}): ` +
          'an enqueuer of another version of the spec',
      );
    const data = job.data as Partial<TaskJobData> | null | undefined;
    if (typeof data !== 'object' || data === null || Array.isArray(data))
      return fail('SFR4306', 'unknown-task', false, `SFR4306 ${jobName(job)} has no job data object`);
    if (data.v !== TASK_JOB_VERSION)
      return fail(
        'SFR4306',
        'unknown-task',
        false,
        `SFR4306 ${jobName(job)} has job data of version ${JSON.stringify(data.v)}; this worker reads version ${TASK_JOB_VERSION}`,
      );
    return go({ definition, data: data as TaskJobData });
  };
}

/**
 * The args the handler gets: a copy of the job's, or for a chain's later step (`fromPrevious`) of
 * the result of its one child (`previous`), validated with defaults applied. Invalid args fail for good
 * (`invalid-args`, SFR4303): another attempt would get the same args. A later step without exactly
 * one previous result too (SFR4309).
 */
export function argsStage(definition: TaskDefinition) {
  return (job: StageJob, data: TaskJobData, previous?: readonly unknown[]): StageOutcome<unknown> => {
    let args = data.args;
    if (data.fromPrevious === true) {
      if (previous?.length !== 1)
        return fail(
          'SFR4309',
          'invalid-args',
          false,
          `SFR4309 ${jobName(job)} is a chain's later step and takes the result of the step before as its args, ` +
            `but it has ${previous?.length ?? 0} previous results instead of 1`,
        );
      args = previous[0];
    }
    // A copy: the validator applies defaults, and the job's own data stays as it was enqueued
    // (a backend may keep that very object, for the job's next attempt or its dead letter).
    args = copyData(args);
    const failures = argsFailures(definition, args);
    if (failures.length > 0)
      return fail(
        'SFR4303',
        'invalid-args',
        false,
        `SFR4303 ${jobName(job)} has args that are not a valid ${definition.argsType}` +
          `${data.fromPrevious === true ? ' (the result of the step before)' : ''}: ${describeFailures(failures)}`,
      );
    return go(args);
  };
}

/**
 * The handler's result as it will be stored (a JSON copy), validated against the task's result
 * model (defaults applied); `null` for a task without one (whatever the handler returned). An
 * invalid result, or one JSON cannot hold, fails for good (`invalid-result`, SFR4304): the
 * handler's code must change.
 */
export function resultStage(definition: TaskDefinition) {
  const validate = definition.validateResult;
  return (job: StageJob, result: unknown): StageOutcome<unknown> => {
    if (validate === undefined) return go(null);
    // Validated as it will be stored: a JSON copy (Infinity is null there, a Date its ISO text).
    let stored: unknown;
    try {
      const text = JSON.stringify(result) as string | undefined;
      stored = text === undefined ? undefined : JSON.parse(text);
    } catch (error) {
      return fail(
        'SFR4304',
        'invalid-result',
        false,
        `SFR4304 the handler of ${jobName(job)} returned a result that is not JSON: ${errorText(error)}`,
      );
    }
    if (validate(stored)) return go(stored);
    const failures = failuresFrom(validate.errors ?? [], 'result');
    return fail(
      'SFR4304',
      'invalid-result',
      false,
      `SFR4304 the handler of ${jobName(job)} returned a result that is not a valid ${definition.resultType ?? 'result'}: ` +
        describeFailures(failures.length > 0 ? failures : [{ pointer: '/result', message: 'is not valid' }]),
    );
  };
}

/** The reason a handler's signal aborts when the worker's `stop()` gives up waiting for it. */
export class WorkerStoppedError extends Error {
  override readonly name = 'WorkerStoppedError';
}

/**
 * A failed attempt: the time limit (`time-limit`, SFR4305), the worker stopping (SFR4310), or the
 * handler's own error (`error`, SFR4307, its message kept). Each is retried: the backend
 * dead-letters the job after its last attempt.
 */
export function handlerFailure(job: StageJob, error: unknown): StageFailure {
  if (error instanceof TaskTimeLimitError)
    return { code: 'SFR4305', error: new TaskJobError(error.message, 'time-limit', true, { cause: error }) };
  if (error instanceof WorkerStoppedError)
    return {
      code: 'SFR4310',
      error: new TaskJobError(`SFR4310 ${jobName(job)} was interrupted: ${error.message}`, 'error', true, {
        cause: error,
      }),
    };
  return { code: 'SFR4307', error: new TaskJobError(errorText(error), 'error', true, { cause: error }) };
}

/** The results of a chain step's children could not be read (the backend failed): retried (SFR4309). */
export function previousFailure(job: StageJob, error: unknown): StageFailure {
  return {
    code: 'SFR4309',
    error: new TaskJobError(
      `SFR4309 the result of the step before ${jobName(job)} could not be read: ${errorText(error)}`,
      'error',
      true,
      { cause: error },
    ),
  };
}

/** What one attempt's handler gets to know its limits. */
export interface Attempt {
  /** Aborts at the time limit (reason: a `TaskTimeLimitError`) or when the worker stops. */
  signal: AbortSignal;
  /** Ms left before the time limit; `Infinity` without one. */
  timeLeftMs(): number;
}

export interface AttemptLimits {
  /** The task's time limit; absent: none. */
  timeoutMs?: number | undefined;
  /** The backend's signal: aborted when the worker's `stop()` gives up waiting. */
  stop: AbortSignal;
  /** The error the attempt fails with at its time limit. */
  timeLimitError(): TaskTimeLimitError;
}

/**
 * Runs one attempt: `run`'s outcome, unless the time limit passes first or the worker stops. Then
 * the attempt's signal aborts and the returned promise rejects at once (with the
 * `TaskTimeLimitError`, or a {@link WorkerStoppedError}), whether or not `run` ever settles; what
 * `run` does later is ignored.
 *
 * Made to cost little per job: one promise, one listener on `stop` while the attempt runs, a timer
 * only with a time limit, and the attempt's `AbortController` only once its `signal` is read (a
 * signal read after the cut is made aborted, with the cut's reason).
 */
export function runAttempt<T>(run: (attempt: Attempt) => Promise<T>, limits: AttemptLimits): Promise<T> {
  const { timeoutMs, stop } = limits;
  const deadline = timeoutMs === undefined ? Infinity : performance.now() + timeoutMs;
  let controller: AbortController | undefined;
  /** Set once the attempt is cut (time limit, stop): the signal's reason and the outcome. */
  let cutReason: Error | undefined;
  let settled = false;
  let timer: NodeJS.Timeout | undefined;
  const attempt: Attempt = {
    get signal() {
      if (controller === undefined) {
        controller = new AbortController();
        if (cutReason !== undefined) controller.abort(cutReason);
      }
      return controller.signal;
    },
    timeLeftMs: () => (deadline === Infinity ? Infinity : Math.max(0, Math.round(deadline - performance.now()))),
  };
  return new Promise<T>((resolve, reject) => {
    const end = (): boolean => {
      if (settled) return false;
      settled = true;
      if (timer !== undefined) clearTimeout(timer);
      stop.removeEventListener('abort', onStop);
      return true;
    };
    // Settled first, then aborted: a handler that settles in its abort listener did not finish in time either.
    const cut = (reason: Error): void => {
      if (!end()) return;
      cutReason = reason;
      controller?.abort(reason);
      reject(reason);
    };
    const onStop = (): void => cut(new WorkerStoppedError('the worker stopped before it finished; it runs again'));
    if (stop.aborted) {
      onStop();
      return;
    }
    stop.addEventListener('abort', onStop, { once: true });
    if (timeoutMs !== undefined) timer = setTimeout(() => cut(limits.timeLimitError()), timeoutMs);
    let running: Promise<T>;
    try {
      running = run(attempt);
    } catch (error) {
      running = Promise.reject(error as Error);
    }
    // A handler that settles after the cut settles unobserved, never as an unhandled rejection.
    running.then(
      (value) => {
        if (end()) resolve(value);
      },
      (error: unknown) => {
        if (end()) reject(error as Error);
      },
    );
  });
}
