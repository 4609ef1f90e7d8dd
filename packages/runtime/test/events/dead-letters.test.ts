import { DEAD_LETTER_WIRE, WIRE } from '@specfirst/spec-core/streams';
import { describe, expect, it } from 'vitest';
import type { EntryFields } from '../../src/events/broker.js';
import { listDeadLetters, replayDeadLetters, replayFields } from '../../src/events/dead-letters.js';
import { memoryBroker } from '../../src/events/memory-broker.js';

const original: EntryFields = { [WIRE.id]: 'm1', [WIRE.payload]: '{}', [WIRE.contentType]: 'application/json' };
const dead = (topic: string, entryId: string): EntryFields => ({
  ...original,
  [DEAD_LETTER_WIRE.error]: 'boom',
  [DEAD_LETTER_WIRE.reason]: 'handler',
  [DEAD_LETTER_WIRE.deliveries]: '5',
  [DEAD_LETTER_WIRE.topic]: topic,
  [DEAD_LETTER_WIRE.entryId]: entryId,
  [DEAD_LETTER_WIRE.group]: 'billing',
  [DEAD_LETTER_WIRE.at]: '2026-01-01T00:00:00.000Z',
});

describe('replayFields', () => {
  it.each<[string, EntryFields, string | undefined, EntryFields]>([
    ['drops the dead-letter fields', dead('a', '1-0'), undefined, original],
    ['sets replay-for for one group', dead('a', '1-0'), 'billing', { ...original, [WIRE.replayFor]: 'billing' }],
    [
      'replaces an earlier replay-for',
      { ...dead('a', '1-0'), [WIRE.replayFor]: 'mailer' },
      'billing',
      { ...original, [WIRE.replayFor]: 'billing' },
    ],
    [
      'drops an earlier replay-for when replaying for all',
      { ...dead('a', '1-0'), [WIRE.replayFor]: 'mailer' },
      undefined,
      original,
    ],
  ])('%s', (_, fields, group, expected) => {
    expect(replayFields(fields, group)).toStrictEqual(expected);
  });
});

describe('a dead-letter stream shared by two topics (a declared deadLetter)', () => {
  const a = { name: 'a', deadLetter: 'failed' };
  const b = { name: 'b', deadLetter: 'failed' };

  it("lists and replays only the topic's own entries, in order, and pages past one range call", async () => {
    const broker = memoryBroker();
    const ids: string[] = [];
    for (let n = 0; n < 250; n++) ids.push(await broker.add('failed', dead(n % 2 === 0 ? 'a' : 'b', `${n}-0`)));
    const listed = await listDeadLetters(broker, a, { count: 1000 });
    expect(listed).toHaveLength(125);
    expect(listed.map((letter) => letter.id)).toEqual(ids.filter((_, n) => n % 2 === 0));
    expect(listed[0]).toMatchObject({
      error: 'boom',
      reason: 'handler',
      deliveries: 5,
      topic: 'a',
      entryId: '0-0',
      group: 'billing',
      messageId: 'm1',
    });
    expect(await listDeadLetters(broker, a, { count: 2, start: `(${listed[0]!.id}` })).toEqual(listed.slice(1, 3));

    await expect(replayDeadLetters(broker, a, { ids: [ids[1]!] })).rejects.toMatchObject({ code: 'SFR4006' });
    const replayed = await replayDeadLetters(broker, b, { count: 10 });
    expect(replayed.map((r) => r.from)).toEqual(ids.filter((_, n) => n % 2 === 1).slice(0, 10));
    expect(await broker.length('b')).toBe(10);
    expect(await broker.length('a')).toBe(0);
    expect(await broker.length('failed')).toBe(240);
  });
});

describe('replayDeadLetters: the group each entry is replayed for', () => {
  const t = { name: 't' };
  const letter = (group: string | undefined): EntryFields => {
    const { [DEAD_LETTER_WIRE.group]: _, ...fields } = dead('t', '1-0');
    return group === undefined ? fields : { ...fields, [DEAD_LETTER_WIRE.group]: group };
  };

  it.each<[string, (string | undefined)[], { group?: string; consumers?: string[] }, (string | undefined)[]]>([
    ['each entry for its own group', ['billing', 'mailer'], {}, ['billing', 'mailer']],
    ['an entry that names no group for every group', [undefined, 'mailer'], {}, [undefined, 'mailer']],
    ['every entry for `group` when given', ['billing', 'mailer'], { group: 'billing' }, ['billing', 'billing']],
    ['groups that consume the topic pass', ['billing', undefined], { consumers: ['billing'] }, ['billing', undefined]],
    [
      '`group` retargets an entry of a gone group',
      ['payments'],
      { group: 'billing', consumers: ['billing'] },
      ['billing'],
    ],
  ])('%s', async (_, groups, options, expected) => {
    const broker = memoryBroker();
    for (const group of groups) await broker.add('t:dead-letter', letter(group));
    const replayed = await replayDeadLetters(broker, t, options);
    expect(replayed.map((r) => r.group)).toEqual(expected);
    const entries = await broker.range('t', '-', '+', 10);
    expect(entries.map((e) => e.fields[WIRE.replayFor])).toEqual(expected);
    expect(await broker.length('t:dead-letter')).toBe(0);
  });

  it.each<[string, (string | undefined)[], { group?: string; consumers: string[] }, RegExp, RegExp]>([
    [
      'an entry of a group that no longer consumes the topic',
      ['billing', 'payments'],
      { consumers: ['billing', 'mailer'] },
      /^SFR4011 dead-letter entry \d+-\d+ \(group `payments`\) of topic `t` would be replayed for no group that consumes it now/,
      /its consumers are `billing`, `mailer`; replay for one of them with `group`/,
    ],
    [
      '`group` that does not consume the topic',
      ['billing'],
      { group: 'payments', consumers: ['billing'] },
      /\(group `payments`\)/,
      /its consumers are `billing`/,
    ],
    [
      'an entry for every group of a topic nobody consumes',
      [undefined],
      { consumers: [] },
      /\(every group\)/,
      /^no group consumes the topic now/,
    ],
  ])('refuses %s (SFR4011) and moves nothing', async (_, groups, options, message, hint) => {
    const broker = memoryBroker();
    for (const group of groups) await broker.add('t:dead-letter', letter(group));
    const error = await replayDeadLetters(broker, t, options).then(
      () => undefined,
      (e: unknown) => e as { code: string; message: string; hint: string },
    );
    expect(error).toMatchObject({ code: 'SFR4011' });
    expect(error!.message).toMatch(message);
    expect(error!.hint).toMatch(hint);
    expect(await broker.length('t')).toBe(0);
    expect(await broker.length('t:dead-letter')).toBe(groups.length);
  });
});

