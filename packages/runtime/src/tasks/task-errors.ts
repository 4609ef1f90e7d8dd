/**
 * The coded errors of tasks that a service's code sees: invalid args or options to enqueue (thrown
 * before anything is enqueued), and a time limit passed (the reason a handler's signal aborts with).
 */
import { SpecFirstRuntimeError } from '../errors.js';
import { describeFailures } from '../events/publish.js';
import { failuresFrom, type ValidationFailure } from '../validation.js';
import type { JobSpec, TaskDefinition, TaskFailure } from './types.js';

/**
 * The failures of `args` against `task`'s args validator, with pointers from `/<part>` (`/args`,
 * `/steps/1/args`); empty when they are valid. The validator applies defaults to `args`.
 */
export function argsFailures(
  task: Pick<TaskDefinition, 'validateArgs'>,
  args: unknown,
  part = 'args',
): ValidationFailure[] {
  if (task.validateArgs(args)) return [];
  const failures = failuresFrom(task.validateArgs.errors ?? [], part);
  return failures.length > 0 ? failures : [{ pointer: `/${part}`, message: 'is not valid' }];
}

/** Args that do not fit their task's model: nothing was enqueued. `failures` says where and why. */
export class TaskValidationError extends SpecFirstRuntimeError {
  readonly task: string;
  readonly failures: ValidationFailure[];

  constructor(task: Pick<TaskDefinition, 'name' | 'argsType'>, failures: ValidationFailure[]) {
    super(
      'SFR4301',
      `the args for task \`${task.name}\` are not a valid ${task.argsType}: ${describeFailures(failures)}`,
      `nothing was enqueued; give every property the ${task.argsType} model of spec/tasks.yaml requires`,
    );
    this.name = 'TaskValidationError';
    this.task = task.name;
    this.failures = failures;
  }
}

/** An enqueue option (or a `result()` option) that is not valid: nothing was enqueued. */
export class TaskOptionsError extends SpecFirstRuntimeError {
  constructor(problem: string, hint: string) {
    super('SFR4302', problem, hint);
    this.name = 'TaskOptionsError';
  }
}

/** The reason a handler's `context.signal` aborts at its task's time limit (`timeoutMs`). */
export class TaskTimeLimitError extends SpecFirstRuntimeError {
  readonly task: string;
  readonly jobId: string;
  readonly timeoutMs: number;

  constructor(task: string, jobId: string, attempt: number, timeoutMs: number) {
    super(
      'SFR4305',
      `job ${jobId} of task \`${task}\` (attempt ${attempt}) ran past its time limit of ${timeoutMs} ms`,
      'have the handler stop when context.signal aborts (check context.timeLeftMs()), or raise timeoutMs in spec/tasks.yaml',
    );
    this.name = 'TaskTimeLimitError';
    this.task = task;
    this.jobId = jobId;
    this.timeoutMs = timeoutMs;
  }
}

/**
 * `retryDeadLetter` of a dead letter that never ran because a step before it failed (`previous-step`):
 * alone it has no args (a chain's later step takes the previous result) and no children to wait for.
 * Nothing changed: the dead letter stays.
 */
export class TaskRetryError extends SpecFirstRuntimeError {
  readonly queue: string;
  readonly jobId: string;

  constructor(letter: { queue: string; id: string; task: string; failure: { message: string } }) {
    super(
      'SFR4311',
      `dead letter ${letter.id} of \`${letter.task}\` (queue \`${letter.queue}\`) never ran because a step before it failed (${letter.failure.message}); a dead letter of a chain step whose previous step failed cannot be retried alone`,
      'after the fix, enqueue the chain (or flow) again; retrying the failed step’s own dead letter runs that step alone, and its result feeds no later step',
    );
    this.name = 'TaskRetryError';
    this.queue = letter.queue;
    this.jobId = letter.id;
  }
}

/** A job id given to `add` that is taken on its queue by a job (or dead letter) of another task: nothing was added. */
export function jobIdTakenError(spec: Pick<JobSpec, 'queue' | 'name' | 'jobId'>, task: string): TaskOptionsError {
  return new TaskOptionsError(
    `jobId ${JSON.stringify(spec.jobId)} is taken on queue \`${spec.queue}\` by a job of task \`${task}\`, not \`${spec.name}\`; nothing was enqueued`,
    `a job id names one job of one task: give \`${spec.name}\` an id of its own (such as \`${spec.name}-${String(spec.jobId)}\`)`,
  );
}

/**
 * Refuses one `add` (a group, a flow and its children) that gives two jobs of one queue the same job
 * id: they would be one job, whose handle answers for both. Throws a `TaskOptionsError` (SFR4302).
 */
export function checkDistinctJobIds(jobs: readonly JobSpec[]): void {
  const seen = new Map<string, string>();
  const visit = (spec: JobSpec): void => {
    if (spec.jobId !== undefined) {
      const key = JSON.stringify([spec.queue, spec.jobId]);
      const other = seen.get(key);
      if (other !== undefined)
        throw new TaskOptionsError(
          `jobId ${JSON.stringify(spec.jobId)} is given twice on queue \`${spec.queue}\` in one enqueue (tasks \`${other}\` and \`${spec.name}\`); nothing was enqueued`,
          'give each job of a group or flow an id of its own, or none',
        );
      seen.set(key, spec.name);
    }
    for (const child of spec.children ?? []) visit(child);
  };
  for (const spec of jobs) visit(spec);
}

/**
 * The message of a `previous-step` failure: the job's child (task and id) and the child's own
 * failure. Both backends write it, and the contract suite holds them to it.
 */
export function previousStepMessage(child: { task: string; id: string; failure: TaskFailure }): string {
  return `its child ${child.task} (job ${child.id}) failed (${child.failure.reason}): ${child.failure.message}`;
}
