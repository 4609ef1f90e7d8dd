/**
 * The contract of `EventBroker`: one suite, run against the memory broker (memory-broker.test.ts) and a
 * real Redis (redis-broker.test.ts). Each case says what a user of the broker notices; where Redis is
 * looser than the memory broker (approximate trimming), the assertion is the guarantee both keep.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BrokerError, NoGroupError, type DeliveredEntry, type EventBroker } from '../../src/events/broker.js';

export interface BrokerHarness {
  /** A broker of its own for one test; the suite closes it (and its duplicates). */
  broker: EventBroker;
  /** A key unique to this run of the suite. */
  key(name: string): string;
  /** Lets `ms` milliseconds pass for idle times and ages: the memory broker's clock, real time on Redis. */
  elapse(ms: number): Promise<void>;
  /** Removes the stream keys and groups (not through the broker under test), as a flush would. */
  wipe(...keys: string[]): Promise<void>;
  /** Deletes what the test left and closes what the harness opened. */
  dispose(): Promise<void>;
}

function parse(id: string): [number, number] {
  const match = /^(\d+)-(\d+)$/.exec(id);
  if (!match) throw new Error(`not an entry id: ${id}`);
  return [Number(match[1]), Number(match[2])];
}

function before(a: string, b: string): boolean {
  const [am, as] = parse(a);
  const [bm, bs] = parse(b);
  return am < bm || (am === bm && as < bs);
}

const ids = (entries: readonly { id: string }[]): string[] => entries.map((entry) => entry.id);

