/**
 * The memory broker against the broker contract (broker-contract.ts), time moved on by its clock, then
 * what only it offers: `flush()` (Redis's FLUSHALL) and ids from a clock that stands still or goes back.
 */
import { describe, expect, it } from 'vitest';
import { NoGroupError } from '../../src/events/broker.js';
import { memoryBroker } from '../../src/events/memory-broker.js';
import { brokerContract } from './broker-contract.js';

brokerContract('memory', async () => {
  let now = 1_700_000_000_000;
  const broker = memoryBroker({ clock: () => now });
  return {
    broker,
    key: (name) => `test:${name}`,
    elapse: async (ms) => {
      now += ms;
    },
    wipe: async () => broker.flush(),
    dispose: () => Promise.resolve(),
  };
});

describe('memoryBroker', () => {
  it('keeps ids increasing when the clock stands still or goes back', async () => {
    let now = 5000;
    const broker = memoryBroker({ clock: () => now });
    expect(await broker.add('s', { a: '1' })).toBe('5000-0');
    expect(await broker.add('s', { a: '2' })).toBe('5000-1');
    now = 4000;
    expect(await broker.add('s', { a: '3' })).toBe('5000-2');
    now = 6000;
    expect(await broker.add('s', { a: '4' })).toBe('6000-0');
  });

  it("flush() empties every stream, group and key: groups answer NOGROUP, '$' starts after the old ids", async () => {
    let now = 1000;
    const broker = memoryBroker({ clock: () => now });
    await broker.createGroup('s', 'g', '0');
    await broker.add('s', { a: '1' });
    await broker.set('k', 'v', 10_000);
    broker.duplicate().flush();
    await expect(broker.read('s', 'g', 'c', { from: '>', count: 1 })).rejects.toBeInstanceOf(NoGroupError);
    expect(await broker.get('k')).toBeUndefined();
    expect(await broker.length('s')).toBe(0);
    now = 2000;
    expect(await broker.add('s', { a: '2' })).toBe('2000-0');
  });

  it('trims exactly: MAXLEN keeps maxLength entries, MINID every entry younger than maxAgeMs', async () => {
    let now = 10_000;
    const broker = memoryBroker({ clock: () => now });
    for (let n = 0; n < 5; n++) await broker.add('len', { n: String(n) }, { maxLength: 3 });
    expect((await broker.range('len', '-', '+', 10)).map((entry) => entry.fields.n)).toEqual(['2', '3', '4']);
    for (let n = 0; n < 5; n++) {
      await broker.add('age', { n: String(n) });
      now += 100;
    }
    // Entries at 10000..10400; now 10500, max age 250: ids from 10250 stay.
    await broker.add('age', { n: 'new' }, { maxAgeMs: 250 });
    expect((await broker.range('age', '-', '+', 10)).map((entry) => entry.fields.n)).toEqual(['3', '4', 'new']);
  });

  it.each<[number, string[]]>([
    [250, ['3', '4', 'new']],
    [300, ['2', '3', '4', 'new']],
    [299, ['3', '4', 'new']],
  ])('trims by age as MINID: with maxAgeMs %i, an entry exactly that old stays', async (maxAgeMs, expected) => {
    let now = 10_000;
    const broker = memoryBroker({ clock: () => now });
    for (let n = 0; n < 5; n++) {
      await broker.add('age', { n: String(n) });
      now += 100;
    }
    await broker.add('age', { n: 'new' }, { maxAgeMs });
    expect((await broker.range('age', '-', '+', 10)).map((entry) => entry.fields.n)).toEqual(expected);
  });

  it.each<[number, string[]]>([
    [999, []],
    [1000, ['c']],
  ])('claims an entry idle at least minIdle (as XAUTOCLAIM): after %i ms of 1000', async (idle, expected) => {
    let now = 1000;
    const broker = memoryBroker({ clock: () => now });
    await broker.createGroup('s', 'g', '0');
    await broker.add('s', { n: 'c' });
    await broker.read('s', 'g', 'dead', { from: '>', count: 1 });
    now += idle;
    const auto = await broker.autoClaim('s', 'g', 'alive', 1000, '0-0', 10);
    expect(auto.entries.map((entry) => entry.fields.n)).toEqual(expected);
  });

  it.each([
    ['-', '+', ['1000-0', '1000-1', '2000-0']],
    ['1000', '1000', ['1000-0', '1000-1']],
    ['(1000-0', '+', ['1000-1', '2000-0']],
    ['1000-1', '(2000-0', ['1000-1']],
    ['1500', '+', ['2000-0']],
    ['+', '+', []],
    ['2000-1', '+', []],
  ])(
    'range(%s, %s): ids as XRANGE gives them, a bare <ms> covering its whole millisecond',
    async (start, end, expected) => {
      let now = 1000;
      const broker = memoryBroker({ clock: () => now });
      await broker.add('s', { a: '1' });
      await broker.add('s', { a: '2' });
      now = 2000;
      await broker.add('s', { a: '3' });
      expect((await broker.range('s', start, end, 10)).map((entry) => entry.id)).toEqual(expected);
    },
  );
});
