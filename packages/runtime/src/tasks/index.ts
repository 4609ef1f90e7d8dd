/**
 * `@specfirst/runtime/tasks`: SpecFirst's tasks without BullMQ. The BullMQ backend is
 * `@specfirst/runtime/tasks/bullmq`, so that this entry point never loads bullmq. One export per
 * line group, so that additions merge cleanly.
 */
export { TaskJobError } from './job-error.js';
export type {
  ActiveJob,
  DeadLetterJob,
  EnqueueOptions,
  JobProcessor,
  JobSpec,
  Processing,
  ScheduleSpec,
  TaskBackend,
  TaskContext,
  TaskDefinition,
  TaskFailure,
  TaskHandle,
  TaskHandler,
  TaskOutcome,
  TaskWorker,
  WorkerOptions,
} from './types.js';
export type { HandlerRunner, SandboxedHandlers, TaskMap, TaskStep } from './types.js';
export {
  createSandboxRunner,
  isSandboxed,
  sandboxed,
  SandboxError,
  type SandboxRunner,
  type SandboxRunnerOptions,
} from './sandbox.js';
export { DEFAULT_KEEP_COMPLETED, memoryTaskBackend, type MemoryTaskBackendOptions } from './memory-backend.js';
export type {
  ChainResult,
  ChainSteps,
  ExtraFields,
  GroupResults,
  GroupStep,
  TaskFlows,
  TaskGroup,
  TaskName,
  TaskProducer,
} from './types.js';
export { argsFailures, TaskOptionsError, TaskTimeLimitError, TaskValidationError } from './task-errors.js';
export { checkDistinctJobIds, jobIdTakenError, TaskRetryError } from './task-errors.js';
export { createTasks, MAX_PRIORITY, RESULT_TIMEOUT_MS } from './producer.js';
export { createWorker, WORKER_DEFAULTS } from './worker.js';
