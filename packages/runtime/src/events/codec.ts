/**
 * The wire format of an event: a message and its metadata as the flat, readable fields of one
 * stream entry (`WIRE` in `@specfirst/spec-core/streams`), and back. Any Redis client can write an
 * entry a consumer accepts:
 *
 *     XADD order.created * id 1 type OrderCreated version 1 content-type application/json payload '{"orderId":"o1"}'
 *
 * Decoding never throws: an entry it cannot read is poison, and the consumer dead-letters it with
 * the reason {@link decode} gives.
 */
import { randomUUID } from 'node:crypto';
import { MESSAGE_CONTENT_TYPE, WIRE } from '@specfirst/spec-core/streams';
import type { EntryFields } from './broker.js';
import type { PublishOptions, TopicDefinition } from './types.js';

/** What an entry says about its message, beside the message itself. */
export interface MessageMeta {
  /** The message id (`id`); the entry id when a hand-written entry has none. */
  id: string;
  type?: string;
  version?: number;
  requestId?: string;
  traceparent?: string;
  idempotencyKey?: string;
  /** Set by a replay for one consumer group: the others acknowledge the entry without handling it. */
  replayFor?: string;
}

export type Decoded = { ok: true; message: unknown; meta: MessageMeta } | { ok: false; reason: string };

/** The value of a top-level property of `message`, as text (ordering and idempotency keys): absent unless a string or a finite number. */
export function keyValue(message: unknown, property: string | undefined): string | undefined {
  if (property === undefined || message === null || typeof message !== 'object') return undefined;
  if (!Object.prototype.hasOwnProperty.call(message, property)) return undefined;
  const value = (message as Record<string, unknown>)[property];
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'bigint') return value.toString();
  return undefined;
}

/** The fields of the entry that carries `message` on `topic`'s stream. */
export function encode(
  topic: Pick<TopicDefinition, 'messageType' | 'version' | 'idempotencyKey'>,
  message: unknown,
  options: PublishOptions = {},
): EntryFields {
  const payload = JSON.stringify(message);
  if (payload === undefined) throw new TypeError('an event message must be a JSON value');
  const fields: EntryFields = {
    [WIRE.id]: options.id ?? randomUUID(),
    [WIRE.type]: topic.messageType,
    [WIRE.version]: String(topic.version),
    [WIRE.contentType]: MESSAGE_CONTENT_TYPE,
    [WIRE.payload]: payload,
  };
  if (options.traceparent !== undefined) fields[WIRE.traceparent] = options.traceparent;
  if (options.requestId !== undefined) fields[WIRE.requestId] = options.requestId;
  const idempotencyKey = keyValue(message, topic.idempotencyKey);
  if (idempotencyKey !== undefined) fields[WIRE.idempotencyKey] = idempotencyKey;
  return fields;
}

/** Metadata read from an entry when it is there. */
const OPTIONAL_META: readonly (readonly [keyof MessageMeta & string, string])[] = [
  ['requestId', WIRE.requestId],
  ['traceparent', WIRE.traceparent],
  ['idempotencyKey', WIRE.idempotencyKey],
  ['replayFor', WIRE.replayFor],
];

/**
 * The message and metadata of an entry of `topic`'s stream, or why it is poison: no payload, a
 * content type other than JSON, JSON that does not parse, another message type than the topic's.
 * A version is read when it is a positive integer; the validator decides whether the message fits.
 */
export function decode(fields: EntryFields, topic: Pick<TopicDefinition, 'messageType'>, entryId = ''): Decoded {
  const contentType = fields[WIRE.contentType];
  if (contentType === undefined) return { ok: false, reason: `the entry has no \`${WIRE.contentType}\` field` };
  // The exact value publishers write first: the cheap comparison for every entry.
  if (contentType !== MESSAGE_CONTENT_TYPE && contentType.split(';')[0]!.trim().toLowerCase() !== MESSAGE_CONTENT_TYPE)
    return {
      ok: false,
      reason: `\`${WIRE.contentType}\` is ${JSON.stringify(contentType)}, not ${MESSAGE_CONTENT_TYPE}`,
    };
  const type = fields[WIRE.type];
  if (type !== undefined && type !== topic.messageType)
    return { ok: false, reason: `\`${WIRE.type}\` is ${JSON.stringify(type)}, not ${topic.messageType}` };
  const payload = fields[WIRE.payload];
  if (payload === undefined) return { ok: false, reason: `the entry has no \`${WIRE.payload}\` field` };
  let message: unknown;
  try {
    message = JSON.parse(payload);
  } catch (error) {
    return { ok: false, reason: `\`${WIRE.payload}\` is not JSON (${(error as Error).message})` };
  }
  const meta: MessageMeta = { id: fields[WIRE.id] ?? entryId };
  if (type !== undefined) meta.type = type;
  const version = fields[WIRE.version];
  if (version !== undefined && /^[1-9][0-9]{0,8}$/.test(version)) meta.version = Number(version);
  for (const [key, field] of OPTIONAL_META) {
    const value = fields[field];
    if (value !== undefined) (meta as unknown as Record<string, string>)[key] = value;
  }
  return { ok: true, message, meta };
}
