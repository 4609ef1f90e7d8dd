/**
 * The stream operations SpecFirst's events need, as one interface with two implementations that
 * behave the same way: `redisBroker` (Redis Streams through ioredis, ./redis-broker.ts) and
 * `memoryBroker` (in the process, for tests and demos, ./memory-broker.ts). One contract suite
 * (test/events/broker-contract.ts) runs against both.
 *
 * The semantics are Redis's: a stream is an append-only log of entries; a consumer group reads it
 * once for all its consumers; every entry a group delivered and did not acknowledge is pending
 * (in the group's PEL) under the consumer that last received it, with a delivery count and an idle
 * time; a pending entry can be claimed by another consumer once it has been idle long enough.
 */

import type { RuntimeErrorCode } from '../errors.js';

/** The fields of a stream entry, flat strings (see `WIRE` in `@specfirst/spec-core/streams`). */
export type EntryFields = Record<string, string>;

export interface StreamEntry {
  /** The entry id Redis gave it (`<ms>-<seq>`). */
  id: string;
  fields: EntryFields;
}

/** An entry delivered to a consumer, with how many times its group has delivered it, this time included. */
export interface DeliveredEntry extends StreamEntry {
  deliveries: number;
  /**
   * Only in history reads (`from` an id): the entry is still pending for this consumer but no longer in
   * the stream (trimmed by retention or deleted). Redis answers such an entry with no fields and does not
   * count the delivery; here `fields` is `{}` and `deliveries` the count so far. Nothing can handle it:
   * acknowledge it (and log it), or `autoClaim` drops it from the PEL.
   */
  deleted?: true;
}

/** Trimming on `add`: `MAXLEN ~ maxLength`, or `MINID ~ <now - maxAgeMs>`. */
export type Trim = { maxLength: number } | { maxAgeMs: number };

export interface ReadOptions {
  /**
   * `'>'`: entries never delivered to the group. An entry id (`'0'` for the start): this consumer's own
   * pending entries after that id (history), in id order; each read counts as a delivery, as in Redis 7.
   * Page through history with the last id read.
   */
  from: '>' | '0' | (string & {});
  count: number;
  /**
   * Wait up to this long for new entries (only with `from: '>'`); absent: do not wait; `0`: wait until an
   * entry comes or `close()` (as Redis's `BLOCK 0`).
   */
  blockMs?: number;
}

export interface AutoClaimResult {
  /** Cursor for the next call; `'0-0'` when the whole PEL was scanned. */
  next: string;
  /** Entries now pending under the claiming consumer, their delivery counts incremented. */
  entries: DeliveredEntry[];
  /** Ids of pending entries whose stream entry no longer exists (trimmed or deleted); Redis drops them from the PEL. */
  deleted: string[];
}

export interface PendingSummary {
  count: number;
  /** Pending entries per consumer name. */
  consumers: Record<string, number>;
}

/**
 * The group (or its stream) does not exist: Redis's `NOGROUP`, after a flush or a restart without
 * persistence. Heal it by creating the group again (`createGroup(stream, group, '0')`).
 */
export class NoGroupError extends Error {
  constructor(
    readonly stream: string,
    readonly group: string,
  ) {
    super(`NOGROUP no consumer group \`${group}\` on stream \`${stream}\``);
    this.name = 'NoGroupError';
  }
}

/**
 * A broker operation failed: `code` from the runtime's catalogue (`SFR4201`–`SFR4299`), `hint` how to fix
 * it, `retryable` when trying again later may succeed (a lost connection: the consumer loop waits and
 * retries). The Redis error, if any, is the `cause`.
 */
export class BrokerError extends Error {
  readonly code: RuntimeErrorCode;
  readonly hint: string;
  readonly retryable: boolean;

