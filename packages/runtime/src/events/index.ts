/**
 * `@specfirst/runtime/events`: what generated event code and services import. The Redis broker is
 * `@specfirst/runtime/events/redis`, so nothing here loads ioredis.
 */
export type {
  AutoClaimResult,
  DeliveredEntry,
  EntryFields,
  EventBroker,
  PendingSummary,
  ReadOptions,
  StreamEntry,
  Trim,
} from './broker.js';
export { NoGroupError } from './broker.js';
export type {
  ConsumerOptions,
  Consumers,
  EventContext,
  EventHandler,
  EventSink,
  PublishOptions,
  TopicDefinition,
} from './types.js';
export { decode, encode, keyValue, type Decoded, type MessageMeta } from './codec.js';
export {
  brokerSink,
  eventSink,
  EventValidationError,
  messageFailures,
  publish,
  type BrokerSinkOptions,
} from './publish.js';
