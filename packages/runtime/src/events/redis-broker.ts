/**
 * `@specfirst/runtime/events/redis`: the {@link EventBroker} on Redis Streams, through ioredis. The
 * memory broker (`@specfirst/runtime/events`) has the same contract; test/events/broker-contract.ts
 * runs against both.
 *
 * - Delivery counts: `XREADGROUP` does not return them, so a history read runs in one `MULTI` with the
 *   `XPENDING` of the same entries, and claims run in a Lua script that reads each claimed entry's
 *   `XPENDING` line: the counts are those of the very same step.
 * - `deadLetter` and `move` are Lua scripts that check every key's type and the id before they change
 *   anything: `MULTI` would run the second command even when the first failed (WRONGTYPE), and one
 *   without the other is what must never happen.
 * - Errors: `NOGROUP` is {@link NoGroupError}; `WRONGTYPE` `SFR4204`; other replies `SFR4203`; a lost or
 *   refused connection `SFR4201` (`retryable`); a call after `close()` `SFR4202`.
 */
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { Redis, ReplyError, type RedisOptions } from 'ioredis';
import { BrokerError, NoGroupError } from './broker.js';
import type { AutoClaimResult, DeliveredEntry, EntryFields, EventBroker, StreamEntry, Trim } from './broker.js';
import {
  checkBound,
  checkCount,
  checkDeliveries,
  checkFields,
  checkId,
  checkIdle,
  checkTrim,
  wrongType,
} from './checks.js';

export interface RedisBrokerOptions {
  /**
   * ioredis options for a connection made from a URL (and its duplicates). The defaults fail a command
   * after one reconnection attempt (`maxRetriesPerRequest: 1`) so that the consumer loop, which retries
   * with its own backoff, hears of a lost server soon, and turn on auto-pipelining
   * (`enableAutoPipelining: true`): the commands of one tick (a batch of publishes, of acknowledgements)
   * go to Redis in one write, which the messaging bench shows is most of a publisher's cost. A closed
   * connection's socket is destroyed at the latest 1 s after `close()` (`disconnectTimeout: 1000`).
   */
  redis?: RedisOptions;
}

/** How long `close()` waits for the socket to end before it returns anyway. */
const CLOSE_WAIT_MS = 1000;

const DEFAULTS: RedisOptions = {
  maxRetriesPerRequest: 1,
  enableAutoPipelining: true,
  connectTimeout: 5000,
  // How long ioredis keeps a socket it ends (or ended already, while reconnecting) before it destroys
  // it; its default, 2 s, keeps the process alive that long after close().
  disconnectTimeout: CLOSE_WAIT_MS,
  retryStrategy: (times) => Math.min(times * 100, 2000),
};

/** Redis's reply to a stream read: entries as `[id, [field, value, …] | null]`. */
type RawEntry = [id: string, fields: string[] | null];

function toFields(flat: readonly string[]): EntryFields {
  const fields: EntryFields = {};
  for (let index = 0; index + 1 < flat.length; index += 2) fields[flat[index]!] = flat[index + 1]!;
  return fields;
}

function toFlat(fields: EntryFields): string[] {
  checkFields(fields);
  const flat: string[] = [];
  for (const [name, value] of Object.entries(fields)) flat.push(name, value);
  return flat;
}

function trimArgs(trim: Trim | undefined): string[] {
  if (trim === undefined) return [];
  if ('maxLength' in trim) return ['MAXLEN', '~', String(trim.maxLength)];
  return ['MINID', '~', String(Math.max(0, Date.now() - trim.maxAgeMs))];
}

/** A Lua script, sent by its SHA1 and loaded on `NOSCRIPT`. */
interface Script {
  source: string;
  sha: string;
}

function script(source: string): Script {
  return { source, sha: createHash('sha1').update(source).digest('hex') };
}

const TYPE_CHECK = `
local function check_type(key)
  local kind = redis.call('TYPE', key).ok
  if kind ~= 'none' and kind ~= 'stream' then
    return redis.error_reply('WRONGTYPE Operation against a key holding the wrong kind of value')
  end
end
local function check_id(id)
  if not (string.match(id, '^%d+%-%d+$') or string.match(id, '^%d+$')) then
    return redis.error_reply('ERR Invalid stream ID specified as stream command argument')
  end
end
`;

