/**
 * Enqueuing: validate a task's args with its precompiled validator, check the options, build the
 * job (a {@link JobSpec}: the worker's queue, the task's name and retry policy, {@link TaskJobData})
 * and hand it to the backend. Invalid args throw {@link TaskValidationError} (SFR4301), bad options
 * {@link TaskOptionsError} (SFR4302), and nothing is enqueued.
 *
 * Chains are flows: `chain(a, 'b', 'c')` is job c with child b with child a; b and c carry
 * `fromPrevious` and get their one child's result as args. A group is several jobs added at once.
 * Generated `create<Service>Tasks(backend)` are thin typed wrappers over {@link createTasks}.
 */
import { TASK_JOB_VERSION, taskQueueName, type TaskJobData } from '@specfirst/spec-core/tasks';
import { MAX_TIMER_MS } from '../events/backoff.js';
import { checkBackend, checkDefinitions } from './checks.js';
import { argsFailures, TaskOptionsError, TaskValidationError } from './task-errors.js';
import type {
  EnqueueOptions,
  JobSpec,
  TaskBackend,
  TaskDefinition,
  TaskGroup,
  TaskHandle,
  TaskMap,
  TaskOutcome,
  TaskProducer,
  TaskStep,
} from './types.js';

/** How long `handle.result()` waits without a `timeoutMs`. */
export const RESULT_TIMEOUT_MS = 30_000;

/** BullMQ's lowest priority (2^21); 1 is the highest. */
export const MAX_PRIORITY = 2_097_152;

const OPTION_KEYS: ReadonlySet<string> = new Set<keyof EnqueueOptions>([
  'delayMs',
  'priority',
  'jobId',
  'parent',
  'requestId',
  'traceparent',
]);

/**
 * The producer of a service's tasks: `enqueue` any task (the definition carries its types), `chain`
 * and `group` the tasks of `definitions` by name, checked against the task map `M` at compile time.
 */
export function createTasks<M extends TaskMap<M>>(
  definitions: Record<string, TaskDefinition>,
  options: { backend: TaskBackend },
): TaskProducer<M> {
  const backend = checkBackend((options as Partial<typeof options> | undefined)?.backend, 'createTasks');
  const byName = checkDefinitions(definitions);

  const lookup = (task: unknown, where: string): TaskDefinition => {
    const definition = typeof task === 'string' ? byName.get(task) : undefined;
    if (definition === undefined)
      throw new TaskOptionsError(
        `${where} names task ${JSON.stringify(task)}, which is not one of this producer's (${[...byName.keys()].join(', ') || 'none'})`,
        'name a task the service enqueues (its `consumes.tasks` in spec/services.yaml)',
      );
    return definition;
  };

  const handle = <Result>(definition: TaskDefinition, id: string): TaskHandle<Result> => {
    const queue = taskQueueName(definition.worker);
    return {
      id,
      queue,
      task: definition.name,
      result: async (resultOptions) =>
        (await backend.outcome(queue, id, resultTimeout(resultOptions))) as TaskOutcome<Result>,
    };
  };

  return {
    async enqueue<Args, Result>(
      definition: TaskDefinition<Args, Result>,
      args: NoInfer<Args>,
      enqueueOptions: EnqueueOptions = {},
    ): Promise<TaskHandle<Result>> {
      const checked = checkEnqueueOptions(enqueueOptions, 'options');
      const valid = validArgs(definition as TaskDefinition, args, 'args');
      const [id] = await backend.add([
        jobSpec(definition as TaskDefinition, jobData(valid, checked), {
          jobId: checked.jobId,
          delayMs: checked.delayMs,
          priority: checked.priority,
          parent: checked.parent,
        }),
      ]);
      return handle<Result>(definition as TaskDefinition, id!);
    },

    // The signatures (and the compile-time checks of a chain's steps) are TaskFlows'.
    async chain(first: TaskStep<M>, ...rest: readonly string[]) {
      if (typeof first !== 'object' || first === null)
        throw new TaskOptionsError(
          'chain() needs a first step { task, args, options? }',
          'pass the first task and its args',
        );
      const steps = [
        lookup(first.task, 'the chain'),
        ...rest.map((task, i) => lookup(task, `step ${i + 2} of the chain`)),
      ];
      const checked = checkEnqueueOptions(first.options ?? {}, 'first.options');
      const valid = validArgs(steps[0]!, first.args, 'args');
      const [id] = await backend.add([chainJob(steps, valid, checked)]);
      // eslint-disable-next-line @typescript-eslint/no-explicit-any -- typed by TaskFlows.chain's signature
      return handle<any>(steps.at(-1)!, id!);
    },

    async group(steps: readonly TaskStep<M>[]) {
      if (!Array.isArray(steps))
        throw new TaskOptionsError('group() needs an array of steps { task, args, options? }', 'pass [] or more steps');
      const jobs = steps.map((step: TaskStep<M>, i) => {
        if (typeof step !== 'object' || step === null)
          throw new TaskOptionsError(
            `step ${i + 1} of the group is not { task, args, options? }`,
            'pass a task and its args',
          );
        const definition = lookup(step.task, `step ${i + 1} of the group`);
        const checked = checkEnqueueOptions(step.options ?? {}, `steps[${i}].options`);
        const valid = validArgs(definition, step.args, `steps/${i}/args`);
        return {
          definition,
          spec: jobSpec(definition, jobData(valid, checked), {
            jobId: checked.jobId,
            delayMs: checked.delayMs,
            priority: checked.priority,
            parent: checked.parent,
          }),
        };
      });
      const ids = jobs.length === 0 ? [] : await backend.add(jobs.map((job) => job.spec));
      const handles = jobs.map((job, i) => handle<unknown>(job.definition, ids[i]!));
      const group: TaskGroup<unknown[]> = {
        handles,
        async results(resultOptions) {
          const timeoutMs = resultTimeout(resultOptions);
          // Waited for together: the group's wait is bounded by timeoutMs, not by timeoutMs per step.
          return Promise.all(handles.map((h) => backend.outcome(h.queue, h.id, timeoutMs)));
        },
      };
      // eslint-disable-next-line @typescript-eslint/no-explicit-any -- typed by TaskFlows.group's signature
      return group as any;
    },
  } as TaskProducer<M>;
}