/** A bounded wait for a promise that should settle soon; rejects instead of hanging the suite. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} did not settle within ${ms} ms`)), ms);
    }),
  ]);
}

async function fill(broker: EventBroker, stream: string, count: number): Promise<string[]> {
  const added: string[] = [];
  for (let index = 0; index < count; index++) added.push(await broker.add(stream, { n: String(index) }));
  return added;
}

export function brokerContract(name: string, setup: () => Promise<BrokerHarness>): void {
  describe(`EventBroker contract: ${name}`, () => {
    let h: BrokerHarness;
    let ready = false;
    let broker: EventBroker;
    const opened: EventBroker[] = [];
    const dup = (): EventBroker => {
      const other = broker.duplicate();
      opened.push(other);
      return other;
    };

    beforeEach(async () => {
      ready = false;
      h = await setup();
      broker = h.broker;
      ready = true;
    });

    afterEach(async () => {
      for (const other of opened.splice(0)) await other.close();
      if (!ready) return; // setup failed, and said why
      await broker.close();
      await h.dispose();
    });

    describe('add, range, length', () => {
      it('gives increasing `<ms>-<seq>` ids and keeps entries in that order with their fields', async () => {
        const stream = h.key('order');
        const added = await fill(broker, stream, 20);
        for (const id of added) expect(id).toMatch(/^\d+-\d+$/);
        for (let index = 1; index < added.length; index++) expect(before(added[index - 1]!, added[index]!)).toBe(true);
        expect(await broker.length(stream)).toBe(20);
        const all = await broker.range(stream, '-', '+', 100);
        expect(ids(all)).toEqual(added);
        expect(all[3]!.fields).toEqual({ n: '3' });
      });

      it('pages a range with an exclusive start and a count; a missing stream is empty', async () => {
        const stream = h.key('pages');
        const added = await fill(broker, stream, 5);
        expect(ids(await broker.range(stream, '-', '+', 2))).toEqual(added.slice(0, 2));
        expect(ids(await broker.range(stream, `(${added[1]}`, '+', 2))).toEqual(added.slice(2, 4));
        expect(ids(await broker.range(stream, added[1]!, added[3]!, 10))).toEqual(added.slice(1, 4));
        expect(await broker.range(h.key('none'), '-', '+', 10)).toEqual([]);
        expect(await broker.length(h.key('none'))).toBe(0);
      });

      it('ranges between millisecond ids: a start covers its first entry, an end its last', async () => {
        const stream = h.key('range-ms');
        const added = await fill(broker, stream, 3);
        const ms = added[0]!.split('-')[0]!;
        const sameMs = added.filter((id) => id.startsWith(`${ms}-`));
        expect(ids(await broker.range(stream, ms, ms, 10))).toEqual(sameMs);
      });

      it('trims to about maxLength: the newest entries stay, the oldest go, never fewer than maxLength', async () => {
        const stream = h.key('maxlen');
        const added: string[] = [];
        // Redis trims whole macro nodes (100 entries), so enough entries to fill several.
        for (let index = 0; index < 300; index++)
          added.push(await broker.add(stream, { n: String(index) }, { maxLength: 50 }));
        const length = await broker.length(stream);
        expect(length).toBeGreaterThanOrEqual(50);
        expect(length).toBeLessThan(300);
        const kept = ids(await broker.range(stream, '-', '+', 1000));
        expect(kept).toEqual(added.slice(300 - length));
        expect(kept).not.toContain(added[0]);
      });

      it('trims by age (MINID): entries older than maxAgeMs go, the new one stays', async () => {
        const stream = h.key('minid');
        const old = await fill(broker, stream, 250);
        await h.elapse(300);
        const fresh = await broker.add(stream, { n: 'fresh' }, { maxAgeMs: 150 });
        const kept = ids(await broker.range(stream, '-', '+', 1000));
        expect(kept).toContain(fresh);
        expect(kept).not.toContain(old[0]);
        expect(kept.length).toBeLessThan(251);
      });
    });

    describe('groups and reads', () => {
      it("a group created at '0' gets the entries already there; at '$' only later ones", async () => {
        const stream = h.key('start');
        const early = await broker.add(stream, { n: 'early' });
        expect(await broker.createGroup(stream, 'from-start', '0')).toBe(true);
        expect(await broker.createGroup(stream, 'from-now', '$')).toBe(true);
        const late = await broker.add(stream, { n: 'late' });
        expect(ids(await broker.read(stream, 'from-start', 'c', { from: '>', count: 10 }))).toEqual([early, late]);
        expect(ids(await broker.read(stream, 'from-now', 'c', { from: '>', count: 10 }))).toEqual([late]);
      });

      it('creating a group makes the stream (MKSTREAM); creating it again answers false and changes nothing', async () => {
        const stream = h.key('busy');
        expect(await broker.createGroup(stream, 'g', '0')).toBe(true);
        expect(await broker.length(stream)).toBe(0);
        const first = await broker.add(stream, { n: '1' });
        expect(ids(await broker.read(stream, 'g', 'c', { from: '>', count: 10 }))).toEqual([first]);
        expect(await broker.createGroup(stream, 'g', '0')).toBe(false);
        // Still past `first`: the group was not reset.
        expect(await broker.read(stream, 'g', 'c', { from: '>', count: 10 })).toEqual([]);
        expect((await broker.pending(stream, 'g')).count).toBe(1);
      });

      it("'>' delivers each entry once per group, with deliveries 1; groups are independent", async () => {
        const stream = h.key('fanout');
        await broker.createGroup(stream, 'billing', '0');
        await broker.createGroup(stream, 'mailer', '0');
        const added = await fill(broker, stream, 3);
        const billing = await broker.read(stream, 'billing', 'b1', { from: '>', count: 10 });
        expect(billing).toEqual(added.map((id, n) => ({ id, fields: { n: String(n) }, deliveries: 1 })));
        expect(await broker.read(stream, 'billing', 'b1', { from: '>', count: 10 })).toEqual([]);
        expect(await broker.read(stream, 'billing', 'b2', { from: '>', count: 10 })).toEqual([]);
        expect(ids(await broker.read(stream, 'mailer', 'm1', { from: '>', count: 10 }))).toEqual(added);
        await broker.ack(stream, 'billing', added);
        expect((await broker.pending(stream, 'billing')).count).toBe(0);
        expect((await broker.pending(stream, 'mailer')).count).toBe(3);
      });

      it('competing consumers of one group share the entries: each one to exactly one consumer', async () => {
        const stream = h.key('compete');
        await broker.createGroup(stream, 'g', '0');
        const added = await fill(broker, stream, 10);
        const seen: string[] = [];
        const by: Record<string, number> = {};
        for (let round = 0; round < 10; round++) {
          const consumer = round % 2 === 0 ? 'a' : 'b';
          const got = await broker.read(stream, 'g', consumer, { from: '>', count: 2 });
          seen.push(...ids(got));
          by[consumer] = (by[consumer] ?? 0) + got.length;
        }
        expect(seen).toEqual(added);
        expect(by).toEqual({ a: 6, b: 4 });
        expect(await broker.pending(stream, 'g')).toEqual({ count: 10, consumers: { a: 6, b: 4 } });
      });

      it('a history read returns only own pending entries, counts the delivery, and pages by id', async () => {
        const stream = h.key('history');
        await broker.createGroup(stream, 'g', '0');
        const added = await fill(broker, stream, 4);
        await broker.read(stream, 'g', 'a', { from: '>', count: 3 });
        await broker.read(stream, 'g', 'b', { from: '>', count: 3 });
        const first = await broker.read(stream, 'g', 'a', { from: '0', count: 2 });
        expect(first).toEqual([
          { id: added[0], fields: { n: '0' }, deliveries: 2 },
          { id: added[1], fields: { n: '1' }, deliveries: 2 },
        ]);
        expect(await broker.read(stream, 'g', 'a', { from: added[1]!, count: 2 })).toEqual([
          { id: added[2], fields: { n: '2' }, deliveries: 2 },
        ]);
        expect(await broker.read(stream, 'g', 'a', { from: added[2]!, count: 2 })).toEqual([]);
        expect((await broker.read(stream, 'g', 'a', { from: '0', count: 1 }))[0]!.deliveries).toBe(3);
        expect(ids(await broker.read(stream, 'g', 'b', { from: '0', count: 10 }))).toEqual([added[3]]);
        await broker.ack(stream, 'g', [added[0]!]);
        expect(ids(await broker.read(stream, 'g', 'a', { from: '0', count: 10 }))).toEqual(added.slice(1, 3));
      });

      it('a history read reports a pending entry trimmed from the stream as deleted, without fields', async () => {
        const stream = h.key('trimmed');
        await broker.createGroup(stream, 'g', '0');
        const added = await fill(broker, stream, 250);
        await broker.read(stream, 'g', 'a', { from: '>', count: 250 });
        // Trimming to one entry: Redis drops whole nodes (at least the first 100 entries), memory all but one.
        await broker.add(stream, { n: 'x' }, { maxLength: 1 });
        const kept = new Set(ids(await broker.range(stream, '-', '+', 1000)));
        const history = await broker.read(stream, 'g', 'a', { from: '0', count: 250 });
        expect(ids(history)).toEqual(added);
        expect(history[0]).toEqual({ id: added[0], fields: {}, deliveries: 1, deleted: true });
        for (const [n, entry] of history.entries())
          expect(entry).toEqual(
            kept.has(entry.id)
              ? { id: entry.id, fields: { n: String(n) }, deliveries: 2 }
              : { id: entry.id, fields: {}, deliveries: 1, deleted: true },
          );
        // An entry certainly gone: a whole stream trimmed away through a replay's move.
        const dead = h.key('trimmed-dl');
        const moved = await broker.add(dead, { n: 'dl' });
        await broker.createGroup(dead, 'g', '0');
        await broker.read(dead, 'g', 'a', { from: '>', count: 10 });
        await broker.move(dead, moved, stream, { n: 'replayed' });
        expect(await broker.read(dead, 'g', 'a', { from: '0', count: 10 })).toEqual([
          { id: moved, fields: {}, deliveries: 1, deleted: true },
        ]);
        expect((await broker.pending(dead, 'g')).count).toBe(1);
        expect(await broker.ack(dead, 'g', [moved])).toBe(1);
      });

      it('refuses bad arguments with SFR4203 before changing anything', async () => {
        const stream = h.key('bad');
        await broker.createGroup(stream, 'g', '0');
        const [id] = await fill(broker, stream, 1);
        const refused: [string, () => Promise<unknown>][] = [
          ['a history read from a bad id', () => broker.read(stream, 'g', 'c', { from: 'not-an-id', count: 1 })],
          ['a read of 0 entries', () => broker.read(stream, 'g', 'c', { from: '>', count: 0 })],
          ['an entry without fields', () => broker.add(stream, {})],
          ['a retention of 0 entries', () => broker.add(stream, { n: 'x' }, { maxLength: 0 })],
          ['a retention of -1 ms', () => broker.add(stream, { n: 'x' }, { maxAgeMs: -1 })],
          ['a range from a bad id', () => broker.range(stream, 'first', '+', 1)],
          ['an autoClaim from a bad cursor', () => broker.autoClaim(stream, 'g', 'c', 0, 'x', 1)],
          ['a dead letter of a bad id', () => broker.deadLetter(stream, 'g', 'x', h.key('bad:dl'), { n: 'x' })],
          [
            'a move with a bad retention',
            () => broker.move(stream, id!, h.key('bad:to'), { n: 'x' }, { maxLength: 0 }),
          ],
          ['a key with a TTL of 0', () => broker.setIfAbsent(h.key('bad:key'), 'v', 0)],
        ];
        for (const [what, call] of refused) {
          const error: unknown = await call().then(
            () => undefined,
            (e: unknown) => e,
          );
          expect(error, what).toBeInstanceOf(BrokerError);
          expect(error, what).toMatchObject({ code: 'SFR4203' });
        }
        expect(ids(await broker.range(stream, '-', '+', 10))).toEqual([id]);
        expect((await broker.pending(stream, 'g')).count).toBe(0);
        expect(await broker.length(h.key('bad:dl'))).toBe(0);
        expect(await broker.length(h.key('bad:to'))).toBe(0);
        expect(await broker.get(h.key('bad:key'))).toBeUndefined();
      });
    });

    describe('claims and acknowledgements', () => {
      async function pendingUnder(stream: string, count: number): Promise<string[]> {
        await broker.createGroup(stream, 'g', '0');
        const added = await fill(broker, stream, count);
        await broker.read(stream, 'g', 'dead', { from: '>', count });
        return added;
      }

      it('autoClaim takes only entries idle at least minIdle, counts the delivery, and moves them', async () => {
        const stream = h.key('autoclaim');
        const added = await pendingUnder(stream, 3);
        expect(await broker.autoClaim(stream, 'g', 'alive', 1000, '0-0', 10)).toEqual({
          next: '0-0',
          entries: [],
          deleted: [],
        });
        await h.elapse(1200);
        const claimed = await broker.autoClaim(stream, 'g', 'alive', 1000, '0-0', 10);
        expect(claimed).toEqual({
          next: '0-0',
          entries: added.map((id, n) => ({ id, fields: { n: String(n) }, deliveries: 2 })),
          deleted: [],
        });
        expect(await broker.pending(stream, 'g')).toEqual({ count: 3, consumers: { alive: 3 } });
        // Just claimed: idle again for a while, so a second claimer gets nothing.
        expect((await broker.autoClaim(stream, 'g', 'other', 1000, '0-0', 10)).entries).toEqual([]);
      });

      it('touch renews the lease of its own entries only, keeping their delivery counts', async () => {
        const stream = h.key('touch');
        const [a, b, c] = await pendingUnder(stream, 3); // all three pending under `dead`
        await broker.claim(stream, 'g', 'other', 0, [c!]); // c now pending under `other`
        await h.elapse(1200);
        expect(await broker.touch(stream, 'g', 'dead', [a!, b!, c!, '999999999999-0'])).toBe(2);
        // a and b were renewed: not idle enough to claim; c (another consumer's, not renewed) is.
        const claimed = await broker.autoClaim(stream, 'g', 'claimer', 1000, '0-0', 10);
        expect(claimed.entries.map((entry) => [entry.id, entry.deliveries])).toEqual([[c!, 3]]);
        expect(await broker.pending(stream, 'g')).toEqual({ count: 3, consumers: { dead: 2, claimer: 1 } });
        await h.elapse(1200);
        // Not renewed since: now they are claimed, their counts up from 1 (touch never counted a delivery).
        const later = await broker.autoClaim(stream, 'g', 'claimer', 1000, '0-0', 10);
        expect(later.entries.map((entry) => [entry.id, entry.deliveries])).toEqual([
          [a!, 2],
          [b!, 2],
          [c!, 4],
        ]);
      });

      it('touch drops an own pending entry that is gone from the stream, as XCLAIM does, and does not count it', async () => {
        const dl = h.key('touch-gone');
        await broker.createGroup(dl, 'g', '0');
        const [gone, kept] = await fill(broker, dl, 2);
        await broker.read(dl, 'g', 'dead', { from: '>', count: 10 });
        expect(await broker.move(dl, gone!, h.key('touch-gone:to'), { n: 'gone' })).toBeDefined();
        expect(await broker.touch(dl, 'g', 'dead', [gone!, kept!])).toBe(1);
        expect(await broker.pending(dl, 'g')).toEqual({ count: 1, consumers: { dead: 1 } });
      });

      it('release hands own entries back: delivery count and idle time set, claimable at once', async () => {
        const stream = h.key('release');
        const [a, b, c] = await pendingUnder(stream, 3); // all three pending under `dead`, 1 delivery each
        await broker.claim(stream, 'g', 'other', 0, [c!]); // c now pending under `other`, 2 deliveries
        // Just delivered: nobody can claim them yet.
        expect((await broker.autoClaim(stream, 'g', 'claimer', 30_000, '0-0', 10)).entries).toEqual([]);
        const released = await broker.release(
          stream,
          'g',
          'dead',
          [
            { id: a!, deliveries: 0 },
            { id: b!, deliveries: 5 },
            { id: c!, deliveries: 0 }, // another consumer's: left alone
            { id: '999999999999-0', deliveries: 0 }, // not pending
          ],
          60_000,
        );
        expect(released).toBe(2);
        expect(await broker.pending(stream, 'g')).toEqual({ count: 3, consumers: { dead: 2, other: 1 } });
        // Idle 60 s as far as claimers can tell; the counts are those given, plus this claim.
        const claimed = await broker.autoClaim(stream, 'g', 'claimer', 30_000, '0-0', 10);
        expect(claimed.entries.map((entry) => [entry.id, entry.deliveries])).toEqual([
          [a!, 1],
          [b!, 6],
        ]);
        expect(await broker.pending(stream, 'g')).toEqual({ count: 3, consumers: { claimer: 2, other: 1 } });
      });

      it('release with idle 0 keeps the entries leased a while; gone entries are dropped; no group is NOGROUP', async () => {
        const stream = h.key('release0');
        const [a] = await pendingUnder(stream, 1);
        await h.elapse(1200);
        expect(await broker.release(stream, 'g', 'dead', [{ id: a!, deliveries: 1 }], 0)).toBe(1);
        expect((await broker.autoClaim(stream, 'g', 'claimer', 1000, '0-0', 10)).entries).toEqual([]);

        const dl = h.key('release-gone');
        await broker.createGroup(dl, 'g', '0');
        const [gone] = await fill(broker, dl, 1);
        await broker.read(dl, 'g', 'dead', { from: '>', count: 10 });
        expect(await broker.move(dl, gone!, h.key('release-gone:to'), { n: 'gone' })).toBeDefined();
        expect(await broker.release(dl, 'g', 'dead', [{ id: gone!, deliveries: 0 }], 60_000)).toBe(0);
        expect((await broker.pending(dl, 'g')).count).toBe(0);

        const none = h.key('release-none');
        await expect(broker.release(none, 'g', 'c', [{ id: '1-0', deliveries: 0 }], 0)).rejects.toBeInstanceOf(
          NoGroupError,
        );
        await expect(broker.release(none, 'g', 'c', [], 0)).rejects.toBeInstanceOf(NoGroupError);
        for (const bad of [
          () => broker.release(stream, 'g', 'dead', [{ id: a!, deliveries: -1 }], 0),
          () => broker.release(stream, 'g', 'dead', [{ id: a!, deliveries: 1.5 }], 0),
          () => broker.release(stream, 'g', 'dead', [{ id: a!, deliveries: 1 }], -1),
          () => broker.release(stream, 'g', 'dead', [{ id: 'x', deliveries: 1 }], 0),
        ])
          await expect(bad()).rejects.toMatchObject({ code: 'SFR4203' });
      });

      it('touch on a group that does not exist throws NoGroupError', async () => {
        await expect(broker.touch(h.key('touch-none'), 'g', 'c', ['1-0'])).rejects.toBeInstanceOf(NoGroupError);
        await expect(broker.touch(h.key('touch-none'), 'g', 'c', [])).rejects.toBeInstanceOf(NoGroupError);
      });

      it('autoClaim pages with its cursor', async () => {
        const stream = h.key('cursor');
        const added = await pendingUnder(stream, 5);
        const first = await broker.autoClaim(stream, 'g', 'alive', 0, '0-0', 2);
        expect(ids(first.entries)).toEqual(added.slice(0, 2));
        expect(first.next).toBe(added[2]);
        const second = await broker.autoClaim(stream, 'g', 'alive', 0, first.next, 2);
        expect(ids(second.entries)).toEqual(added.slice(2, 4));
        const third = await broker.autoClaim(stream, 'g', 'alive', 0, second.next, 2);
        expect(ids(third.entries)).toEqual(added.slice(4));
        expect(third.next).toBe('0-0');
      });

      it('autoClaim looks at most count * 10 PEL entries per call: the cursor moves on even when none is idle enough', async () => {
        const stream = h.key('attempts');
        const added = await pendingUnder(stream, 25);
        expect(await broker.autoClaim(stream, 'g', 'alive', 60_000, '0-0', 2)).toEqual({
          next: added[20],
          entries: [],
          deleted: [],
        });
        expect(await broker.autoClaim(stream, 'g', 'alive', 60_000, added[20]!, 2)).toEqual({
          next: '0-0',
          entries: [],
          deleted: [],
        });
      });

      it('autoClaim reports pending entries no longer in the stream as deleted and drops them from the PEL', async () => {
        const stream = h.key('deleted');
        await broker.createGroup(stream, 'g', '0');
        const kept = await broker.add(stream, { n: 'kept' });
        await broker.read(stream, 'g', 'dead', { from: '>', count: 10 });
        // The dead-letter stream's entry, replayed elsewhere, is gone from it while still pending.
        const dl = h.key('deleted-dl');
        await broker.createGroup(dl, 'g', '0');
        const gone = await broker.add(dl, { n: 'gone' });
        await broker.read(dl, 'g', 'dead', { from: '>', count: 10 });
        expect(await broker.move(dl, gone, stream, { n: 'gone' })).toBeDefined();
        expect(await broker.autoClaim(dl, 'g', 'alive', 0, '0-0', 10)).toEqual({
          next: '0-0',
          entries: [],
          deleted: [gone],
        });
        expect((await broker.pending(dl, 'g')).count).toBe(0);
        expect(ids((await broker.autoClaim(stream, 'g', 'alive', 0, '0-0', 10)).entries)).toEqual([kept]);
      });

      it('autoClaim and claim drop pending entries gone from the stream even when not idle enough (Redis 7.0)', async () => {
        const dl = h.key('gone-fresh');
        await broker.createGroup(dl, 'g', '0');
        const [first, second, third] = await fill(broker, dl, 3);
        await broker.read(dl, 'g', 'dead', { from: '>', count: 10 });
        const to = h.key('gone-fresh:to');
        expect(await broker.move(dl, first!, to, { n: 'x' })).toBeDefined();
        // Just delivered, far from idle: the gone one is still dropped and reported; the kept ones stay put.
        expect(await broker.autoClaim(dl, 'g', 'alive', 60_000, '0-0', 10)).toEqual({
          next: '0-0',
          entries: [],
          deleted: [first],
        });
        expect(await broker.pending(dl, 'g')).toEqual({ count: 2, consumers: { dead: 2 } });
        expect(await broker.move(dl, third!, to, { n: 'x' })).toBeDefined();
        expect(await broker.claim(dl, 'g', 'alive', 60_000, [second!, third!])).toEqual([]);
        expect(await broker.pending(dl, 'g')).toEqual({ count: 1, consumers: { dead: 1 } });
      });

      it('claim takes the listed pending entries for a consumer, counting the delivery; others are left out', async () => {
        const stream = h.key('claim');
        const added = await pendingUnder(stream, 3);
        await broker.ack(stream, 'g', [added[2]!]);
        // Idle not long enough: nothing.
        expect(await broker.claim(stream, 'g', 'alive', 60_000, added)).toEqual([]);
        const claimed = await broker.claim(stream, 'g', 'alive', 0, added);
        expect(claimed).toEqual([
          { id: added[0], fields: { n: '0' }, deliveries: 2 },
          { id: added[1], fields: { n: '1' }, deliveries: 2 },
        ]);
        const again: DeliveredEntry[] = await broker.claim(stream, 'g', 'alive', 0, [added[0]!]);
        expect(again[0]!.deliveries).toBe(3);
        expect(await broker.pending(stream, 'g')).toEqual({ count: 2, consumers: { alive: 2 } });
      });

      it('claim skips a pending entry no longer in the stream and drops it from the PEL', async () => {
        const dl = h.key('claim-deleted-dl');
        await broker.createGroup(dl, 'g', '0');
        const [gone, kept] = await fill(broker, dl, 2);
        await broker.read(dl, 'g', 'dead', { from: '>', count: 10 });
        expect(await broker.move(dl, gone!, h.key('claim-deleted'), { n: 'gone' })).toBeDefined();
        expect(ids(await broker.claim(dl, 'g', 'alive', 0, [gone!, kept!]))).toEqual([kept]);
        expect(await broker.pending(dl, 'g')).toEqual({ count: 1, consumers: { alive: 1 } });
      });

      it('ack removes entries from the PEL once and counts only those that were pending', async () => {
        const stream = h.key('ack');
        const added = await pendingUnder(stream, 3);
        expect(await broker.ack(stream, 'g', [added[0]!, added[1]!])).toBe(2);
        expect(await broker.ack(stream, 'g', [added[0]!, added[2]!])).toBe(1);
        expect((await broker.pending(stream, 'g')).count).toBe(0);
        expect(await broker.ack(h.key('no-stream'), 'g', [added[0]!])).toBe(0);
        expect(await broker.ack(stream, 'no-group', [added[0]!])).toBe(0);
        // Acked entries stay in the stream.
        expect(await broker.length(stream)).toBe(3);
      });
    });

    describe('dead letters and replays', () => {
      it('deadLetter appends to the dead stream and acknowledges the entry, together', async () => {
        const stream = h.key('orders');
        const dead = h.key('orders:dead-letter');
        await broker.createGroup(stream, 'g', '0');
        const [id] = await fill(broker, stream, 1);
        await broker.read(stream, 'g', 'c', { from: '>', count: 1 });
        const deadId = await broker.deadLetter(stream, 'g', id!, dead, { reason: 'handler', entry: id! });
        expect(await broker.range(dead, '-', '+', 10)).toEqual([
          { id: deadId, fields: { reason: 'handler', entry: id } },
        ]);
        expect((await broker.pending(stream, 'g')).count).toBe(0);
        expect(await broker.length(stream)).toBe(1);
      });

      it('deadLetter of an entry no longer pending (settled by another consumer) adds nothing', async () => {
        const stream = h.key('orders3');
        const dead = h.key('orders3:dead-letter');
        await broker.createGroup(stream, 'g', '0');
        const [id] = await fill(broker, stream, 1);
        await broker.read(stream, 'g', 'c', { from: '>', count: 1 });
        expect(await broker.deadLetter(stream, 'g', id!, dead, { reason: 'handler' })).toEqual(expect.any(String));
        expect(await broker.deadLetter(stream, 'g', id!, dead, { reason: 'handler' })).toBeUndefined();
        expect(await broker.length(dead)).toBe(1);
        await expect(broker.deadLetter(stream, 'nogroup', id!, dead, { reason: 'handler' })).rejects.toBeInstanceOf(
          NoGroupError,
        );
      });

      it('deadLetter to a key of another type does neither: the entry stays pending (SFR4204)', async () => {
        const stream = h.key('orders2');
        const dead = h.key('orders2:dead-letter');
        await broker.set(dead, 'not a stream', 60_000);
        await broker.createGroup(stream, 'g', '0');
        const [id] = await fill(broker, stream, 1);
        await broker.read(stream, 'g', 'c', { from: '>', count: 1 });
        const error: unknown = await broker.deadLetter(stream, 'g', id!, dead, { reason: 'handler' }).catch((e) => e);
        expect(error).toBeInstanceOf(BrokerError);
        expect(error).toMatchObject({ code: 'SFR4204' });
        expect(await broker.pending(stream, 'g')).toEqual({ count: 1, consumers: { c: 1 } });
        expect(await broker.get(dead)).toBe('not a stream');
      });

      it('move appends to the target and deletes from the source together; a second move of it adds nothing', async () => {
        const dead = h.key('replay:dead-letter');
        const stream = h.key('replay');
        const deadId = await broker.add(dead, { n: 'failed' });
        const other = await broker.add(dead, { n: 'other' });
        const newId = await broker.move(dead, deadId, stream, { n: 'failed', replay: '1' });
        expect(newId).toBeDefined();
        expect(await broker.range(stream, '-', '+', 10)).toEqual([{ id: newId, fields: { n: 'failed', replay: '1' } }]);
        expect(ids(await broker.range(dead, '-', '+', 10))).toEqual([other]);
        expect(await broker.move(dead, deadId, stream, { n: 'failed' })).toBeUndefined();
        expect(await broker.length(stream)).toBe(1);
      });

      it('move from a stream that does not exist adds nothing', async () => {
        const stream = h.key('replay-nothing');
        expect(await broker.move(h.key('replay-nothing:dead-letter'), '1-0', stream, { n: 'x' })).toBeUndefined();
        expect(await broker.length(stream)).toBe(0);
      });

      it('move to a key of another type does neither (SFR4204)', async () => {
        const dead = h.key('replay2:dead-letter');
        const stream = h.key('replay2');
        await broker.set(stream, 'not a stream', 60_000);
        const deadId = await broker.add(dead, { n: 'failed' });
        await expect(broker.move(dead, deadId, stream, { n: 'failed' })).rejects.toMatchObject({ code: 'SFR4204' });
        expect(ids(await broker.range(dead, '-', '+', 10))).toEqual([deadId]);
      });

      it('move trims the target as add does', async () => {
        const dead = h.key('replay3:dead-letter');
        const stream = h.key('replay3');
        const deadId = await broker.add(dead, { n: 'failed' });
        const filled = await fill(broker, stream, 250);
        const newId = await broker.move(dead, deadId, stream, { n: 'failed' }, { maxLength: 10 });
        const length = await broker.length(stream);
        expect(length).toBeLessThan(251);
        expect(length).toBeGreaterThanOrEqual(10);
        const kept = ids(await broker.range(stream, '-', '+', 1000));
        expect(kept.at(-1)).toBe(newId);
        expect(kept).not.toContain(filled[0]);
      });
    });

    describe('a missing group or stream (NOGROUP)', () => {
      it('read, autoClaim, claim and pending throw NoGroupError without the group or after the stream is gone', async () => {
        const stream = h.key('nogroup');
        await broker.createGroup(stream, 'g', '0');
        await broker.add(stream, { n: '1' });
        const calls = (group: string): (() => Promise<unknown>)[] => [
          () => broker.read(stream, group, 'c', { from: '>', count: 1 }),
          () => broker.read(stream, group, 'c', { from: '0', count: 1 }),
          () => broker.autoClaim(stream, group, 'c', 0, '0-0', 1),
          () => broker.claim(stream, group, 'c', 0, ['1-1']),
          () => broker.pending(stream, group),
        ];
        for (const call of calls('other')) await expect(call()).rejects.toBeInstanceOf(NoGroupError);
        await h.wipe(stream);
        for (const call of calls('g')) {
          const error: unknown = await call().catch((e) => e);
          expect(error).toBeInstanceOf(NoGroupError);
          expect(error).toMatchObject({ stream, group: 'g' });
        }
        // Healed the way the consumer heals it.
        expect(await broker.createGroup(stream, 'g', '0')).toBe(true);
        expect(await broker.read(stream, 'g', 'c', { from: '>', count: 1 })).toEqual([]);
      });

      it('a read blocked when its stream key is deleted throws NoGroupError at once', async () => {
        const stream = h.key('delblocked');
        await broker.createGroup(stream, 'g', '$');
        const reader = dup();
        const read = reader.read(stream, 'g', 'c', { from: '>', count: 10, blockMs: 0 }).catch((e: unknown) => e);
        await new Promise((resolve) => setTimeout(resolve, 50));
        await broker.del(stream);
        const error = await within(read, 5000, 'the blocked read');
        expect(error).toBeInstanceOf(NoGroupError);
        expect(error).toMatchObject({ stream, group: 'g' });
        // Healed the way the consumer heals it.
        expect(await broker.createGroup(stream, 'g', '0')).toBe(true);
      });

      it('del of the stream key removes its groups too', async () => {
        const stream = h.key('delstream');
        await broker.createGroup(stream, 'g', '0');
        await broker.del(stream);
        await expect(broker.pending(stream, 'g')).rejects.toBeInstanceOf(NoGroupError);
        expect(await broker.length(stream)).toBe(0);
      });
    });

    describe('blocking reads and close', () => {
      it('a blocked read returns as soon as an entry is added, from another connection', async () => {
        const stream = h.key('block');
        await broker.createGroup(stream, 'g', '$');
        const reader = dup();
        const read = reader.read(stream, 'g', 'c', { from: '>', count: 10, blockMs: 20_000 });
        await new Promise((resolve) => setTimeout(resolve, 50));
        const id = await broker.add(stream, { n: 'wake' });
        const got = await within(read, 5000, 'the blocked read');
        expect(got).toEqual([{ id, fields: { n: 'wake' }, deliveries: 1 }]);
      });

      it('two consumers blocked on one group: an entry wakes one of them, the other gets nothing', async () => {
        const stream = h.key('block2');
        await broker.createGroup(stream, 'g', '$');
        const [a, b] = [dup(), dup()];
        const reads = [
          a.read(stream, 'g', 'a', { from: '>', count: 10, blockMs: 1000 }),
          b.read(stream, 'g', 'b', { from: '>', count: 10, blockMs: 1000 }),
        ];
        await new Promise((resolve) => setTimeout(resolve, 50));
        const id = await broker.add(stream, { n: 'one' });
        const got = await within(Promise.all(reads), 5000, 'the blocked reads');
        expect(got.map(ids).sort()).toEqual([[], [id]]);
        expect((await broker.pending(stream, 'g')).count).toBe(1);
      });

      it('a blocking read returns at once what is there already', async () => {
        const stream = h.key('block-ready');
        await broker.createGroup(stream, 'g', '0');
        const [id] = await fill(broker, stream, 1);
        const read = broker.read(stream, 'g', 'c', { from: '>', count: 10, blockMs: 20_000 });
        expect(ids(await within(read, 5000, 'the read'))).toEqual([id]);
      });

      it('a history read does not block, even with nothing pending', async () => {
        const stream = h.key('block-history');
        await broker.createGroup(stream, 'g', '0');
        const read = broker.read(stream, 'g', 'c', { from: '0', count: 10, blockMs: 20_000 });
        expect(await within(read, 5000, 'the history read')).toEqual([]);
      });

      it('a read with blockMs 0 waits for an entry, however long it takes', async () => {
        const stream = h.key('block-forever');
        await broker.createGroup(stream, 'g', '$');
        const reader = dup();
        const read = reader.read(stream, 'g', 'c', { from: '>', count: 10, blockMs: 0 });
        await new Promise((resolve) => setTimeout(resolve, 200));
        const id = await broker.add(stream, { n: 'late' });
        expect(ids(await within(read, 5000, 'the blocked read'))).toEqual([id]);
      });

      it('of two consumers blocked on one group, the one an entry did not wake stays blocked for the next', async () => {
        const stream = h.key('block-next');
        await broker.createGroup(stream, 'g', '$');
        const [a, b] = [dup(), dup()];
        const first = a.read(stream, 'g', 'a', { from: '>', count: 10, blockMs: 20_000 });
        await new Promise((resolve) => setTimeout(resolve, 50));
        const second = b.read(stream, 'g', 'b', { from: '>', count: 10, blockMs: 20_000 });
        await new Promise((resolve) => setTimeout(resolve, 50));
        const one = await broker.add(stream, { n: 'one' });
        expect(ids(await within(first, 5000, 'the first read'))).toEqual([one]);
        const two = await broker.add(stream, { n: 'two' });
        expect(ids(await within(second, 5000, 'the second read'))).toEqual([two]);
      });

      it("closing one connection leaves another connection's blocked read waiting", async () => {
        const stream = h.key('block-other');
        await broker.createGroup(stream, 'g', '$');
        const [reader, closing] = [dup(), dup()];
        const read = reader.read(stream, 'g', 'c', { from: '>', count: 10, blockMs: 20_000 });
        const closingRead = closing.read(stream, 'g', 'd', { from: '>', count: 10, blockMs: 20_000 });
        await new Promise((resolve) => setTimeout(resolve, 50));
        await within(closing.close(), 5000, 'close()');
        expect(await within(closingRead, 5000, 'the closed read')).toEqual([]);
        const id = await broker.add(stream, { n: 'after' });
        expect(ids(await within(read, 5000, 'the other read'))).toEqual([id]);
      });

      it('a blocked read with nothing to read returns empty after blockMs', async () => {
        const stream = h.key('timeout');
        await broker.createGroup(stream, 'g', '$');
        const reader = dup();
        expect(
          await within(reader.read(stream, 'g', 'c', { from: '>', count: 10, blockMs: 100 }), 5000, 'read'),
        ).toEqual([]);
      });

      it('close() ends a blocked read at once with no entries, and later calls fail with SFR4202', async () => {
        const stream = h.key('close');
        await broker.createGroup(stream, 'g', '$');
        const reader = dup();
        const read = reader.read(stream, 'g', 'c', { from: '>', count: 10, blockMs: 0 });
        await new Promise((resolve) => setTimeout(resolve, 50));
        await within(reader.close(), 5000, 'close()');
        expect(await within(read, 5000, 'the blocked read')).toEqual([]);
        await reader.close(); // idempotent
        await expect(reader.length(stream)).rejects.toMatchObject({ code: 'SFR4202' });
        // The entry added afterwards is still there for the group: the closed read took nothing.
        const id = await broker.add(stream, { n: 'after' });
        expect(ids(await broker.read(stream, 'g', 'c2', { from: '>', count: 10 }))).toEqual([id]);
      });
    });

    describe('keys with a TTL', () => {
      it('setIfAbsent sets once; set overwrites; get and del; keys expire after their TTL', async () => {
        const key = h.key('dedupe:1');
        expect(await broker.get(key)).toBeUndefined();
        expect(await broker.setIfAbsent(key, 'pending', 10_000)).toBe(true);
        expect(await broker.setIfAbsent(key, 'pending', 10_000)).toBe(false);
        expect(await broker.get(key)).toBe('pending');
        await broker.set(key, 'done', 60_000);
        expect(await broker.get(key)).toBe('done');
        await broker.del(key);
        expect(await broker.get(key)).toBeUndefined();

        const short = h.key('dedupe:2');
        expect(await broker.setIfAbsent(short, 'pending', 200)).toBe(true);
        await h.elapse(400);
        expect(await broker.get(short)).toBeUndefined();
        expect(await broker.setIfAbsent(short, 'again', 60_000)).toBe(true);
      });

      it('compareAndSet and compareAndDelete change a key only while it holds the expected value', async () => {
        const key = h.key('owned:1');
        expect(await broker.compareAndSet(key, 'me', 'done', 60_000)).toBe(false); // absent
        expect(await broker.compareAndDelete(key, 'me')).toBe(false);
        expect(await broker.get(key)).toBeUndefined();
        await broker.setIfAbsent(key, 'me', 60_000);
        expect(await broker.compareAndSet(key, 'other', 'done', 60_000)).toBe(false);
        expect(await broker.compareAndDelete(key, 'other')).toBe(false);
        expect(await broker.get(key)).toBe('me');
        expect(await broker.compareAndSet(key, 'me', 'done', 60_000)).toBe(true);
        expect(await broker.get(key)).toBe('done');
        expect(await broker.compareAndSet(key, 'me', 'again', 60_000)).toBe(false);
        expect(await broker.compareAndDelete(key, 'done')).toBe(true);
        expect(await broker.get(key)).toBeUndefined();
        expect(await broker.setIfAbsent(key, 'next', 60_000)).toBe(true);
        await expect(broker.compareAndSet(key, 'next', 'x', 0)).rejects.toMatchObject({ code: 'SFR4203' });
        expect(await broker.get(key)).toBe('next');
      });

      it('compareAndSet gives the key its new TTL; an expired key matches nothing', async () => {
        const key = h.key('owned:2');
        await broker.setIfAbsent(key, 'me', 60_000);
        expect(await broker.compareAndSet(key, 'me', 'short', 200)).toBe(true);
        await h.elapse(400);
        expect(await broker.get(key)).toBeUndefined();
        expect(await broker.compareAndSet(key, 'short', 'late', 60_000)).toBe(false);
        expect(await broker.compareAndDelete(key, 'short')).toBe(false);
        expect(await broker.get(key)).toBeUndefined();
      });

      it('a stream key is not a string: get refuses it with SFR4204', async () => {
        const stream = h.key('typed');
        await broker.add(stream, { n: '1' });
        await expect(broker.get(stream)).rejects.toMatchObject({ code: 'SFR4204' });
        await expect(broker.compareAndSet(stream, 'a', 'b', 60_000)).rejects.toMatchObject({ code: 'SFR4204' });
        await expect(broker.compareAndDelete(stream, 'a')).rejects.toMatchObject({ code: 'SFR4204' });
        expect(await broker.length(stream)).toBe(1);
        await expect(broker.add(h.key('dedupe:3'), { n: '1' }).then(() => 'ok')).resolves.toBe('ok');
      });
    });

    it('a duplicate sees the same streams and groups', async () => {
      const stream = h.key('shared');
      await broker.createGroup(stream, 'g', '0');
      const other = dup();
      const id = await other.add(stream, { n: '1' });
      expect(ids(await broker.read(stream, 'g', 'c', { from: '>', count: 1 }))).toEqual([id]);
      expect(await other.pending(stream, 'g')).toEqual({ count: 1, consumers: { c: 1 } });
    });
  });
}
