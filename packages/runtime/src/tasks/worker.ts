/**
 * Workers: one per worker service, taking the jobs of its queue (`taskQueueName(service)`) from a
 * backend, `concurrency` at a time, and running each through the stages of ./work-stages.ts:
 *
 *     decode → args → handle (in process, or sandboxed; time limit) → result → complete | retry | dead-letter
 *
 * The processor resolves to the job's result or rejects with a `TaskJobError` that says whether
 * to retry; the backend carries that out (backoff, the last attempt, the dead-letter queue). Each
 * failure is logged once, with its code. `start()` first brings the queue's schedules in line with
 * the spec; `stop()` takes no new job, waits for those running up to `shutdownTimeoutMs`, then
 * aborts their signals (they run again later).
 */
import { SCHEDULE_ID_PREFIX, scheduleId, TASK_JOB_VERSION, taskQueueName } from '@specfirst/spec-core/tasks';
import { SpecFirstRuntimeError } from '../errors.js';
import { callContextFrom, runInCallContext } from '../internal/call-context.js';
import { childLogger, jsonLogger, type Logger } from '../logger.js';
import { within } from '../events/consumer.js';
import { checkBackend, checkDefinitions } from './checks.js';
import type { TaskJobError } from './job-error.js';
import { createSandboxRunner, isSandboxed } from './sandbox.js';
import { TaskTimeLimitError } from './task-errors.js';
import type {
  ActiveJob,
  HandlerRunner,
  JobProcessor,
  Processing,
  SandboxedHandlers,
  TaskBackend,
  TaskContext,
  TaskDefinition,
  TaskHandler,
  TaskWorker,
  WorkerOptions,
} from './types.js';
import {
  argsStage,
  decodeStage,
  handlerFailure,
  previousFailure,
  resultStage,
  runAttempt,
  type StageFailure,
} from './work-stages.js';

export const WORKER_DEFAULTS = { concurrency: 1, shutdownTimeoutMs: 10000 } as const;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each task has its own args and result
type Handlers = Record<string, TaskHandler<any, any>>;

interface Settings {
  service: string;
  queue: string;
  backend: TaskBackend;
  tasks: Map<string, TaskDefinition>;
  handlers: Handlers | SandboxedHandlers<unknown>;
  logger: Logger;
  concurrency: number;
  shutdownTimeoutMs: number;
}

