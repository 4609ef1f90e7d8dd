/**
 * The stages an entry goes through in a consumer (./consumer.ts), each a small function built once
 * per topic, like the HTTP pipeline's (../pipeline/stage.ts):
 *
 *     read → skip a deleted entry → skip a replay for another group → decode → validate → delivery cap → handle → ack | retry | dead-letter
 *
 * A stage either goes on with its value or settles the entry: acknowledge it unseen, or dead-letter
 * it (poison at once; a handler's failure once the delivery cap is reached). None of them throws
 * and none does I/O: the consumer carries out what they decide.
 */
import { DEAD_LETTER_WIRE, WIRE } from '@specfirst/spec-core/streams';
import type { RuntimeErrorCode } from '../errors.js';
import { retryDelay } from './backoff.js';
import type { DeliveredEntry, EntryFields } from './broker.js';
import { decode, keyValue, type MessageMeta } from './codec.js';
import { DeliveryInProgressError } from './dedupe.js';
import { describeFailures, messageFailures } from './publish.js';
import type { TopicDefinition } from './types.js';

/** What to do with an entry that will not (or no longer) be handled. */
export type Settle =
  | { action: 'ack'; why: string }
  | { action: 'dead-letter'; reason: 'poison' | 'handler'; code: RuntimeErrorCode; error: string }
  | {
      action: 'retry';
      delayMs: number;
      error: string;
      /**
       * false: the handler only waits for another delivery of the same message (`deduplicate`'s
       * SFR4005), so the retry takes the entry back without counting a delivery: waiting never
       * dead-letters a message.
       */
      counted?: false;
    };

/** An entry ready for its handler. */
export interface Prepared {
  message: unknown;
  meta: MessageMeta;
  /** The value of the topic's ordering key, when it declares one. */
  key?: string;
}

export type StageOutcome<T> = { ok: true; value: T } | { ok: false; settle: Settle };

const go = <T>(value: T): StageOutcome<T> => ({ ok: true, value });
const settle = (s: Settle): StageOutcome<never> => ({ ok: false, settle: s });

/** A pending entry no longer in the stream (trimmed or deleted): nothing to handle, acknowledged. */
export function skipDeleted(entry: DeliveredEntry): StageOutcome<DeliveredEntry> {
  return entry.deleted === true
    ? settle({ action: 'ack', why: 'no longer in the stream (trimmed or deleted)' })
    : go(entry);
}

/** A replay meant for another consumer group (`replay-for`): acknowledged without handling. */
export function skipForeignReplay(group: string) {
  return (entry: DeliveredEntry): StageOutcome<DeliveredEntry> => {
    const target = entry.fields[WIRE.replayFor];
    return target === undefined || target === group
      ? go(entry)
      : settle({ action: 'ack', why: `replayed for group \`${target}\`` });
  };
}

/** The wire fields → the message and its metadata; an entry that cannot be read is poison (SFR4002). */
export function decodeStage(topic: TopicDefinition) {
  return (entry: DeliveredEntry): StageOutcome<Prepared> => {
    const decoded = decode(entry.fields, topic, entry.id);
    if (!decoded.ok)
      return settle({
        action: 'dead-letter',
        reason: 'poison',
        code: 'SFR4002',
        error: `SFR4002 entry ${entry.id} of \`${topic.name}\` cannot be decoded: ${decoded.reason}`,
      });
    return go({ message: decoded.message, meta: decoded.meta });
  };
}

/** The message against the topic's validator; an invalid one is poison (SFR4003). Sets the ordering key. */
export function validateStage(topic: TopicDefinition) {
  return (entry: DeliveredEntry, prepared: Prepared): StageOutcome<Prepared> => {
    const failures = messageFailures(topic, prepared.message);
    if (failures.length > 0)
      return settle({
        action: 'dead-letter',
        reason: 'poison',
        code: 'SFR4003',
        error: `SFR4003 entry ${entry.id} of \`${topic.name}\` is not a valid ${topic.messageType}: ${describeFailures(failures)}`,
      });
    const key = keyValue(prepared.message, topic.orderingKey);
    return go(key === undefined ? prepared : { ...prepared, key });
  };
}

/**
 * An entry delivered more often than the cap allows without ever being acknowledged (its consumers
 * crashed or stopped each time): dead-lettered without running the handler again.
 */
export function deliveryCapStage(topic: TopicDefinition) {
  return (entry: DeliveredEntry, prepared: Prepared): StageOutcome<Prepared> =>
    entry.deliveries > topic.retry.attempts
      ? settle({
          action: 'dead-letter',
          reason: 'handler',
          code: 'SFR4004',
          error:
            `SFR4004 entry ${entry.id} of \`${topic.name}\` was delivered ${entry.deliveries} times (the cap is ` +
            `${topic.retry.attempts}) without being acknowledged: its consumers stopped or crashed while handling it`,
        })
      : go(prepared);
}

/** The stages before the handler, composed: the prepared entry, or how to settle it. */
export function prepareStage(topic: TopicDefinition, group: string) {
  const replay = skipForeignReplay(group);
  const decodeEntry = decodeStage(topic);
  const validate = validateStage(topic);
  const cap = deliveryCapStage(topic);
  return (entry: DeliveredEntry): StageOutcome<Prepared> => {
    const present = skipDeleted(entry);
    if (!present.ok) return present;
    const own = replay(entry);
    if (!own.ok) return own;
    const decoded = decodeEntry(entry);
    if (!decoded.ok) return decoded;
    const valid = validate(entry, decoded.value);
    if (!valid.ok) return valid;
    return cap(entry, valid.value);
  };
}

/** The handler's error as one line of text. */
export function errorText(error: unknown): string {
  if (error instanceof Error) return error.message === '' ? error.name : error.message;
  try {
    return typeof error === 'string' ? error : (JSON.stringify(error) ?? String(error));
  } catch {
    return String(error);
  }
}

/** After the handler failed on delivery `deliveries`: retry after the topic's backoff, or dead-letter at the cap. */
export function afterFailure(topic: TopicDefinition, deliveries: number, error: unknown): Settle {
  const text = errorText(error);
  if (error instanceof DeliveryInProgressError)
    return { action: 'retry', delayMs: retryDelay(topic.retry, deliveries), error: text, counted: false };
  return deliveries >= topic.retry.attempts
    ? { action: 'dead-letter', reason: 'handler', code: 'SFR4004', error: text }
    : { action: 'retry', delayMs: retryDelay(topic.retry, deliveries), error: text };
}

/** The fields of a dead-letter entry: the original fields and the `dead-letter-*` ones (DEAD_LETTER_WIRE). */
export function deadLetterFields(
  entry: DeliveredEntry,
  topic: Pick<TopicDefinition, 'name'>,
  group: string,
  settled: { reason: 'poison' | 'handler'; error: string },
  at: Date,
): EntryFields {
  return {
    ...entry.fields,
    [DEAD_LETTER_WIRE.error]: settled.error,
    [DEAD_LETTER_WIRE.reason]: settled.reason,
    [DEAD_LETTER_WIRE.deliveries]: String(entry.deliveries),
    [DEAD_LETTER_WIRE.topic]: topic.name,
    [DEAD_LETTER_WIRE.entryId]: entry.id,
    [DEAD_LETTER_WIRE.group]: group,
    [DEAD_LETTER_WIRE.at]: at.toISOString(),
  };
}
