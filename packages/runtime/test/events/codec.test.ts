import { DEAD_LETTER_WIRE, MESSAGE_CONTENT_TYPE, WIRE } from '@specfirst/spec-core/streams';
import { describe, expect, it } from 'vitest';
import type { EntryFields } from '../../src/events/broker.js';
import { decode, encode, keyValue } from '../../src/events/codec.js';
import { orderCreatedTopic } from './support.js';

const topic = orderCreatedTopic({ idempotencyKey: 'orderId' });
const message = { orderId: 'o1', customer: 'ada', total: 3 };

describe('encode', () => {
  it('writes flat, readable fields: id, type, version, content type, JSON payload and the optional metadata', () => {
    expect(encode(topic, message, { id: 'm1', requestId: 'r1', traceparent: '00-abc-def-01' })).toEqual({
      [WIRE.id]: 'm1',
      [WIRE.type]: 'OrderCreated',
      [WIRE.version]: '1',
      [WIRE.contentType]: MESSAGE_CONTENT_TYPE,
      [WIRE.payload]: '{"orderId":"o1","customer":"ada","total":3}',
      [WIRE.requestId]: 'r1',
      [WIRE.traceparent]: '00-abc-def-01',
      [WIRE.idempotencyKey]: 'o1',
    });
  });

  it('gives every message a fresh UUID unless the publisher names one, and leaves absent metadata out', () => {
    const a = encode(orderCreatedTopic(), message);
    const b = encode(orderCreatedTopic(), message);
    expect(a[WIRE.id]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(a[WIRE.id]).not.toBe(b[WIRE.id]);
    expect(Object.keys(a).sort()).toEqual([WIRE.contentType, WIRE.id, WIRE.payload, WIRE.type, WIRE.version].sort());
  });

  it('refuses what JSON cannot carry', () => {
    expect(() => encode(topic, undefined)).toThrow(new TypeError('an event message must be a JSON value'));
  });
});

describe('keyValue', () => {
  it.each<[unknown, string | undefined, string | undefined]>([
    [{ k: 'a' }, 'k', 'a'],
    [{ k: 7 }, 'k', '7'],
    [{ k: 0 }, 'k', '0'],
    [{ k: '' }, 'k', ''],
    [{ k: null }, 'k', undefined],
    [{ k: { a: 1 } }, 'k', undefined],
    [{ k: Number.NaN }, 'k', undefined],
    [{ k: Number.POSITIVE_INFINITY }, 'k', undefined],
    [{ k: true }, 'k', undefined],
    [{}, 'k', undefined],
    [{ k: 'a' }, undefined, undefined],
    ['text', 'length', undefined],
    [null, 'k', undefined],
    [Object.create({ k: 'inherited' }), 'k', undefined],
  ])('%j [%s] → %s', (value, property, expected) => {
    expect(keyValue(value, property)).toBe(expected);
  });
});

describe('decode', () => {
  const good = encode(topic, message, { id: 'm1', requestId: 'r1', traceparent: 't1' });

  it('reads back what encode wrote', () => {
    expect(decode(good, topic, '1-0')).toEqual({
      ok: true,
      message,
      meta: { id: 'm1', type: 'OrderCreated', version: 1, requestId: 'r1', traceparent: 't1', idempotencyKey: 'o1' },
    });
  });

  it('accepts a hand-written entry with only a content type and a payload; its message id is the entry id', () => {
    expect(
      decode({ [WIRE.contentType]: 'application/json; charset=utf-8', [WIRE.payload]: '[1]' }, topic, '5-1'),
    ).toEqual({ ok: true, message: [1], meta: { id: '5-1' } });
  });

  it('keeps a replay target and ignores dead-letter fields', () => {
    const decoded = decode({ ...good, [WIRE.replayFor]: 'billing', [DEAD_LETTER_WIRE.error]: 'boom' }, topic);
    expect(decoded).toMatchObject({ ok: true, meta: { replayFor: 'billing' } });
  });

  const poison: [string, EntryFields, RegExp][] = [
    ['no content type', { [WIRE.payload]: '{}' }, /no `content-type` field/],
    ['another content type', { ...good, [WIRE.contentType]: 'text/plain' }, /"text\/plain", not application\/json/],
    ['another message type', { ...good, [WIRE.type]: 'InvoicePaid' }, /`type` is "InvoicePaid", not OrderCreated/],
    ['no payload', { [WIRE.contentType]: MESSAGE_CONTENT_TYPE }, /no `payload` field/],
    ['a payload that is no JSON', { ...good, [WIRE.payload]: '{"orderId":' }, /`payload` is not JSON/],
  ];
  it.each(poison)('%s is poison, with a reason', (_, fields, reason) => {
    const decoded = decode(fields, topic);
    expect(decoded.ok).toBe(false);
    expect(decoded.ok ? '' : decoded.reason).toMatch(reason);
  });

  it.each<[string, number]>([
    ['1', 1],
    ['12', 12],
    ['999999999', 999_999_999],
  ])('reads a version %j', (version, expected) => {
    const decoded = decode({ ...good, [WIRE.version]: version }, topic);
    expect(decoded.ok && decoded.meta.version).toBe(expected);
  });

  it.each(['application/json', 'Application/JSON', ' application/json ; charset=utf-8', 'application/json;v=1'])(
    'accepts the content type %j',
    (contentType) => {
      expect(decode({ ...good, [WIRE.contentType]: contentType }, topic)).toMatchObject({ ok: true, message });
    },
  );

  it.each(['0', '-1', '1.5', 'one', '', '1234567890', '1a'])('a version %j is left out, not trusted', (version) => {
    expect(decode({ ...good, [WIRE.version]: version }, topic)).toMatchObject({ ok: true, meta: { id: 'm1' } });
    const decoded = decode({ ...good, [WIRE.version]: version }, topic);
    expect(decoded.ok && decoded.meta.version).toBeUndefined();
  });
});