/**
 * KEYS: stream, dead stream. ARGV: group, id, field, value, … Returns the dead-letter entry's id, or nil
 * when the id is not pending for the group (settled meanwhile).
 */
const DEAD_LETTER = script(`${TYPE_CHECK}
local refused = check_type(KEYS[1]) or check_type(KEYS[2]) or check_id(ARGV[2])
if refused then return refused end
if #redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[2], ARGV[2], 1) == 0 then return false end
local dead = redis.call('XADD', KEYS[2], '*', unpack(ARGV, 3))
redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
return dead
`);

/**
 * KEYS: from stream, target stream. ARGV: id, the number of trim arguments, the trim arguments, field,
 * value, … Returns the new entry's id, or nil when the id is no longer in the from stream.
 */
const MOVE = script(`${TYPE_CHECK}
local refused = check_type(KEYS[1]) or check_type(KEYS[2]) or check_id(ARGV[1])
if refused then return refused end
if #redis.call('XRANGE', KEYS[1], ARGV[1], ARGV[1]) == 0 then return false end
local trims = tonumber(ARGV[2])
local args = { KEYS[2] }
for i = 1, trims do args[#args + 1] = ARGV[2 + i] end
args[#args + 1] = '*'
for i = 3 + trims, #ARGV do args[#args + 1] = ARGV[i] end
local id = redis.call('XADD', unpack(args))
redis.call('XDEL', KEYS[1], ARGV[1])
return id
`);

/**
 * KEYS: stream. ARGV: group, consumer, min idle, 'auto' cursor count | 'ids' id … Claims with XAUTOCLAIM
 * or XCLAIM and returns { next, entries, deleted, deliveries } with each claimed entry's delivery count.
 */
const CLAIM = script(`
local stream, group, consumer, idle = KEYS[1], ARGV[1], ARGV[2], ARGV[3]
local nextId, claimed, deleted = '0-0', nil, {}
if ARGV[4] == 'auto' then
  local reply = redis.call('XAUTOCLAIM', stream, group, consumer, idle, ARGV[5], 'COUNT', ARGV[6])
  nextId, claimed, deleted = reply[1], reply[2], reply[3] or {}
else
  claimed = redis.call('XCLAIM', stream, group, consumer, idle, unpack(ARGV, 5))
end
local entries, counts = {}, {}
for _, entry in ipairs(claimed) do
  if entry and entry[2] then
    local line = redis.call('XPENDING', stream, group, entry[1], entry[1], 1)[1]
    entries[#entries + 1] = entry
    counts[#counts + 1] = line and line[4] or 1
  end
end
return { nextId, entries, deleted, counts }
`);

/**
 * KEYS: stream. ARGV: group, consumer, id … Resets the idle time of the ids pending under `consumer`
 * (XCLAIM JUSTID keeps the delivery count), leaving other consumers' entries alone; returns how many. An
 * entry no longer in the stream is dropped from the PEL by XCLAIM (Redis 7) and not counted.
 */
const TOUCH = script(`
local stream, group, consumer = KEYS[1], ARGV[1], ARGV[2]
local touched = 0
for i = 3, #ARGV do
  local line = redis.call('XPENDING', stream, group, ARGV[i], ARGV[i], 1)[1]
  if line and line[2] == consumer then
    if #redis.call('XCLAIM', stream, group, consumer, 0, ARGV[i], 'JUSTID') > 0 then touched = touched + 1 end
  end
end
return touched
`);

/**
 * KEYS: stream. ARGV: group, consumer, idle ms, then id, deliveries, … Hands entries pending under
 * `consumer` back to the group: sets their delivery count and idle time (XCLAIM IDLE RETRYCOUNT JUSTID),
 * leaving other consumers' entries alone; returns how many. An entry no longer in the stream is dropped
 * from the PEL by XCLAIM (Redis 7) and not counted.
 */