/**
 * The worker of `service`: runs the tasks of `definitions` (each of this worker) with `handlers`,
 * one function per task, or `sandboxed(module)` to run them in child processes. Checks everything
 * at once (SFR1301–SFR1308), so that a misconfigured worker does not start.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each task has its own args and result
export function createWorker<H extends { [K in keyof H]: TaskHandler<any, any> }>(
  service: string,
  definitions: Record<string, TaskDefinition>,
  handlers: H | SandboxedHandlers<H>,
  options: WorkerOptions,
): TaskWorker {
  const settings = checkWorker(service, definitions, handlers as Handlers | SandboxedHandlers<unknown>, options);
  const { backend, queue, logger, shutdownTimeoutMs } = settings;
  // Made now, so that a sandbox's bad options throw here (SFR1323, SFR1324); its children start with start().
  const runner = createRunner(settings);
  let state: 'new' | 'started' | 'stopped' = 'new';
  let starting: Promise<void> | undefined;
  let stopping: Promise<void> | undefined;
  let processing: Processing | undefined;

  // A function, not a comparison: stop() may change the state while run() awaits.
  const stopped = (): boolean => state === 'stopped';
  const run = async (): Promise<void> => {
    // Sandboxed handlers: their children import the module first, so a broken one fails start() (SFR132x).
    await runner.ready?.();
    if (stopped()) return;
    await syncSchedules(settings);
    if (stopped()) return;
    const opened = await backend.process(queue, processor(settings, runner), {
      concurrency: settings.concurrency,
      logger,
    });
    if (stopped()) {
      // stop() gave up waiting for this start: close what it opened.
      await opened.close(shutdownTimeoutMs);
      await runner.close();
      return;
    }
    processing = opened;
    logger.info({ queue, concurrency: settings.concurrency }, 'the worker takes jobs');
  };

  return {
    start() {
      if (state === 'stopped')
        return Promise.reject(
          new SpecFirstRuntimeError(
            'SFR4308',
            `the worker of \`${service}\` was stopped`,
            'create a new worker (create<Worker>Worker) to take jobs again',
          ),
        );
      if (starting === undefined) {
        state = 'started';
        starting = run().catch((error: unknown) => {
          // A failed start (the backend unreachable) may be tried again.
          if (state === 'started') {
            state = 'new';
            starting = undefined;
          }
          throw error;
        });
      }
      return starting;
    },
    stop() {
      if (stopping !== undefined) return stopping;
      const wasStarting = state === 'started' ? starting : undefined;
      state = 'stopped';
      stopping = (async () => {
        // Bounded like the rest of stop(): a start() stuck on an unreachable backend must not hold it.
        if (wasStarting !== undefined) await within(wasStarting, shutdownTimeoutMs);
        try {
          await processing?.close(shutdownTimeoutMs);
        } finally {
          await runner.close();
        }
      })();
      return stopping;
    },
  };
}

function checkWorker(
  service: string,
  definitions: Record<string, TaskDefinition>,
  handlers: Handlers | SandboxedHandlers<unknown>,
  options: WorkerOptions,
): Settings {
  if (typeof service !== 'string' || service.trim() === '')
    throw new SpecFirstRuntimeError(
      'SFR1302',
      `createWorker needs the name of the worker service; got ${JSON.stringify(service)}`,
      'pass the service name of spec/services.yaml: it names the queue (generated create<Worker>Worker do)',
    );
  const who = `the worker of \`${service}\``;
  const backend = checkBackend((options as Partial<WorkerOptions> | undefined)?.backend, who);
  const tasks = checkDefinitions(definitions);
  for (const task of tasks.values())
    if (task.worker !== service)
      throw new SpecFirstRuntimeError(
        'SFR1303',
        `${who} is given task \`${task.name}\`, which worker \`${task.worker}\` runs`,
        `give each worker only its own tasks: \`${task.name}\` goes to the queue of \`${task.worker}\` (generated create<Worker>Worker do)`,
      );
  if (!isSandboxed(handlers)) {
    const given = typeof handlers === 'object' && handlers !== null ? handlers : {};
    const missing = [...tasks.keys()].filter((name) => typeof (given as Handlers)[name] !== 'function');
    if (missing.length > 0)
      throw new SpecFirstRuntimeError(
        'SFR1304',
        `${who} has no handler function for task${missing.length > 1 ? 's' : ''} ${missing.map((m) => `\`${m}\``).join(', ')}`,
        `pass { ${missing.map((m) => `${m}: (args, context) => …`).join(', ')} }: the worker's generated handlers interface lists them`,
      );
    const extra = Object.keys(given).filter((name) => !tasks.has(name));
    if (extra.length > 0)
      throw new SpecFirstRuntimeError(
        'SFR1305',
        `${who} is given a handler for ${extra.map((m) => `\`${m}\``).join(', ')}, which it does not run (it runs ${[...tasks.keys()].map((m) => `\`${m}\``).join(', ') || 'nothing'})`,
        'remove the handler, or declare the task with this worker in spec/tasks.yaml and run `specfirst sync`',
      );
  }
  const integer = (key: keyof typeof WORKER_DEFAULTS): number => {
    const value = options[key] ?? WORKER_DEFAULTS[key];
    if (!Number.isSafeInteger(value) || value < 1)
      throw new SpecFirstRuntimeError(
        'SFR1306',
        `options.${key} of ${who} must be a positive integer; got ${String(value)}`,
        `leave it unset for the default (${WORKER_DEFAULTS[key]}), or give a whole number of 1 or more`,
      );
    return value;
  };
  const concurrency = integer('concurrency');
  const shutdownTimeoutMs = integer('shutdownTimeoutMs');
  return {
    service,
    queue: taskQueueName(service),
    backend,
    tasks,
    handlers,
    logger: childLogger(options.logger ?? jsonLogger(), { worker: service }),
    concurrency,
    shutdownTimeoutMs,
  };
}

/**
 * Upserts the schedule of every scheduled task (args `{}`: defaults are applied when it runs), then
 * removes the schedules SpecFirst made on this queue for tasks that no longer have one.
 */