describe('listDeadLetters', () => {
  it.each<[string, EntryFields, Record<string, unknown>]>([
    [
      'reads every dead-letter field',
      dead('a', '3-0'),
      {
        error: 'boom',
        reason: 'handler',
        deliveries: 5,
        topic: 'a',
        entryId: '3-0',
        group: 'billing',
        at: '2026-01-01T00:00:00.000Z',
        messageId: 'm1',
      },
    ],
    ['leaves out what the entry does not say (a hand-written entry)', { [WIRE.payload]: '{}' }, {}],
    [
      'leaves out a count of deliveries that is no number',
      { ...original, [DEAD_LETTER_WIRE.deliveries]: 'x' },
      { messageId: 'm1' },
    ],
  ])('%s', async (_, fields, expected) => {
    const broker = memoryBroker();
    const id = await broker.add('a:dead-letter', fields);
    expect(await listDeadLetters(broker, { name: 'a' })).toEqual([{ id, fields, ...expected }]);
  });

  it.each([0, -1])('lists nothing for count %i', async (count) => {
    const broker = memoryBroker();
    await broker.add('a:dead-letter', dead('a', '1-0'));
    expect(await listDeadLetters(broker, { name: 'a' }, { count })).toEqual([]);
  });

  it('reads the prefixed stream', async () => {
    const broker = memoryBroker();
    await broker.add('a:dead-letter', dead('a', '1-0'));
    const id = await broker.add('t:a:dead-letter', dead('a', '2-0'));
    expect((await listDeadLetters(broker, { name: 'a' }, { prefix: 't:' })).map((letter) => letter.id)).toEqual([id]);
  });
});

describe('replayDeadLetters', () => {
  const a = { name: 'a' };

  it('replays the entries named by id, in the order given, to the prefixed stream, for one group', async () => {
    const broker = memoryBroker();
    const ids = [];
    for (let n = 0; n < 3; n++) ids.push(await broker.add('t:a:dead-letter', dead('a', `${n}-0`)));
    const replayed = await replayDeadLetters(broker, a, { prefix: 't:', ids: [ids[2]!, ids[0]!], group: 'billing' });
    expect(replayed.map((r) => r.from)).toEqual([ids[2], ids[0]]);
    const entries = await broker.range('t:a', '-', '+', 10);
    expect(entries.map((entry) => entry.id)).toEqual(replayed.map((r) => r.to));
    expect(entries.map((entry) => entry.fields)).toEqual([
      { ...original, [WIRE.replayFor]: 'billing' },
      { ...original, [WIRE.replayFor]: 'billing' },
    ]);
    expect((await listDeadLetters(broker, a, { prefix: 't:' })).map((letter) => letter.id)).toEqual([ids[1]]);
  });

  it('accepts a hand-written dead-letter entry that names no topic', async () => {
    const broker = memoryBroker();
    const id = await broker.add('a:dead-letter', original);
    expect((await replayDeadLetters(broker, a, { ids: [id] })).map((r) => r.from)).toEqual([id]);
    expect(await broker.length('a')).toBe(1);
  });

  it('refuses ids it does not find with SFR4006, naming them all, and replays nothing', async () => {
    const broker = memoryBroker();
    const id = await broker.add('a:dead-letter', dead('a', '1-0'));
    const other = await broker.add('a:dead-letter', dead('b', '2-0'));
    const error = await replayDeadLetters(broker, a, { ids: [id, '999-0', other] }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'SFR4006' });
    expect((error as Error).message).toContain(
      `no dead-letter entry 999-0, ${other} of topic \`a\` in stream \`a:dead-letter\``,
    );
    expect((error as Error).message).toContain('nothing was replayed');
    expect(await broker.length('a')).toBe(0);
    expect(await broker.length('a:dead-letter')).toBe(2);
  });

  it('skips an entry that is gone by the time it moves (replayed by someone else meanwhile)', async () => {
    const broker = memoryBroker();
    const first = await broker.add('a:dead-letter', dead('a', '1-0'));
    const second = await broker.add('a:dead-letter', dead('a', '2-0'));
    const move = broker.move.bind(broker);
    // Another operator's replay takes the first entry between the listing and the move.
    broker.move = async (from, id, stream, fields, trim) => {
      if (id === first) await move(from, id, stream, fields, trim);
      return move(from, id, stream, fields, trim);
    };
    expect((await replayDeadLetters(broker, a)).map((r) => r.from)).toEqual([second]);
    expect(await broker.length('a')).toBe(2);
  });
});
