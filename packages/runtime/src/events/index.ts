/**
 * `@specfirst/runtime/events`: SpecFirst's events without Redis's client. The Redis broker is
 * `@specfirst/runtime/events/redis`, so that this entry point never loads ioredis. One export per line
 * group, so that additions merge cleanly.
 */
export { BrokerError, NoGroupError } from './broker.js';
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
export { memoryBroker, type MemoryBroker, type MemoryBrokerOptions } from './memory-broker.js';
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
export { createConsumers, CONSUMER_DEFAULTS, type ConsumerBinding } from './consumer.js';
export {
  listDeadLetters,
  replayDeadLetters,
  replayFields,
  replayGroup,
  unhandledReplays,
  type DeadLetter,
  type DeadLetterTopic,
  type ListDeadLettersOptions,
  type Replayed,
  type ReplayDeadLettersOptions,
} from './dead-letters.js';
export { deduplicate, DeliveryInProgressError, type Deduplicated, type DeduplicateOptions } from './dedupe.js';
export { reconnectDelay, retryDelay } from './backoff.js';
export {
  createOutbox,
  pgOutboxDatabase,
  pgliteOutboxDatabase,
  type FailedOutboxRow,
  type Outbox,
  type OutboxDatabase,
  type OutboxOptions,
  type OutboxRelay,
  type PGliteLike,
  type PgPoolLike,
  type Queryable,
  type RelayOptions,
} from './outbox.js';