const RELEASE = script(`
local stream, group, consumer, idle = KEYS[1], ARGV[1], ARGV[2], ARGV[3]
local released = 0
for i = 4, #ARGV - 1, 2 do
  local line = redis.call('XPENDING', stream, group, ARGV[i], ARGV[i], 1)[1]
  if line and line[2] == consumer then
    local claimed = redis.call('XCLAIM', stream, group, consumer, 0, ARGV[i], 'IDLE', idle, 'RETRYCOUNT', ARGV[i + 1], 'JUSTID')
    if #claimed > 0 then released = released + 1 end
  end
end
return released
`);

/** KEYS: key. ARGV: expected, value, ttl ms. Sets the key only if it holds `expected`; 1 when it did. */
const COMPARE_AND_SET = script(`
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
return 1
`);

/** KEYS: key. ARGV: expected. Deletes the key only if it holds `expected`; 1 when it did. */
const COMPARE_AND_DELETE = script(`
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
return 1
`);

/** The message of a Redis error reply (`NOGROUP …`, `WRONGTYPE …`), or undefined for any other error. */
function replyOf(error: unknown): string | undefined {
  return error instanceof ReplyError || (error instanceof Error && error.name === 'ReplyError')
    ? (error as Error).message
    : undefined;
}

/**
 * The Redis broker. `connection` is an ioredis client or a URL (`redis://127.0.0.1:6379`); the broker
 * owns it: `close()` disconnects it (pass `redis.duplicate()` to keep yours). `duplicate()` opens another
 * connection, for blocking reads.
 */
export function redisBroker(connection: Redis | string, options: RedisBrokerOptions = {}): EventBroker {
  const redis = typeof connection === 'string' ? new Redis(connection, { ...DEFAULTS, ...options.redis }) : connection;
  // Connection errors reach callers through their commands; without a listener ioredis prints each one.
  if (typeof connection === 'string') redis.on('error', () => undefined);
  return broker(redis);
}