/**
 * The args as they will be stored, with defaults applied, when they are valid for `definition`;
 * else TaskValidationError. Validated as a JSON copy, which is what a worker receives: `Infinity`
 * and `NaN` become `null`, a `Date` its ISO text, `undefined` in an array `null`.
 */
function validArgs(definition: TaskDefinition, args: unknown, part: string): unknown {
  let copy: unknown;
  try {
    // The caller's object stays as it was: the validator applies defaults to what it checks.
    const text = JSON.stringify(args) as string | undefined;
    copy = text === undefined ? undefined : JSON.parse(text);
  } catch (error) {
    throw new TaskValidationError(definition, [
      { pointer: `/${part}`, message: `is not JSON (${error instanceof Error ? error.message : String(error)})` },
    ]);
  }
  const failures = argsFailures(definition, copy, part);
  if (failures.length > 0) throw new TaskValidationError(definition, failures);
  return copy;
}

export interface CheckedOptions {
  delayMs?: number;
  priority?: number;
  jobId?: string;
  parent?: { id: string; queue: string };
  requestId?: string;
  traceparent?: string;
}

const JOB_ID_HINT = "give a job id that is not only digits and has no `:` (BullMQ's rules), such as `receipt-42`";

/** The enqueue options when each is valid, else TaskOptionsError naming `where` (`options`, `first.options`). */
export function checkEnqueueOptions(options: EnqueueOptions, where: string): CheckedOptions {
  if (typeof options !== 'object' || options === null || Array.isArray(options))
    throw new TaskOptionsError(
      `${where} must be an object; got ${JSON.stringify(options)}`,
      'pass { delayMs?, priority?, jobId?, parent? } or nothing',
    );
  const unknown = Object.keys(options).filter((key) => !OPTION_KEYS.has(key));
  if (unknown.length > 0)
    throw new TaskOptionsError(
      `${where} has unknown option${unknown.length > 1 ? 's' : ''} ${unknown.map((key) => `\`${key}\``).join(', ')}`,
      `the options are ${[...OPTION_KEYS].map((key) => `\`${key}\``).join(', ')}`,
    );
  const { delayMs, priority, jobId, parent, requestId, traceparent } = options;
  if (delayMs !== undefined && (!Number.isSafeInteger(delayMs) || delayMs < 0 || delayMs > MAX_TIMER_MS))
    throw new TaskOptionsError(
      `${where}.delayMs must be a whole number of ms from 0 to ${MAX_TIMER_MS}; got ${String(delayMs)}`,
      'leave it unset to run the job as soon as a worker is free',
    );
  if (priority !== undefined && (!Number.isSafeInteger(priority) || priority < 1 || priority > MAX_PRIORITY))
    throw new TaskOptionsError(
      `${where}.priority must be a whole number from 1 (highest) to ${MAX_PRIORITY}; got ${String(priority)}`,
      'leave it unset for first in, first out, before every prioritised job',
    );
  if (jobId !== undefined) {
    if (typeof jobId !== 'string' || jobId === '')
      throw new TaskOptionsError(
        `${where}.jobId must be a non-empty string; got ${JSON.stringify(jobId)}`,
        JOB_ID_HINT,
      );
    if (jobId.includes(':'))
      throw new TaskOptionsError(`${where}.jobId ${JSON.stringify(jobId)} contains \`:\``, JOB_ID_HINT);
    if (/^\d+$/.test(jobId))
      throw new TaskOptionsError(
        `${where}.jobId ${JSON.stringify(jobId)} is only digits, like the ids the backend gives`,
        JOB_ID_HINT,
      );
  }
  if (
    parent !== undefined &&
    (typeof parent !== 'object' ||
      parent === null ||
      typeof parent.id !== 'string' ||
      parent.id === '' ||
      typeof parent.queue !== 'string' ||
      parent.queue === '')
  )
    throw new TaskOptionsError(
      `${where}.parent must have the id and the queue of a job; got ${JSON.stringify(parent)}`,
      'pass the handle enqueue<Task>() returned for the parent job, or { id, queue }',
    );
  for (const [key, value] of [
    ['requestId', requestId],
    ['traceparent', traceparent],
  ] as const)
    if (value !== undefined && typeof value !== 'string')
      throw new TaskOptionsError(
        `${where}.${key} must be a string; got ${JSON.stringify(value)}`,
        `pass the ${key} as text, or leave it unset`,
      );
  return defined({
    delayMs,
    priority,
    jobId,
    parent: parent === undefined ? undefined : { id: parent.id, queue: parent.queue },
    requestId,
    traceparent,
  });
}

