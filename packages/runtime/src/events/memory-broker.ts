/**
 * The in-process {@link EventBroker}: Redis Streams' semantics without a server, for tests, demos and a
 * single-process dev setup. One keyspace of streams and strings (so a key of the wrong type is refused as
 * Redis refuses it), consumer groups with their last-delivered id, and a PEL per group whose entries carry
 * their consumer, delivery count and last-delivery time. The contract suite
 * (test/events/broker-contract.ts) runs the same cases against this broker and a real Redis.
 *
 * Time comes from `options.clock` (default `Date.now`): entry ids, idle times and key expiry, so tests
 * can move time on. Only the wait of a blocking read uses a real timer.
 *
 * Where it differs from Redis on purpose: trimming (`MAXLEN ~` / `MINID ~`) is exact, where Redis trims
 * whole macro nodes only; nothing persists beyond the process.
 */
import { BrokerError, NoGroupError } from './broker.js';
import { checkCount, checkDeliveries, checkFields, checkId, checkIdle, checkTrim, wrongType } from './checks.js';
import type {
  AutoClaimResult,
  DeliveredEntry,
  EntryFields,
  EventBroker,
  PendingSummary,
  ReadOptions,
  StreamEntry,
  Trim,
} from './broker.js';

export interface MemoryBrokerOptions {
  /** Milliseconds since the epoch, as `Date.now` (the default). */
  clock?: () => number;
}

/** The memory broker, with what only it can do. */
export interface MemoryBroker extends EventBroker {
  duplicate(): MemoryBroker;
  /** Empties the store, like Redis's `FLUSHALL`: every stream, group and key is gone (groups then answer `NOGROUP`). */
  flush(): void;
}

type Id = readonly [ms: number, seq: number];

interface Pending {
  consumer: string;
  deliveries: number;
  deliveredAt: number;
}

interface Group {
  lastId: Id;
  /** Keyed by entry id; insertion order is id order (new deliveries always have higher ids). */
  pel: Map<string, Pending>;
}

interface StreamValue {
  kind: 'stream';
  /** In id order. */
  entries: { id: string; key: Id; fields: EntryFields }[];
  /** Id → fields, for existence checks. */
  byId: Map<string, EntryFields>;
  lastId: Id;
  groups: Map<string, Group>;
}

interface StringValue {
  kind: 'string';
  value: string;
  expiresAt: number;
}

interface Store {
  clock: () => number;
  keys: Map<string, StreamValue | StringValue>;
  /** Blocked reads, woken (in the order they blocked) when their stream gets an entry. */
  waiters: Set<Waiter>;
}

interface Waiter {
  stream: string;
  owner: Connection;
  /** Tries the read again: true when it has finished (entries delivered, or an error). */
  retry(): boolean;
  /** Ends the wait with no entries. */
  end(): void;
}

interface Connection {
  closed: boolean;
}

const MAX_SEQ = Number.MAX_SAFE_INTEGER;

function formatId(id: Id): string {
  return `${id[0]}-${id[1]}`;
}

function compareIds(a: Id, b: Id): number {
  return a[0] - b[0] || a[1] - b[1];
}

/** Parses `<ms>-<seq>` or `<ms>`; a missing sequence is `missingSeq` (0 for a start, the largest for an end). */
function parseId(text: string, missingSeq = 0): Id {
  checkId(text);
  const [ms, seq] = text.split('-');
  return [Number(ms), seq === undefined ? missingSeq : Number(seq)];
}

/** Creates an in-process broker; `duplicate()` gives views of the same store (as connections to one server). */
export function memoryBroker(options: MemoryBrokerOptions = {}): MemoryBroker {
  const store: Store = { clock: options.clock ?? Date.now, keys: new Map(), waiters: new Set() };
  return view(store);
}