  constructor(
    code: RuntimeErrorCode,
    problem: string,
    hint: string,
    options: { retryable?: boolean; cause?: unknown } = {},
  ) {
    super(`${code} ${problem}; ${hint}`, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'BrokerError';
    this.code = code;
    this.hint = hint;
    this.retryable = options.retryable ?? false;
  }
}

export interface EventBroker {
  /**
   * `XADD stream [MAXLEN|MINID ~ …] * field value …`: appends an entry, returns its id. Trimming is
   * approximate as in Redis (whole macro nodes; the memory broker trims exactly): at least `maxLength`
   * entries, or every entry younger than `maxAgeMs`, are kept.
   */
  add(stream: string, fields: EntryFields, trim?: Trim): Promise<string>;
  /**
   * `XGROUP CREATE stream group <0|$> MKSTREAM`: `'0'` delivers every entry already in the stream,
   * `'$'` only later ones. Returns false when the group already exists (nothing changes).
   */
  createGroup(stream: string, group: string, start: '0' | '$'): Promise<boolean>;
  /**
   * `XREADGROUP GROUP group consumer COUNT n [BLOCK ms] STREAMS stream from`. Throws {@link NoGroupError},
   * also when the stream key is deleted while the read is blocked (its groups go with it).
   */
  read(stream: string, group: string, consumer: string, options: ReadOptions): Promise<DeliveredEntry[]>;
  /** `XACK`: removes entries from the group's PEL; returns how many were pending (0 without the stream or group). */
  ack(stream: string, group: string, ids: readonly string[]): Promise<number>;
  /**
   * `XAUTOCLAIM stream group consumer minIdleMs cursor COUNT count`: scans the PEL from `cursor` (`'0-0'`
   * to start) and claims entries idle at least `minIdleMs`. Pending entries it scans whose stream entry is
   * gone are dropped and reported in `deleted`, however long they have been idle (as Redis 7.0).
   * Throws {@link NoGroupError}.
   */
  autoClaim(
    stream: string,
    group: string,
    consumer: string,
    minIdleMs: number,
    cursor: string,
    count: number,
  ): Promise<AutoClaimResult>;
  /**
   * `XCLAIM stream group consumer minIdleMs id …`: takes pending entries (idle at least `minIdleMs`)
   * for `consumer`, incrementing their delivery counts; entries no longer pending are left out, and
   * pending ones no longer in the stream are dropped from the PEL, idle or not (Redis 7). Throws
   * {@link NoGroupError}.
   */
  claim(
    stream: string,
    group: string,
    consumer: string,
    minIdleMs: number,
    ids: readonly string[],
  ): Promise<DeliveredEntry[]>;
  /**
   * Renews the lease of entries this consumer holds: resets their idle time (`XCLAIM … 0 <id> JUSTID`),
   * keeping their delivery counts, so that no other consumer's claim takes an entry whose handler still
   * runs or whose retry is still due. Entries pending under another consumer, or no longer pending,
   * are left alone; a pending entry no longer in the stream is dropped from the PEL (as XCLAIM does) and
   * not counted. Returns how many were renewed. Throws {@link NoGroupError}.
   */
  touch(stream: string, group: string, consumer: string, ids: readonly string[]): Promise<number>;
  /**
   * Hands entries back to the group: for each one still pending under `consumer`, sets its delivery
   * count to `deliveries` and its idle time to `idleMs` (`XCLAIM stream group consumer 0 id IDLE idleMs
   * RETRYCOUNT deliveries JUSTID`, all in one Lua script on Redis). A consumer that stops gives back what it
   * read but never handled without burning a delivery (pass the count from before that read), and with
   * `idleMs` at least the claimers' min-idle another replica can claim them at once. Entries pending
   * under another consumer, or no longer pending, are left alone; a pending entry no longer in the stream
   * is dropped from the PEL and not counted. Returns how many were released. `deliveries` and `idleMs`
   * are integers of 0 or more (else `SFR4203`). Throws {@link NoGroupError}.
   */
  release(
    stream: string,
    group: string,
    consumer: string,
    entries: readonly { id: string; deliveries: number }[],
    idleMs: number,
  ): Promise<number>;
  /**
   * In one atomic step (a Lua script on Redis): appends `fields` to `deadStream` and acknowledges `id` on
   * `stream` for `group`. Either both happen or neither (a key of another type refuses the whole step with
   * {@link BrokerError} `SFR4204`). Returns the dead-letter entry's id, or `undefined` when `id` is no
   * longer pending for `group` (acknowledged, or dead-lettered by another consumer meanwhile): then
   * nothing is added, so an entry is dead-lettered once. Throws {@link NoGroupError}.
   */
  deadLetter(
    stream: string,
    group: string,
    id: string,
    deadStream: string,
    fields: EntryFields,
  ): Promise<string | undefined>;
  /**
   * In one atomic step: appends `fields` to `stream` and deletes `id` from `fromStream` (a replay of a
   * dead-letter entry). Returns the new entry's id, or `undefined` when `id` is no longer in `fromStream`
   * (replayed or deleted by someone else meanwhile): then nothing is added, so a replay never doubles.
   */
  move(fromStream: string, id: string, stream: string, fields: EntryFields, trim?: Trim): Promise<string | undefined>;
  /**
   * `XRANGE stream start end COUNT count`: `'-'` and `'+'` for the ends, `'(' + id` for an exclusive bound
   * (page on with the last id read); `[]` without the stream.
   */
  range(stream: string, start: string, end: string, count: number): Promise<StreamEntry[]>;
  /** `XLEN` (0 without the stream). */
  length(stream: string): Promise<number>;
  /** `XPENDING stream group` (summary form). Throws {@link NoGroupError}. */
  pending(stream: string, group: string): Promise<PendingSummary>;
  /** `SET key value NX PX ttlMs`: true when the key was set. */
  setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean>;
  /** `SET key value PX ttlMs`. */
  set(key: string, value: string, ttlMs: number): Promise<void>;
  /**
   * Sets `key` to `value` with a TTL of `ttlMs` only if it now holds `expected` (a Lua script on Redis):
   * true when it did. An absent or expired key holds nothing, so it is never set here (create with
   * `setIfAbsent`). For a key an owner claimed with a token value: only the owner moves it on.
   * A key of another type: {@link BrokerError} `SFR4204`.
   */
  compareAndSet(key: string, expected: string, value: string, ttlMs: number): Promise<boolean>;
  /**
   * Deletes `key` only if it holds `expected` (a Lua script on Redis): true when it did. A key of another
   * type: {@link BrokerError} `SFR4204`.
   */
  compareAndDelete(key: string, expected: string): Promise<boolean>;
  /** `GET key` (`undefined` when absent or expired). */
  get(key: string): Promise<string | undefined>;
  /** `DEL key …` (a stream key too: its entries and groups go with it). */
  del(...keys: string[]): Promise<void>;
  /**
   * A broker on its own connection, for blocking reads (a blocked `XREADGROUP` holds its connection).
   * The memory broker returns a view of the same store.
   */
  duplicate(): EventBroker;
  /**
   * Ends a blocked read at once (it returns no entries) and closes the connection. Every other call still
   * in flight settles at once too, rejecting with {@link BrokerError} `SFR4202`, even while the connection
   * is lost and being retried. Idempotent. Later calls reject with `SFR4202`.
   */
  close(): Promise<void>;
}