function broker(redis: Redis): EventBroker {
  let closed = false;
  /**
   * Aborts the calls in flight, for `close()`: each call races its abort, so that none waits on ioredis,
   * which keeps a command queued while it reconnects and never settles it once disconnected then. (One
   * abort per call, removed when it settles: a single promise raced by every call would keep a reaction
   * for each call ever made.)
   */
  const inFlight = new Set<(error: BrokerError) => void>();

  function closedError(cause?: unknown): BrokerError {
    return new BrokerError(
      'SFR4202',
      'the Redis broker was closed',
      'use a broker that is still open after `close()`',
      cause === undefined ? {} : { cause },
    );
  }

  /** The broker's error for a failed command on `stream` (and `group`). */
  function translate(error: unknown, stream?: string, group?: string): Error {
    if (error instanceof BrokerError || error instanceof NoGroupError) return error;
    const message = error instanceof Error ? error.message : String(error);
    const reply = replyOf(error);
    if (reply !== undefined) {
      if (reply.startsWith('NOGROUP') && stream !== undefined) return new NoGroupError(stream, group ?? '');
      // A blocked XREADGROUP whose stream key was deleted (DEL, FLUSHALL): its groups went with the key.
      if (reply.startsWith('UNBLOCKED the stream key no longer exists') && stream !== undefined)
        return new NoGroupError(stream, group ?? '');
      if (reply.startsWith('WRONGTYPE')) return wrongType(stream ?? '?', error);
      return new BrokerError('SFR4203', `Redis answered \`${message}\``, 'see the Redis error (the cause)', {
        cause: error,
      });
    }
    if (closed) return closedError(error);
    const { host, port } = redis.options;
    return new BrokerError(
      'SFR4201',
      `cannot reach Redis at ${host ?? '?'}:${String(port ?? '?')} (${message})`,
      'start redis-server (or set REDIS_URL to where it runs); the consumers retry on their own',
      { retryable: true, cause: error },
    );
  }

  async function run<T>(command: () => Promise<T>, stream?: string, group?: string): Promise<T> {
    if (closed) throw closedError();
    // One promise per call that either the command or close() settles (close() rejects what is in
    // flight, which a disconnected ioredis would otherwise hold on to until it reconnects).
    return new Promise<T>((resolve, reject) => {
      const abort = (error: BrokerError) => reject(error);
      let pending: Promise<T>;
      try {
        pending = command();
      } catch (error) {
        reject(translate(error, stream, group));
        return;
      }
      inFlight.add(abort);
      pending.then(
        (value) => {
          inFlight.delete(abort);
          resolve(value);
        },
        (error: unknown) => {
          inFlight.delete(abort);
          reject(translate(error, stream, group));
        },
      );
    });
  }

  async function evalScript(source: Script, keys: readonly string[], args: readonly string[]): Promise<unknown> {
    try {
      return await redis.evalsha(source.sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (replyOf(error)?.startsWith('NOSCRIPT') !== true) throw error;
      return redis.eval(source.source, keys.length, ...keys, ...args);
    }
  }

  function delivered(raw: RawEntry, deliveries: number): DeliveredEntry {
    const [id, flat] = raw;
    return flat === null ? { id, fields: {}, deliveries, deleted: true } : { id, fields: toFields(flat), deliveries };
  }

  async function claimScript(stream: string, group: string, args: string[]): Promise<AutoClaimResult> {
    const [next, entries, deleted, counts] = (await run(
      () => evalScript(CLAIM, [stream], [group, ...args]),
      stream,
      group,
    )) as [string, RawEntry[], string[], number[]];
    return { next, entries: entries.map((entry, index) => delivered(entry, counts[index] ?? 1)), deleted };
  }

  const self: EventBroker = {
    async add(stream, fields, trim) {
      checkTrim(trim);
      const flat = toFlat(fields);
      const id = await run(() => redis.xadd(stream, ...trimArgs(trim), '*', ...flat), stream);
      return id!;
    },

    async createGroup(stream, group, start) {
      try {
        await run(() => redis.xgroup('CREATE', stream, group, start, 'MKSTREAM'), stream, group);
        return true;
      } catch (error) {
        if (error instanceof BrokerError && replyOf(error.cause)?.startsWith('BUSYGROUP') === true) return false;
        throw error;
      }
    },

    async read(stream, group, consumer, options) {
      checkCount(options.count);
      if (options.from === '>') {
        if (closed) throw closedError();
        const block = options.blockMs === undefined ? [] : ['BLOCK', String(options.blockMs)];
        try {
          const reply = (await run(
            () =>
              redis.call(
                'XREADGROUP',
                'GROUP',
                group,
                consumer,
                'COUNT',
                options.count,
                ...block,
                'STREAMS',
                stream,
                '>',
              ),
            stream,
            group,
          )) as [string, RawEntry[]][] | null;
          return (reply?.[0]?.[1] ?? []).map((entry) => delivered(entry, 1));
        } catch (error) {
          // close() while blocked: the read ends with nothing.
          if (closed && error instanceof BrokerError && error.code === 'SFR4202') return [];
          throw error;
        }
      }
      checkId(options.from);
      const replies = await run(
        () =>
          redis
            .multi()
            .call('XREADGROUP', 'GROUP', group, consumer, 'COUNT', options.count, 'STREAMS', stream, options.from)
            .xpending(stream, group, `(${options.from}`, '+', options.count, consumer)
            .exec(),
        stream,
        group,
      );
      if (replies === null) throw translate(new Error('the transaction was aborted'), stream, group);
      for (const [error] of replies) if (error) throw translate(error, stream, group);
      const entries = ((replies[0]![1] as [string, RawEntry[]][] | null)?.[0]?.[1] ?? []) as RawEntry[];
      const counts = new Map(
        (replies[1]![1] as [string, string, number, number][]).map(([id, , , deliveries]) => [id, deliveries]),
      );
      return entries.map((entry) => delivered(entry, counts.get(entry[0]) ?? 1));
    },

    async ack(stream, group, ids) {
      ids.forEach(checkId);
      if (ids.length === 0) return 0;
      return run(() => redis.xack(stream, group, ...ids), stream, group);
    },

    async autoClaim(stream, group, consumer, minIdleMs, cursor, count) {
      checkId(cursor);
      checkCount(count);
      return claimScript(stream, group, [consumer, String(minIdleMs), 'auto', cursor, String(count)]);
    },

    async claim(stream, group, consumer, minIdleMs, ids) {
      ids.forEach(checkId);
      if (ids.length === 0) {
        await self.pending(stream, group); // NOGROUP as with ids
        return [];
      }
      return (await claimScript(stream, group, [consumer, String(minIdleMs), 'ids', ...ids])).entries;
    },

    async touch(stream, group, consumer, ids) {
      ids.forEach(checkId);
      if (ids.length === 0) {
        await self.pending(stream, group); // NOGROUP as with ids
        return 0;
      }
      return (await run(() => evalScript(TOUCH, [stream], [group, consumer, ...ids]), stream, group)) as number;
    },

    async release(stream, group, consumer, entries, idleMs) {
      checkIdle(idleMs);
      const args: string[] = [];
      for (const { id, deliveries } of entries) {
        checkId(id);
        checkDeliveries(deliveries);
        args.push(id, String(deliveries));
      }
      if (args.length === 0) {
        await self.pending(stream, group); // NOGROUP as with entries
        return 0;
      }
      return (await run(
        () => evalScript(RELEASE, [stream], [group, consumer, String(idleMs), ...args]),
        stream,
        group,
      )) as number;
    },

    async deadLetter(stream, group, id, deadStream, fields) {
      checkId(id);
      const flat = toFlat(fields);
      const deadId = (await run(
        () => evalScript(DEAD_LETTER, [stream, deadStream], [group, id, ...flat]),
        stream,
        group,
      )) as string | null;
      return deadId ?? undefined;
    },

    async move(fromStream, id, stream, fields, trim) {
      checkId(id);
      checkTrim(trim);
      const flat = toFlat(fields);
      const trims = trimArgs(trim);
      const moved = await run(
        () => evalScript(MOVE, [fromStream, stream], [id, String(trims.length), ...trims, ...flat]),
        stream,
      );
      return (moved as string | null) ?? undefined;
    },

    async range(stream, start, end, count) {
      checkBound(start);
      checkBound(end);
      checkCount(count);
      const raw = (await run(() => redis.xrange(stream, start, end, 'COUNT', count), stream)) as [string, string[]][];
      return raw.map(([id, flat]): StreamEntry => ({ id, fields: toFields(flat) }));
    },

    async length(stream) {
      return run(() => redis.xlen(stream), stream);
    },

    async pending(stream, group) {
      const [count, , , consumers] = (await run(() => redis.xpending(stream, group), stream, group)) as [
        number,
        string | null,
        string | null,
        [string, string][] | null,
      ];
      return {
        count,
        consumers: Object.fromEntries((consumers ?? []).map(([name, pending]) => [name, Number(pending)])),
      };
    },

    async setIfAbsent(key, value, ttlMs) {
      checkCount(ttlMs, 'ttlMs');
      return (await run(() => redis.set(key, value, 'PX', ttlMs, 'NX'), key)) === 'OK';
    },

    async set(key, value, ttlMs) {
      checkCount(ttlMs, 'ttlMs');
      await run(() => redis.set(key, value, 'PX', ttlMs), key);
    },

    async compareAndSet(key, expected, value, ttlMs) {
      checkCount(ttlMs, 'ttlMs');
      return (await run(() => evalScript(COMPARE_AND_SET, [key], [expected, value, String(ttlMs)]), key)) === 1;
    },

    async compareAndDelete(key, expected) {
      return (await run(() => evalScript(COMPARE_AND_DELETE, [key], [expected]), key)) === 1;
    },

    async get(key) {
      return (await run(() => redis.get(key), key)) ?? undefined;
    },

    async del(...keys) {
      if (keys.length > 0) await run(() => redis.del(...keys), keys[0]);
    },

    duplicate() {
      const copy = redis.duplicate();
      copy.on('error', () => undefined);
      return broker(copy);
    },

    async close() {
      if (closed) return;
      closed = true;
      for (const abort of inFlight) abort(closedError());
      inFlight.clear();
      if (redis.status === 'end') return;
      if (redis.status === 'reconnecting') {
        // Waiting to reconnect, the socket is already gone: disconnect() cancels the reconnection and
        // ends nothing more, so there is no 'end' to wait for.
        redis.disconnect();
        return;
      }
      const ended = once(redis, 'end').then(() => undefined);
      // disconnect(), not quit(): quit waits behind a blocked XREADGROUP.
      redis.disconnect();
      await Promise.race([ended, new Promise((resolve) => setTimeout(resolve, CLOSE_WAIT_MS).unref())]);
    },
  };
  return self;
}