async function syncSchedules({ backend, queue, tasks, logger }: Settings): Promise<void> {
  const wanted = new Set<string>();
  for (const task of tasks.values()) {
    if (task.schedule === undefined) continue;
    const id = scheduleId(task.name);
    wanted.add(id);
    await backend.upsertSchedule({
      id,
      queue,
      task: task.name,
      pattern: task.schedule,
      data: { v: TASK_JOB_VERSION, args: {} },
      retry: task.retry,
    });
  }
  for (const id of await backend.scheduleIds(queue)) {
    if (!id.startsWith(SCHEDULE_ID_PREFIX) || wanted.has(id)) continue;
    await backend.removeSchedule(queue, id);
    logger.info({ queue, scheduleId: id }, 'removed the schedule of a task that no longer has one in the spec');
  }
}

/** Runs handlers in this process (they share its event loop), or in child processes when sandboxed. */
function createRunner({ handlers, concurrency, logger, tasks }: Settings): HandlerRunner & { ready?(): Promise<void> } {
  if (isSandboxed(handlers))
    return createSandboxRunner(handlers, { size: concurrency, logger, tasks: [...tasks.keys()] });
  const own = handlers;
  return {
    // A handler that throws before its first await rejects like one that throws after (no async
    // wrapper: one promise less per job).
    run: (task, args, context) => {
      try {
        return Promise.resolve(own[task]!(args, context) as unknown);
      } catch (error) {
        return Promise.reject(error as Error);
      }
    },
    close: () => Promise.resolve(),
  };
}

/** The job processor the backend calls: the stages, in order, and one log entry per failure. */
function processor(settings: Settings, runner: HandlerRunner): JobProcessor {
  const decode = decodeStage(settings.tasks);
  const stages = new Map(
    [...settings.tasks.values()].map((task) => [task.name, { args: argsStage(task), result: resultStage(task) }]),
  );

  const failed = (job: ActiveJob, definition: TaskDefinition | undefined, failure: StageFailure): TaskJobError => {
    const { code, error } = failure;
    const attempts = definition?.retry.attempts;
    const retried = error.retry && attempts !== undefined && job.attempt < attempts;
    const fields = {
      code,
      task: job.name,
      jobId: job.id,
      attempt: job.attempt,
      ...(attempts === undefined ? {} : { attempts }),
      reason: error.reason,
      error: error.message,
    };
    // The backend gave up on the job and logs that itself (it puts the job back): no second warning.
    if (code === 'SFR4310')
      settings.logger.debug(fields, `${code} the worker stopped while the job ran; it runs again`);
    else if (retried) settings.logger.warn(fields, `${code} the attempt failed; the job is retried`);
    else settings.logger.error(fields, `${code} the job failed for good; it is dead-lettered`);
    return error;
  };

  return async (job, signal) => {
    const decoded = decode(job);
    if (!decoded.ok) throw failed(job, undefined, decoded.failure);
    const { definition, data } = decoded.value;
    const { args: argsOf, result: resultOf } = stages.get(definition.name)!;
    let previous: unknown[] | undefined;
    if (data.fromPrevious === true) {
      try {
        previous = await job.childrenResults();
      } catch (error) {
        throw failed(job, definition, previousFailure(job, error));
      }
    }
    const args = argsOf(job, data, previous);
    if (!args.ok) throw failed(job, definition, args.failure);

    let result: unknown;
    try {
      result = await runAttempt(
        (attempt) => {
          let logger: Logger | undefined;
          const context: TaskContext = {
            task: definition.name,
            jobId: job.id,
            attempt: job.attempt,
            attempts: definition.retry.attempts,
            // Read when the handler reads them: most handlers never touch the signal or the logger.
            get signal() {
              return attempt.signal;
            },
            timeLeftMs: attempt.timeLeftMs,
            get logger() {
              return (logger ??= childLogger(settings.logger, { task: job.name, jobId: job.id, attempt: job.attempt }));
            },
            childrenResults: () => job.childrenResults(),
          };
          if (data.requestId !== undefined) context.requestId = data.requestId;
          if (data.traceparent !== undefined) context.traceparent = data.traceparent;
          // Inside the job's call context: internal calls the handler makes pass its trace on.
          return runInCallContext(callContextFrom(data), () => runner.run(definition.name, args.value, context));
        },
        {
          timeoutMs: definition.timeoutMs,
          stop: signal,
          timeLimitError: () => new TaskTimeLimitError(definition.name, job.id, job.attempt, definition.timeoutMs ?? 0),
        },
      );
    } catch (error) {
      throw failed(job, definition, handlerFailure(job, error));
    }
    const checked = resultOf(job, result);
    if (!checked.ok) throw failed(job, definition, checked.failure);
    return checked.value;
  };
}
