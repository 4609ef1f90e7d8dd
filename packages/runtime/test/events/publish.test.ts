import { WIRE } from '@specfirst/spec-core/streams';
import { describe, expect, it } from 'vitest';
import type { EntryFields } from '../../src/events/broker.js';
import {
  brokerSink,
  describeFailures,
  eventSink,
  EventValidationError,
  messageFailures,
  publish,
} from '../../src/events/publish.js';
import type { EventSink, TopicDefinition } from '../../src/events/types.js';
import { SpecFirstRuntimeError } from '../../src/errors.js';
import type { ValidationFailure } from '../../src/validation.js';
import { orderCreatedTopic, type OrderCreated } from './support.js';

function recordingSink(): EventSink & { sent: { topic: string; fields: EntryFields }[] } {
  const sent: { topic: string; fields: EntryFields }[] = [];
  return { sent, send: async (topic, fields) => (sent.push({ topic: topic.name, fields }), `${sent.length}-0`) };
}

describe('publish', () => {
  const topic = orderCreatedTopic();

  it('validates, encodes and sends; returns what the sink returns', async () => {
    const sink = recordingSink();
    expect(await publish(sink, topic, { orderId: 'o1', customer: 'ada', total: 1 }, { id: 'm1' })).toBe('1-0');
    expect(sink.sent).toEqual([
      { topic: 'order.created', fields: expect.objectContaining({ [WIRE.id]: 'm1', [WIRE.type]: 'OrderCreated' }) },
    ]);
  });

  it.each<[string, unknown, string[]]>([
    ['a missing property', { orderId: 'o1', total: 1 }, ['/message/customer is required']],
    [
      'a wrong type and an extra property',
      { orderId: 1, customer: 'a', total: 1, x: 1 },
      ['/message/orderId must be string', '/message/x is not allowed here'],
    ],
    ['no object at all', 'o1', ['/message must be object']],
  ])('refuses %s with SFR4001 and sends nothing', async (_, message, failures) => {
    const sink = recordingSink();
    const error = await publish(sink, topic as TopicDefinition<unknown>, message).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EventValidationError);
    expect(error).toBeInstanceOf(SpecFirstRuntimeError);
    expect(error).toMatchObject({ code: 'SFR4001', topic: 'order.created' });
    expect((error as EventValidationError).failures.map((f) => `${f.pointer} ${f.message}`).sort()).toEqual(
      failures.sort(),
    );
    expect((error as Error).message).toMatch(
      /^SFR4001 the message for topic `order.created` is not a valid OrderCreated: \/message/,
    );
    expect(sink.sent).toEqual([]);
  });

  it('names the error and hints at the model to follow', async () => {
    const error = await publish(recordingSink(), topic as TopicDefinition<unknown>, {}).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'EventValidationError' });
    expect((error as SpecFirstRuntimeError).hint).toMatch(/^nothing was published; .*the OrderCreated model/);
  });

  it('refuses a message a hand-written validator rejects without saying why, at /message', async () => {
    const validate = Object.assign(() => false, { errors: null }) as unknown as TopicDefinition['validate'];
    expect(messageFailures({ validate }, {})).toEqual([{ pointer: '/message', message: 'is not valid' }]);
    const error = await publish(recordingSink(), { ...topic, validate } as TopicDefinition<unknown>, {}).catch(
      (e: unknown) => e,
    );
    expect((error as Error).message).toMatch(/is not a valid OrderCreated: \/message is not valid; /);
  });
});

describe('describeFailures', () => {
  const failures = (n: number): ValidationFailure[] =>
    Array.from({ length: n }, (_, i) => ({ pointer: `/message/p${i}`, message: 'is required' }));
  it.each<[string, ValidationFailure[], number | undefined, string]>([
    ['none', [], undefined, ''],
    ['one', failures(1), undefined, '/message/p0 is required'],
    [
      'as many as the limit: all of them',
      failures(5),
      undefined,
      failures(5)
        .map((f) => `${f.pointer} ${f.message}`)
        .join(', '),
    ],
    [
      'more than the limit: the first five and how many more',
      failures(7),
      undefined,
      `${failures(5)
        .map((f) => `${f.pointer} ${f.message}`)
        .join(', ')}, and 2 more`,
    ],
    ['a limit of its own', failures(3), 1, '/message/p0 is required, and 2 more'],
  ])('%s', (_, list, limit, expected) => {
    expect(describeFailures(list, limit)).toBe(expected);
  });
});

describe('brokerSink and eventSink', () => {
  const added: { stream: string; fields: EntryFields; trim: unknown }[] = [];
  // Only `add` is called by a sink; the rest of the broker is never touched here.
  const broker = {
    add: async (stream: string, fields: EntryFields, trim?: unknown) => (added.push({ stream, fields, trim }), '9-0'),
  } as unknown as Parameters<typeof brokerSink>[0];

  it("appends to the prefixed stream of the topic, with the topic's retention", async () => {
    const topic = orderCreatedTopic({ retention: { maxLength: 1000 } });
    const message: OrderCreated = { orderId: 'o1', customer: 'ada', total: 1 };
    expect(await publish(brokerSink(broker, { prefix: 't:' }), topic, message)).toBe('9-0');
    expect(added.at(-1)).toMatchObject({ stream: 't:order.created', trim: { maxLength: 1000 } });
    expect(await publish(eventSink(broker), orderCreatedTopic(), message)).toBe('9-0');
    expect(added.at(-1)).toMatchObject({ stream: 'order.created', trim: undefined });
  });

  it('eventSink passes a sink through', () => {
    const sink = recordingSink();
    expect(eventSink(sink)).toBe(sink);
  });
});