function view(store: Store): MemoryBroker {
  const connection: Connection = { closed: false };
  const now = (): number => Math.floor(store.clock());

  function open(): void {
    if (connection.closed)
      throw new BrokerError(
        'SFR4202',
        'the memory broker was closed',
        'use another broker (`duplicate()` of one still open) after `close()`',
      );
  }

  /** The value at `key`, expired strings removed. */
  function lookup(key: string): StreamValue | StringValue | undefined {
    const value = store.keys.get(key);
    if (value?.kind === 'string' && value.expiresAt <= now()) {
      store.keys.delete(key);
      return undefined;
    }
    return value;
  }

  /** The string at `key` (`undefined` when absent or expired); another type is WRONGTYPE. */
  function stringAt(key: string): string | undefined {
    const value = lookup(key);
    if (value === undefined) return undefined;
    if (value.kind !== 'string') throw wrongType(key);
    return value.value;
  }

  /** Wakes the reads blocked on `keys` that were just deleted: their groups are gone (NOGROUP, as Redis). */
  function wakeDeleted(keys: Iterable<string>): void {
    const gone = new Set(keys);
    for (const waiter of [...store.waiters])
      if (gone.has(waiter.stream) && !store.keys.has(waiter.stream) && waiter.retry()) store.waiters.delete(waiter);
  }

  function streamOf(key: string): StreamValue | undefined {
    const value = lookup(key);
    if (value !== undefined && value.kind !== 'stream') throw wrongType(key);
    return value;
  }

  function createStream(key: string): StreamValue {
    const stream: StreamValue = { kind: 'stream', entries: [], byId: new Map(), lastId: [0, 0], groups: new Map() };
    store.keys.set(key, stream);
    return stream;
  }

  /**
   * The pending entry `given` of `consumer`, as `XCLAIM … JUSTID` on its own entries sees it:
   * undefined when another consumer holds it or nobody does, and dropped from the PEL (undefined)
   * when its stream entry is gone.
   */
  function ownPending(stream: StreamValue, group: Group, consumer: string, given: string): Pending | undefined {
    const id = formatId(parseId(given));
    const pending = group.pel.get(id);
    if (pending === undefined || pending.consumer !== consumer) return undefined;
    if (stream.byId.has(id)) return pending;
    group.pel.delete(id);
    return undefined;
  }

  function groupOf(key: string, group: string): { stream: StreamValue; group: Group } {
    const stream = streamOf(key);
    const found = stream?.groups.get(group);
    if (stream === undefined || found === undefined) throw new NoGroupError(key, group);
    return { stream, group: found };
  }

  function append(key: string, stream: StreamValue, fields: EntryFields, trim?: Trim): string {
    const ms = now();
    const [lastMs, lastSeq] = stream.lastId;
    const id: Id = ms > lastMs ? [ms, 0] : [lastMs, lastSeq + 1];
    const text = formatId(id);
    const copy = { ...fields };
    stream.entries.push({ id: text, key: id, fields: copy });
    stream.byId.set(text, copy);
    stream.lastId = id;
    if (trim !== undefined) trimStream(stream, trim);
    for (const waiter of [...store.waiters]) if (waiter.stream === key && waiter.retry()) store.waiters.delete(waiter);
    return text;
  }

  function trimStream(stream: StreamValue, trim: Trim): void {
    let drop = 0;
    if ('maxLength' in trim) {
      drop = Math.max(0, stream.entries.length - trim.maxLength);
    } else {
      const minId: Id = [now() - trim.maxAgeMs, 0];
      while (drop < stream.entries.length && compareIds(stream.entries[drop]!.key, minId) < 0) drop++;
    }
    for (const entry of stream.entries.splice(0, drop)) stream.byId.delete(entry.id);
  }

  function deliver(id: string, fields: EntryFields, pending: Pending): DeliveredEntry {
    return { id, fields: { ...fields }, deliveries: pending.deliveries };
  }

  /** One attempt of `read`; `undefined` for "nothing yet" with `'>'`, so a blocking read waits. */
  function tryRead(key: string, groupName: string, consumer: string, options: ReadOptions): DeliveredEntry[] {
    const { stream, group } = groupOf(key, groupName);
    const at = now();
    const result: DeliveredEntry[] = [];
    if (options.from === '>') {
      for (let index = firstAfter(stream.entries, group.lastId, true); index < stream.entries.length; index++) {
        if (result.length >= options.count) break;
        const entry = stream.entries[index]!;
        const pending: Pending = { consumer, deliveries: 1, deliveredAt: at };
        group.pel.delete(entry.id);
        group.pel.set(entry.id, pending);
        group.lastId = entry.key;
        result.push(deliver(entry.id, entry.fields, pending));
      }
      return result;
    }
    const after = parseId(options.from);
    for (const [id, pending] of group.pel) {
      if (result.length >= options.count) break;
      if (pending.consumer !== consumer || compareIds(parseId(id), after) <= 0) continue;
      const fields = stream.byId.get(id);
      if (fields === undefined) {
        result.push({ id, fields: {}, deliveries: pending.deliveries, deleted: true });
        continue;
      }
      pending.deliveries++;
      pending.deliveredAt = at;
      result.push(deliver(id, fields, pending));
    }
    return result;
  }

  const broker: MemoryBroker = {
    async add(key, fields, trim) {
      open();
      checkFields(fields);
      checkTrim(trim);
      return append(key, streamOf(key) ?? createStream(key), fields, trim);
    },

    async createGroup(key, group, start) {
      open();
      const stream = streamOf(key) ?? createStream(key);
      if (stream.groups.has(group)) return false;
      stream.groups.set(group, { lastId: start === '$' ? stream.lastId : [0, 0], pel: new Map() });
      return true;
    },

    read(key, group, consumer, options) {
      try {
        open();
        checkCount(options.count);
        const first = tryRead(key, group, consumer, options);
        if (first.length > 0 || options.from !== '>' || options.blockMs === undefined) return Promise.resolve(first);
        const blockMs = options.blockMs;
        return new Promise<DeliveredEntry[]>((resolve, reject) => {
          let timer: ReturnType<typeof setTimeout> | undefined;
          const finish = (): void => {
            if (timer !== undefined) clearTimeout(timer);
            store.waiters.delete(waiter);
          };
          const waiter: Waiter = {
            stream: key,
            owner: connection,
            retry() {
              try {
                const entries = tryRead(key, group, consumer, options);
                if (entries.length === 0) return false;
                finish();
                resolve(entries);
              } catch (error) {
                finish();
                reject(error as Error);
              }
              return true;
            },
            end() {
              finish();
              resolve([]);
            },
          };
          store.waiters.add(waiter);
          if (blockMs > 0) timer = setTimeout(() => waiter.end(), blockMs);
        });
      } catch (error) {
        return Promise.reject(error as Error);
      }
    },

    async ack(key, groupName, ids) {
      open();
      const group = streamOf(key)?.groups.get(groupName);
      if (group === undefined) return 0;
      let acked = 0;
      for (const id of ids) if (group.pel.delete(formatId(parseId(id)))) acked++;
      return acked;
    },

    async autoClaim(key, groupName, consumer, minIdleMs, cursor, count) {
      open();
      checkCount(count);
      const { stream, group } = groupOf(key, groupName);
      const start = parseId(cursor);
      const at = now();
      const result: AutoClaimResult = { next: '0-0', entries: [], deleted: [] };
      // As Redis 7.0: at most count * 10 PEL entries are looked at; deleted ones count towards `count`.
      let attempts = count * 10;
      let remaining = count;
      const ids = [...group.pel.keys()].filter((id) => compareIds(parseId(id), start) >= 0);
      let index = 0;
      for (; index < ids.length && attempts > 0 && remaining > 0; index++, attempts--) {
        const id = ids[index]!;
        const pending = group.pel.get(id)!;
        const fields = stream.byId.get(id);
        // As Redis 7.0: an entry gone from the stream is dropped however idle it is, and counts.
        if (fields === undefined) {
          remaining--;
          group.pel.delete(id);
          result.deleted.push(id);
          continue;
        }
        if (minIdleMs > 0 && at - pending.deliveredAt < minIdleMs) continue;
        remaining--;
        pending.consumer = consumer;
        pending.deliveredAt = at;
        pending.deliveries++;
        result.entries.push(deliver(id, fields, pending));
      }
      if (index < ids.length) result.next = ids[index]!;
      return result;
    },

    async claim(key, groupName, consumer, minIdleMs, ids) {
      open();
      const { stream, group } = groupOf(key, groupName);
      const at = now();
      const result: DeliveredEntry[] = [];
      for (const given of ids) {
        const id = formatId(parseId(given));
        const pending = group.pel.get(id);
        if (pending === undefined) continue;
        const fields = stream.byId.get(id);
        // As Redis 7.0: an entry gone from the stream is dropped from the PEL whether idle enough or not.
        if (fields === undefined) {
          group.pel.delete(id);
          continue;
        }
        if (at - pending.deliveredAt < minIdleMs) continue;
        pending.consumer = consumer;
        pending.deliveredAt = at;
        pending.deliveries++;
        result.push(deliver(id, fields, pending));
      }
      return result;
    },

    async touch(key, groupName, consumer, ids) {
      open();
      ids.forEach(checkId);
      const { stream, group } = groupOf(key, groupName);
      const at = now();
      let touched = 0;
      for (const given of ids) {
        const pending = ownPending(stream, group, consumer, given);
        if (pending === undefined) continue;
        pending.deliveredAt = at;
        touched++;
      }
      return touched;
    },

    async release(key, groupName, consumer, entries, idleMs) {
      open();
      checkIdle(idleMs);
      for (const { id, deliveries } of entries) {
        checkId(id);
        checkDeliveries(deliveries);
      }
      const { stream, group } = groupOf(key, groupName);
      const at = now();
      let released = 0;
      for (const { id, deliveries } of entries) {
        const pending = ownPending(stream, group, consumer, id);
        if (pending === undefined) continue;
        pending.deliveries = deliveries;
        // As XCLAIM IDLE: a delivery time before the epoch is taken as now.
        pending.deliveredAt = at - idleMs < 0 ? at : at - idleMs;
        released++;
      }
      return released;
    },

    async deadLetter(key, groupName, id, deadKey, fields) {
      open();
      // Every check before any change: the step happens whole or not at all.
      const dead = streamOf(deadKey);
      const entryId = formatId(parseId(id));
      checkFields(fields);
      const { group } = groupOf(key, groupName);
      // Settled meanwhile (acknowledged, or dead-lettered by another consumer): nothing to do.
      if (!group.pel.has(entryId)) return undefined;
      const deadId = append(deadKey, dead ?? createStream(deadKey), fields);
      group.pel.delete(entryId);
      return deadId;
    },

    async move(fromKey, id, key, fields, trim) {
      open();
      const from = streamOf(fromKey);
      const target = streamOf(key);
      const entryId = formatId(parseId(id));
      checkTrim(trim);
      checkFields(fields);
      if (from?.byId.has(entryId) !== true) return undefined;
      from.byId.delete(entryId);
      from.entries.splice(firstAfter(from.entries, parseId(entryId), false), 1);
      return append(key, target ?? createStream(key), fields, trim);
    },

    async range(key, start, end, count) {
      open();
      checkCount(count);
      const stream = streamOf(key);
      const low = bound(start, 'start');
      const high = bound(end, 'end');
      const result: StreamEntry[] = [];
      if (stream === undefined) return result;
      for (let index = firstAfter(stream.entries, low.id, low.exclusive); index < stream.entries.length; index++) {
        if (result.length >= count) break;
        const entry = stream.entries[index]!;
        const toHigh = compareIds(entry.key, high.id);
        if (toHigh > 0 || (high.exclusive && toHigh === 0)) break;
        result.push({ id: entry.id, fields: { ...entry.fields } });
      }
      return result;
    },

    async length(key) {
      open();
      return streamOf(key)?.entries.length ?? 0;
    },

    async pending(key, groupName) {
      open();
      const { group } = groupOf(key, groupName);
      const summary: PendingSummary = { count: group.pel.size, consumers: {} };
      for (const { consumer } of group.pel.values())
        summary.consumers[consumer] = (summary.consumers[consumer] ?? 0) + 1;
      return summary;
    },

    async setIfAbsent(key, value, ttlMs) {
      open();
      checkCount(ttlMs, 'ttlMs');
      if (lookup(key) !== undefined) return false;
      store.keys.set(key, { kind: 'string', value, expiresAt: now() + ttlMs });
      return true;
    },

    async set(key, value, ttlMs) {
      open();
      checkCount(ttlMs, 'ttlMs');
      store.keys.set(key, { kind: 'string', value, expiresAt: now() + ttlMs });
    },

    async compareAndSet(key, expected, value, ttlMs) {
      open();
      checkCount(ttlMs, 'ttlMs');
      if (stringAt(key) !== expected) return false;
      store.keys.set(key, { kind: 'string', value, expiresAt: now() + ttlMs });
      return true;
    },

    async compareAndDelete(key, expected) {
      open();
      if (stringAt(key) !== expected) return false;
      store.keys.delete(key);
      return true;
    },

    async get(key) {
      open();
      return stringAt(key);
    },

    async del(...keys) {
      open();
      for (const key of keys) store.keys.delete(key);
      wakeDeleted(keys);
    },

    duplicate() {
      return view(store);
    },

    flush() {
      const keys = [...store.keys.keys()];
      store.keys.clear();
      wakeDeleted(keys);
    },

    async close() {
      connection.closed = true;
      for (const waiter of [...store.waiters]) if (waiter.owner === connection) waiter.end();
    },
  };
  return broker;
}

/** The index of the first entry after `id` (`exclusive`) or from it on: a binary search of the ids. */
function firstAfter(entries: readonly { key: Id }[], id: Id, exclusive: boolean): number {
  let low = 0;
  let high = entries.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    const order = compareIds(entries[middle]!.key, id);
    if (order < 0 || (exclusive && order === 0)) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** A range end: `-`, `+`, an id (a bare `<ms>` covers the whole millisecond), `(` + id to exclude it. */
function bound(text: string, side: 'start' | 'end'): { id: Id; exclusive: boolean } {
  if (text === '-') return { id: [0, 0], exclusive: false };
  if (text === '+') return { id: [Number.MAX_SAFE_INTEGER, MAX_SEQ], exclusive: false };
  const exclusive = text.startsWith('(');
  const id = parseId(exclusive ? text.slice(1) : text, side === 'start' ? 0 : MAX_SEQ);
  return { id, exclusive };
}
