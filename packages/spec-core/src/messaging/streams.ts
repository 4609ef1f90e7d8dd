/**
 * `@specfirst/spec-core/streams`: how a topic of `spec/events.yaml` lives on a Redis stream. The
 * runtime's publishers and consumers, the generated AsyncAPI documents and `specfirst events` all
 * ask this module, so the key of a stream, the name of a consumer group and the fields of an entry
 * are written down once.
 *
 * An entry is flat and readable by any Redis client (`redis-cli XRANGE order.created - +`):
 *
 *     id            1f0e…            the message id (a UUID unless the publisher gives one)
 *     type          OrderCreated     the message model
 *     version       1                the topic's `version`
 *     content-type  application/json
 *     payload       {"orderId":…}    the message, as JSON
 *     traceparent   00-…             W3C trace context, when the publisher had one
 *     request-id    …                the request that caused it, when there was one
 *     idempotency-key …              the value of the topic's `idempotencyKey` field, when it declares one
 *
 * A dead-lettered entry carries the same fields, plus the `dead-letter-*` fields below.
 */
import type { IRTopic } from '../ir/ir.js';

/** Field names of a stream entry. */
export const WIRE = {
  id: 'id',
  type: 'type',
  version: 'version',
  contentType: 'content-type',
  payload: 'payload',
  traceparent: 'traceparent',
  requestId: 'request-id',
  idempotencyKey: 'idempotency-key',
  /** Set by a replay: only this consumer group (service) handles the entry; the others acknowledge it unseen. */
  replayFor: 'replay-for',
} as const;

/** Fields a dead-letter entry adds to the original ones. */
export const DEAD_LETTER_WIRE = {
  error: 'dead-letter-error',
  /** `handler` (the handler failed on every delivery), `poison` (undecodable or invalid on receive). */
  reason: 'dead-letter-reason',
  deliveries: 'dead-letter-deliveries',
  topic: 'dead-letter-topic',
  entryId: 'dead-letter-entry',
  group: 'dead-letter-group',
  at: 'dead-letter-at',
} as const;

/** The only content type publishers write and consumers accept. */
export const MESSAGE_CONTENT_TYPE = 'application/json';

/**
 * Suffix of a topic's default dead-letter stream. `:` is never part of a topic name (see the naming
 * rules), so the default stream can never be a declared topic's.
 */
export const DEAD_LETTER_SUFFIX = ':dead-letter';

/** The key of a topic's stream: the topic name after an optional key prefix (`test:1:order.created`). */
export function streamKey(topic: Pick<IRTopic, 'name'> | string, prefix = ''): string {
  return `${prefix}${typeof topic === 'string' ? topic : topic.name}`;
}

/**
 * The key of the stream a topic's failed messages go to: its declared `deadLetter` topic's stream,
 * else `<topic>:dead-letter`.
 */
export function deadLetterStreamKey(topic: Pick<IRTopic, 'name' | 'deadLetter'>, prefix = ''): string {
  return topic.deadLetter === undefined
    ? `${prefix}${topic.name}${DEAD_LETTER_SUFFIX}`
    : streamKey(topic.deadLetter, prefix);
}

/** The consumer group of a service on a topic's stream: the service name, so replicas of one service share it. */
export function consumerGroup(service: string): string {
  return service;
}
