/** What every service of the shop is started with, in one process or each in its own. */
import type { Logger } from '@specfirst/runtime';
import type { EventBroker } from '@specfirst/runtime/events';
import type { TaskBackend } from '@specfirst/runtime/tasks';
import type { Settings } from './settings.js';

export interface ServiceOptions {
  /** The event transport: `memoryBroker()` in one process, `redisBroker(url)` across processes. */
  broker: EventBroker;
  /** The task queues (orders and the mailer): `memoryTaskBackend()` in one process, `bullmqTaskBackend(...)` across processes. */
  tasks?: TaskBackend;
  settings: Settings;
  /** Prefix of every stream key (tests use their own). Default ''. */
  prefix?: string;
  /** Default: the spec's port (services.yaml); 0 picks a free one. */
  port?: number;
  host?: string;
  logger?: Logger;
  /** This replica's consumer name in its groups (default `<hostname>:<pid>`). */
  consumer?: string;
  /**
   * Where the services this one calls answer, as origins (`http://localhost:3001`): what its
   * internal clients are given. Default: the spec's ports on localhost.
   */
  peers?: { users?: string; orders?: string; billing?: string };
  /** The mailer's mailbox folder (`MAILBOX_DIR`): each receipt is appended to its `receipts.jsonl`. Default: in memory only. */
  mailboxDir?: string;
}

export interface RunningService {
  name: string;
  /** Where its API answers (HTTP services). */
  url?: string;
  /** Stops consuming and taking jobs (in-flight handlers finish or are run again later), then stops listening. */
  stop(): Promise<void>;
}

/** The task backend of a service that enqueues or runs tasks: it cannot start without one. */
export function tasksOf(service: string, options: Pick<ServiceOptions, 'tasks'>): TaskBackend {
  if (!options.tasks)
    throw new Error(`${service} enqueues or runs tasks: start it with a task backend (options.tasks)`);
  return options.tasks;
}
