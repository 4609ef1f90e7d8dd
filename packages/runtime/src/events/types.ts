/**
 * The public shapes of SpecFirst's events: what generated code hands the runtime (a
 * {@link TopicDefinition} per topic) and what a service's code sees (publish options, the handler
 * context, the consumers' lifecycle). The loops live in the runtime; generated files hold these
 * tables and thin typed wrappers.
 */
import type { IRRetryPolicy } from '@specfirst/spec-core';
import type { Logger } from '../logger.js';
import type { CompiledValidator } from '../validation.js';
import type { EntryFields, EventBroker, Trim } from './broker.js';

/** One topic of `spec/events.yaml`, as generated code declares it (`orderCreatedTopic`). */
export interface TopicDefinition<Message = unknown> {
  /** The topic name, which is also its stream's key after the key prefix (`order.created`). */
  name: string;
  /** The message model (`OrderCreated`), written on the wire as `type`. */
  messageType: string;
  /** The topic's `version`, written on the wire as `version`. */
  version: number;
  /** `attempts` is the delivery cap. */
  retry: IRRetryPolicy;
  /** The declared dead-letter topic; absent: `<topic>:dead-letter`. */
  deadLetter?: string;
  claimAfterMs: number;
  retention?: Trim;
  startFrom: 'beginning' | 'new';
  concurrency: number;
  orderingKey?: string;
  idempotencyKey?: string;
  /** The precompiled validator of the message model. */
  validate: CompiledValidator;
  /** Type-level only: the message type, so that `publish(topic, message)` checks `message`. */
  readonly message?: Message;
}

export interface PublishOptions {
  /** The message id (`id` on the wire); default a random UUID. */
  id?: string;
  /** The request that caused the message (`request-id`). */
  requestId?: string;
  /** W3C trace context (`traceparent`). */
  traceparent?: string;
}

/** Where a publisher writes: a stream (through a broker) or a transactional outbox. */
export interface EventSink {
  /** Writes one encoded, valid message for `topic`; returns the stream entry id (or the outbox row's id). */
  send(topic: TopicDefinition, fields: EntryFields): Promise<string>;
}

/** What a handler receives beside the message. */
export interface EventContext {
  topic: string;
  /** The stream entry id. */
  entryId: string;
  /** The message id (`id` on the wire). */
  messageId: string;
  /** How many times this service's group has delivered the entry, this time included. */
  deliveries: number;
  idempotencyKey?: string;
  requestId?: string;
  traceparent?: string;
  logger: Logger;
  /** Aborted when `stop()` gives up waiting for the handler; the entry stays pending. */
  signal: AbortSignal;
}

export type EventHandler<Message> = (message: Message, context: EventContext) => Promise<void> | void;

export interface ConsumerOptions {
  broker: EventBroker;
  /** This replica's consumer name in each group; default `<hostname>:<pid>`. A stable name lets a restarted replica drain its own pending entries at once. */
  consumer?: string;
  /** Prefix of every stream key (tests use their own). Default ''. */
  prefix?: string;
  logger?: Logger;
  /** How long one blocking read waits. Default 2000 ms. */
  blockMs?: number;
  /** Entries read at once per topic. Default 64. */
  batchSize?: number;
  /** How long `stop()` waits for handlers in flight. Default 10000 ms. */
  shutdownTimeoutMs?: number;
}

export interface Consumers {
  /** Creates the groups (once), drains this consumer's own pending entries, then reads new ones. */
  start(): Promise<void>;
  /** Stops reading, waits for handlers in flight up to `shutdownTimeoutMs`, leaves unfinished entries pending. */
  stop(): Promise<void>;
}
