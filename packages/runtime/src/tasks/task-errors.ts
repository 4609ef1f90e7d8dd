/**
 * The coded errors of tasks that a service's code sees: invalid args or options to enqueue (thrown
 * before anything is enqueued), and a time limit passed (the reason a handler's signal aborts with).
 */
import { SpecFirstRuntimeError } from '../errors.js';
import { describeFailures } from '../events/publish.js';
import { failuresFrom, type ValidationFailure } from '../validation.js';
import type { TaskDefinition } from './types.js';

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
