import { DEAD_LETTER_WIRE, WIRE } from '@specfirst/spec-core';
import pc from 'picocolors';
import { describe, expect, it } from 'vitest';
import {
  PAYLOAD_SHOWN,
  deadLetterJson,
  deadLetterLines,
  readableTime,
  replayText,
  shortPayload,
} from '../src/events-output.js';

const plain = pc.createColors(false);

describe('readableTime', () => {
  it.each([
    ['milliseconds since 1970', '1796675400000', '2026-12-07T20:30:00.000Z'],
    ['an ISO date', '2026-12-07T20:30:00.000Z', '2026-12-07T20:30:00.000Z'],
    ['text that is no time', 'yesterday-ish', 'yesterday-ish'],
    ['nothing', null, null],
  ])('%s', (_name, value, expected) => {
    expect(readableTime(value)).toBe(expected);
  });
});

describe('shortPayload', () => {
  const long = `{"a":"${'é'.repeat(PAYLOAD_SHOWN)}"}`;
  it.each([
    ['a short payload, whole', '{"orderId":"o-1"}', '{"orderId":"o-1"}'],
    ['no payload', null, '(none)'],
    ['a pretty-printed payload, on one line', '{\n  "a": 1,\n  "b": 2\n}', '{ "a": 1, "b": 2 }'],
    ['control characters, escaped', '{"a":"\u001b[2J"}', '{"a":"\\x1b[2J"}'],
    [
      'a long payload, cut by characters (not bytes) and said so',
      long,
      `${[...long].slice(0, PAYLOAD_SHOWN).join('')}… (${PAYLOAD_SHOWN + 8} characters; \`--format json\` shows it whole)`,
    ],
  ])('%s', (_name, payload, expected) => {
    expect(shortPayload(payload)).toBe(expected);
  });
});

describe('deadLetterJson and its text', () => {
  it.each([
    {
      name: 'a consumer’s dead-letter entry',
      fields: {
        [WIRE.id]: 'm-1',
        [WIRE.payload]: '{"orderId":"o-1"}',
        [DEAD_LETTER_WIRE.group]: 'billing',
        [DEAD_LETTER_WIRE.reason]: 'handler',
        [DEAD_LETTER_WIRE.deliveries]: '5',
        [DEAD_LETTER_WIRE.error]: 'payment service down',
        [DEAD_LETTER_WIRE.at]: '1796675400000',
        [DEAD_LETTER_WIRE.topic]: 'order.placed',
        [DEAD_LETTER_WIRE.entryId]: '1796675399000-0',
      },
      json: {
        messageId: 'm-1',
        group: 'billing',
        reason: 'handler',
        deliveries: 5,
        error: 'payment service down',
        at: '2026-12-07T20:30:00.000Z',
        topic: 'order.placed',
        originEntryId: '1796675399000-0',
        payload: '{"orderId":"o-1"}',
      },
      lines: [
        '1-0  billing  handler after 5 deliveries  2026-12-07T20:30:00.000Z',
        '  message  m-1',
        '  error    payment service down',
        '  payload  {"orderId":"o-1"}',
      ],
    },
    {
      name: 'an entry written by hand, with none of the dead-letter fields',
      fields: { [WIRE.payload]: 'not json', [DEAD_LETTER_WIRE.deliveries]: 'many' },
      json: {
        messageId: null,
        group: null,
        reason: null,
        deliveries: null,
        error: null,
        at: null,
        topic: null,
        originEntryId: null,
        payload: 'not json',
      },
      lines: [
        '1-0  (no group)  no reason recorded  (no time)',
        '  message  (no id)',
        '  error    (none)',
        '  payload  not json',
      ],
    },
    {
      name: 'a poison entry delivered once, with a control character in its error',
      fields: {
        [DEAD_LETTER_WIRE.group]: 'mailer',
        [DEAD_LETTER_WIRE.reason]: 'poison',
        [DEAD_LETTER_WIRE.deliveries]: '1',
        [DEAD_LETTER_WIRE.error]: 'bad\u0007 JSON',
      },
      json: {
        messageId: null,
        group: 'mailer',
        reason: 'poison',
        deliveries: 1,
        error: 'bad\u0007 JSON',
        at: null,
        topic: null,
        originEntryId: null,
        payload: null,
      },
      lines: [
        '1-0  mailer  poison after 1 delivery  (no time)',
        '  message  (no id)',
        '  error    bad\\x07 JSON',
        '  payload  (none)',
      ],
    },
  ])('$name', ({ fields, json, lines }) => {
    const entry = deadLetterJson({ id: '1-0', fields });
    expect(entry).toEqual({ entryId: '1-0', ...json, fields });
    expect(deadLetterLines(entry, plain)).toEqual(lines);
  });
});

describe('replayText', () => {
  const report = {
    topic: 'order.placed',
    stream: 'order.placed',
    deadLetterStream: 'order.failed',
    error: null,
  };
  it.each([
    {
      name: 'replayed, one for a group and one for every group',
      dryRun: false,
      replayed: [
        { entryId: '1-0', messageId: 'm-1', group: 'billing', newEntryId: '9-0' },
        { entryId: '2-0', messageId: null, group: null, newEntryId: '9-1' },
      ],
      lines: [
        'replayed 2 dead-letter entries of `order.placed` from `order.failed` onto `order.placed`',
        '  1-0 → 9-0  for billing  (message m-1)',
        '  2-0 → 9-1  for every consuming service  (message without id)',
      ],
    },
    {
      name: 'a dry run',
      dryRun: true,
      replayed: [{ entryId: '1-0', messageId: 'm-1', group: 'billing', newEntryId: null }],
      lines: [
        'would replay 1 dead-letter entry of `order.placed` from `order.failed` onto `order.placed`',
        '  1-0  for billing  (message m-1)',
        'dry run: nothing changed',
      ],
    },
  ])('$name', ({ dryRun, replayed, lines }) => {
    expect(replayText({ ...report, dryRun, replayed }, plain)).toEqual(lines);
  });
});
