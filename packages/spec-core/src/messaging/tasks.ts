/**
 * `@specfirst/spec-core/tasks`: how a task of `spec/tasks.yaml` lives on a queue. The runtime's
 * producers and workers (in memory and on BullMQ), `specfirst tasks` and the docs all ask this
 * module, so the name of a queue, of its dead-letter queue and of a schedule, and the shape of a
 * job's data, are written down once.
 *
 * One queue per worker service, named after it (`mailer`): a job's name is its task's name
 * (`sendReceipt`), and its data is a {@link TaskJobData}. BullMQ refuses `:` in queue names and job
 * ids, so every name here is made of a service name (kebab-case) or a task name (camelCase) and `-`.
 */
import type { IRTask } from '../ir/ir.js';

/** Version of {@link TaskJobData}'s shape: a worker refuses (dead-letters) a job of another version. */
export const TASK_JOB_VERSION = 1;

/** The data of one job, as it is stored on the queue (JSON). */
export interface TaskJobData {
  /** {@link TASK_JOB_VERSION}. */
  v: number;
  /** The task's args, valid for its args model when enqueued; absent when `fromPrevious`. */
  args?: unknown;
  /** A chain's later step: its args are the result of its one child job (the step before). */
  fromPrevious?: true;
  /** The request that enqueued the job, when there was one. */
  requestId?: string;
  /** W3C trace context of the enqueuer, when it had one. */
  traceparent?: string;
}

/** The queue of a worker service's jobs: the service name (`mailer`). */
export function taskQueueName(worker: Pick<IRTask, 'worker'> | string): string {
  return typeof worker === 'string' ? worker : worker.worker;
}

/**
 * Suffix of a worker's dead-letter queue. A service name may end so too: spec-core refuses two
 * workers `mailer` and `mailer-dead-letter` that both run tasks (SF5013), as they would share a queue.
 */
export const DEAD_LETTER_QUEUE_SUFFIX = '-dead-letter';

/**
 * The queue holding a worker's dead letters (`mailer-dead-letter`): jobs that failed their last
 * attempt, failed for good (invalid args, an invalid result), or stalled too often. No worker
 * processes it; `specfirst tasks dead-letters` lists it and `specfirst tasks retry` sends its jobs back.
 */
export function deadLetterQueueName(worker: Pick<IRTask, 'worker'> | string): string {
  return `${taskQueueName(worker)}${DEAD_LETTER_QUEUE_SUFFIX}`;
}

/** Prefix of the schedules SpecFirst owns on a queue: a worker removes those of tasks that lost their `schedule`, and no other. */
export const SCHEDULE_ID_PREFIX = 'specfirst-schedule-';

/** The id of a task's schedule (BullMQ job scheduler) on its worker's queue: `specfirst-schedule-purgeCarts`. */
export function scheduleId(task: Pick<IRTask, 'name'> | string): string {
  return `${SCHEDULE_ID_PREFIX}${typeof task === 'string' ? task : task.name}`;
}
