/** What every service of the shop is started with, in one process or each in its own. */
import type { Logger } from '@specfirst/runtime';
import type { EventBroker } from '@specfirst/runtime/events';
import type { Settings } from './settings.js';

export interface ServiceOptions {
  /** The event transport: `memoryBroker()` in one process, `redisBroker(url)` across processes. */
  broker: EventBroker;
  settings: Settings;
  /** Prefix of every stream key (tests use their own). Default ''. */
  prefix?: string;
  /** Default: the spec's port (services.yaml); 0 picks a free one. */
  port?: number;
  host?: string;
  logger?: Logger;
  /** This replica's consumer name in its groups (default `<hostname>:<pid>`). */
  consumer?: string;
}

export interface RunningService {
  name: string;
  /** Where its API answers (HTTP services). */
  url?: string;
  /** Stops consuming (in-flight handlers finish or stay pending), then stops listening. */
  stop(): Promise<void>;
}