/** `result()`'s wait: `timeoutMs` (0 or more whole ms), default {@link RESULT_TIMEOUT_MS}. */
function resultTimeout(options: { timeoutMs?: number } | undefined): number {
  const timeoutMs = options?.timeoutMs ?? RESULT_TIMEOUT_MS;
  if (!Number.isSafeInteger(timeoutMs) || timeoutMs < 0 || timeoutMs > MAX_TIMER_MS)
    throw new TaskOptionsError(
      `result() options.timeoutMs must be a whole number of ms from 0 to ${MAX_TIMER_MS}; got ${String(timeoutMs)}`,
      `leave it unset to wait up to ${RESULT_TIMEOUT_MS} ms`,
    );
  return timeoutMs;
}

/**
 * The job of a chain: the last step, with the step before as its only child, and so on down to the
 * first, which has the args; the later steps take the previous result (`fromPrevious`). `jobId` and
 * `parent` go to the last step (the chain's own job, whose handle `chain` returns), `delayMs` to the
 * first, `priority`, `requestId` and `traceparent` to every step.
 */
export function chainJob(steps: readonly TaskDefinition[], args: unknown, options: CheckedOptions): JobSpec {
  const shared = { priority: options.priority };
  let job = jobSpec(steps[0]!, jobData(args, options), { ...shared, delayMs: options.delayMs });
  for (const definition of steps.slice(1))
    job = { ...jobSpec(definition, jobData(undefined, options, true), shared), children: [job] };
  return { ...job, ...defined({ jobId: options.jobId, parent: options.parent }) };
}

/** A job's data: the args (or, for a chain's later step, `fromPrevious`), the request id and trace context. */
function jobData(args: unknown, options: CheckedOptions, fromPrevious = false): TaskJobData {
  return {
    v: TASK_JOB_VERSION,
    ...(fromPrevious ? { fromPrevious: true as const } : { args }),
    ...defined({ requestId: options.requestId, traceparent: options.traceparent }),
  };
}

/** Where and when a job goes: the options of {@link JobSpec} a caller sets (undefined: unset). */
type JobPlacement = { [K in 'jobId' | 'delayMs' | 'priority' | 'parent']?: JobSpec[K] | undefined };

/** The job of one task: its worker's queue, its name and retry policy, and the options that are set. */
export function jobSpec(definition: TaskDefinition, data: TaskJobData, options: JobPlacement): JobSpec {
  return {
    queue: taskQueueName(definition.worker),
    name: definition.name,
    data,
    retry: definition.retry,
    ...defined(options),
  };
}

/** `object` without its undefined members (job specs and data hold only what is set). */
function defined<T extends object>(object: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  // A loop, not Object.entries/fromEntries: this runs a few times per enqueue.
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(object)) {
    const value = (object as Record<string, unknown>)[key];
    if (value !== undefined) out[key] = value;
  }
  return out as { [K in keyof T]?: Exclude<T[K], undefined> };
}
