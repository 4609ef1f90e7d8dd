import { DEAD_LETTER_WIRE, MESSAGE_CONTENT_TYPE, WIRE } from '@specfirst/spec-core/streams';
import { describe, expect, it } from 'vitest';
import type { DeliveredEntry, EntryFields } from '../../src/events/broker.js';
import { encode } from '../../src/events/codec.js';
import {
  afterFailure,
  deadLetterFields,
  errorText,
  prepareStage,
  type Settle,
  type StageOutcome,
  type Prepared,
} from '../../src/events/consume-stages.js';
import { orderCreatedTopic } from './support.js';

const topic = orderCreatedTopic({
  orderingKey: 'customer',
  retry: { attempts: 3, backoff: 'exponential', delayMs: 100 },
});
const good = encode(topic, { orderId: 'o1', customer: 'ada', total: 2 }, { id: 'm1' });
const entry = (fields: EntryFields, deliveries = 1, extra: Partial<DeliveredEntry> = {}): DeliveredEntry => ({
  id: '7-0',
  fields,
  deliveries,
  ...extra,
});
const prepare = prepareStage(topic, 'billing');

function settled(outcome: StageOutcome<Prepared>): Settle | undefined {
  return outcome.ok ? undefined : outcome.settle;
}

describe('the stages before the handler', () => {
  it('a good entry goes on with its message, metadata and ordering key', () => {
    expect(prepare(entry(good))).toEqual({
      ok: true,
      value: {
        message: { orderId: 'o1', customer: 'ada', total: 2 },
        meta: expect.objectContaining({ id: 'm1' }),
        key: 'ada',
      },
    });
  });

  it.each<[string, DeliveredEntry, Partial<Settle>]>([
    [
      'a pending entry no longer in the stream is acknowledged',
      entry({}, 1, { deleted: true }),
      { action: 'ack', why: 'no longer in the stream (trimmed or deleted)' },
    ],
    [
      'a replay for another group is acknowledged unseen',
      entry({ ...good, [WIRE.replayFor]: 'mailer' }),
      { action: 'ack', why: 'replayed for group `mailer`' },
    ],
    [
      'undecodable fields are poison (SFR4002)',
      entry({ [WIRE.contentType]: MESSAGE_CONTENT_TYPE, [WIRE.payload]: 'nope' }),
      {
        action: 'dead-letter',
        reason: 'poison',
        code: 'SFR4002',
        error: expect.stringMatching(
          /^SFR4002 entry 7-0 of `order.created` cannot be decoded: `payload` is not JSON \(/,
        ),
      },
    ],
    [
      'an invalid message is poison (SFR4003), with its failures',
      entry(encode(topic, { orderId: '', customer: 'ada' })),
      {
        action: 'dead-letter',
        reason: 'poison',
        code: 'SFR4003',
        error: expect.stringMatching(
          /^SFR4003 entry 7-0 of `order.created` is not a valid OrderCreated: \/message\/total is required, \/message\/orderId must NOT have fewer than 1 characters$/,
        ),
      },
    ],
    [
      'poison is found before the delivery cap',
      entry({ [WIRE.payload]: '{}' }, 99),
      { action: 'dead-letter', reason: 'poison', code: 'SFR4002' },
    ],
    [
      'an entry delivered past the cap (its consumers crashed) is dead-lettered unhandled (SFR4004)',
      entry(good, 4),
      {
        action: 'dead-letter',
        reason: 'handler',
        code: 'SFR4004',
        error: expect.stringMatching(/delivered 4 times \(the cap is 3\)/),
      },
    ],
  ])('%s', (_, input, expected) => {
    expect(settled(prepare(input))).toMatchObject(expected);
  });

  it('a replay for this group, and an entry at the cap, are handled', () => {
    expect(prepare(entry({ ...good, [WIRE.replayFor]: 'billing' })).ok).toBe(true);
    expect(prepare(entry(good, 3)).ok).toBe(true);
  });
});

describe('afterFailure', () => {
  it.each<[number, Settle]>([
    [1, { action: 'retry', delayMs: 100, error: 'boom' }],
    [2, { action: 'retry', delayMs: 200, error: 'boom' }],
    [3, { action: 'dead-letter', reason: 'handler', code: 'SFR4004', error: 'boom' }],
    [7, { action: 'dead-letter', reason: 'handler', code: 'SFR4004', error: 'boom' }],
  ])('after delivery %i', (deliveries, expected) => {
    expect(afterFailure(topic, deliveries, new Error('boom'))).toEqual(expected);
  });
});

function circular(): object {
  const error: Record<string, unknown> = {};
  error['self'] = error;
  return error;
}

describe('errorText', () => {
  it.each<[unknown, string]>([
    [new Error('boom'), 'boom'],
    [new TypeError(''), 'TypeError'],
    ['plain text', 'plain text'],
    [{ code: 42 }, '{"code":42}'],
    [undefined, 'undefined'],
    [circular(), '[object Object]'],
    [10n, '10'],
  ])('%s → %s', (error, text) => {
    expect(errorText(error)).toBe(text);
  });
});

describe('deadLetterFields', () => {
  it('keeps the original fields and adds the origin, the reason, the error and the delivery count', () => {
    expect(
      deadLetterFields(
        entry(good, 3),
        topic,
        'billing',
        { reason: 'handler', error: 'boom' },
        new Date(Date.UTC(2026, 0, 2)),
      ),
    ).toEqual({
      ...good,
      [DEAD_LETTER_WIRE.error]: 'boom',
      [DEAD_LETTER_WIRE.reason]: 'handler',
      [DEAD_LETTER_WIRE.deliveries]: '3',
      [DEAD_LETTER_WIRE.topic]: 'order.created',
      [DEAD_LETTER_WIRE.entryId]: '7-0',
      [DEAD_LETTER_WIRE.group]: 'billing',
      [DEAD_LETTER_WIRE.at]: '2026-01-02T00:00:00.000Z',
    });
  });
});
