/**
 * Publishing: validate the message with its topic's precompiled validator, encode it (./codec.ts)
 * and hand the fields to a sink: a stream through a broker ({@link brokerSink}, `XADD` with the
 * topic's retention) or a transactional outbox. An invalid message throws
 * {@link EventValidationError} and nothing is sent.
 */
import { streamKey } from '@specfirst/spec-core/streams';
import { SpecFirstRuntimeError } from '../errors.js';
import { failuresFrom, type ValidationFailure } from '../validation.js';
import type { EventBroker } from './broker.js';
import { encode } from './codec.js';
import type { EventSink, PublishOptions, TopicDefinition } from './types.js';

/** The failures of `message` against `topic`'s validator, with pointers from `/message`; empty when it is valid. */
export function messageFailures(topic: Pick<TopicDefinition, 'validate'>, message: unknown): ValidationFailure[] {
  if (topic.validate(message)) return [];
  const failures = failuresFrom(topic.validate.errors ?? [], 'message');
  return failures.length > 0 ? failures : [{ pointer: '/message', message: 'is not valid' }];
}

/** One line of failures for a message or a log: `/message/orderId is required, /message/total must be number`. */
export function describeFailures(failures: readonly ValidationFailure[], limit = 5): string {
  const shown = failures.slice(0, limit).map((f) => `${f.pointer} ${f.message}`);
  if (failures.length > limit) shown.push(`and ${failures.length - limit} more`);
  return shown.join(', ');
}

/** A message that does not fit its topic's model: nothing was sent. `failures` says where and why. */
export class EventValidationError extends SpecFirstRuntimeError {
  readonly topic: string;
  readonly failures: ValidationFailure[];

  constructor(topic: Pick<TopicDefinition, 'name' | 'messageType'>, failures: ValidationFailure[]) {
    super(
      'SFR4001',
      `the message for topic \`${topic.name}\` is not a valid ${topic.messageType}: ${describeFailures(failures)}`,
      `nothing was published; give every property the ${topic.messageType} model of spec/events.yaml requires`,
    );
    this.name = 'EventValidationError';
    this.topic = topic.name;
    this.failures = failures;
  }
}

/**
 * Validates `message`, encodes it and sends it: returns the stream entry id (or the outbox row's
 * id). Throws {@link EventValidationError} for an invalid message, before anything is sent.
 */
export async function publish<Message>(
  sink: EventSink,
  topic: TopicDefinition<Message>,
  message: Message,
  options: PublishOptions = {},
): Promise<string> {
  const failures = messageFailures(topic, message);
  if (failures.length > 0) throw new EventValidationError(topic, failures);
  return sink.send(topic as TopicDefinition, encode(topic, message, options));
}

export interface BrokerSinkOptions {
  /** Prefix of every stream key (tests use their own). Default ''. */
  prefix?: string;
}

/** A sink that appends to the topic's stream (`XADD <prefix><topic> [MAXLEN|MINID ~ …] * …`). */
export function brokerSink(broker: EventBroker, options: BrokerSinkOptions = {}): EventSink {
  const prefix = options.prefix ?? '';
  return { send: (topic, fields) => broker.add(streamKey(topic, prefix), fields, topic.retention) };
}

function isSink(target: EventSink | EventBroker): target is EventSink {
  return (
    typeof (target as Partial<EventBroker>).add !== 'function' &&
    typeof (target as Partial<EventSink>).send === 'function'
  );
}

/** `target` itself when it is a sink, else a {@link brokerSink} on it (what generated publishers accept). */
export function eventSink(target: EventSink | EventBroker, options: BrokerSinkOptions = {}): EventSink {
  return isSink(target) ? target : brokerSink(target, options);
}
