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
}

/** Trimming on `add`: `MAXLEN ~ maxLength`, or `MINID ~ <now - maxAgeMs>`. */
export type Trim = { maxLength: number } | { maxAgeMs: number };

export interface ReadOptions {
  /** `'>'`: entries never delivered to the group. `'0'`: this consumer's own pending entries (history). */
  from: '>' | '0';
  count: number;
  /** Wait up to this long for new entries (only with `from: '>'`); absent: do not wait. */
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

/** The group (or its stream) does not exist: Redis's `NOGROUP`, after a flush or a restart without persistence. */
export class NoGroupError extends Error {
  constructor(
    readonly stream: string,
    readonly group: string,
  ) {
    super(`NOGROUP no consumer group \`${group}\` on stream \`${stream}\``);
    this.name = 'NoGroupError';
  }
}

export interface EventBroker {
  /** `XADD stream [MAXLEN|MINID ~ …] * field value …`: appends an entry, returns its id. */
  add(stream: string, fields: EntryFields, trim?: Trim): Promise<string>;
  /**
   * `XGROUP CREATE stream group <0|$> MKSTREAM`: `'0'` delivers every entry already in the stream,
   * `'$'` only later ones. Returns false when the group already exists (nothing changes).
   */
  createGroup(stream: string, group: string, start: '0' | '$'): Promise<boolean>;
  /** `XREADGROUP GROUP group consumer COUNT n [BLOCK ms] STREAMS stream from`. Throws {@link NoGroupError}. */
  read(stream: string, group: string, consumer: string, options: ReadOptions): Promise<DeliveredEntry[]>;
  /** `XACK`: removes entries from the group's PEL; returns how many were pending. */
  ack(stream: string, group: string, ids: readonly string[]): Promise<number>;
  /** `XAUTOCLAIM stream group consumer minIdleMs cursor COUNT count`. Throws {@link NoGroupError}. */
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
   * for `consumer`, incrementing their delivery counts; entries no longer pending are left out.
   */
  claim(
    stream: string,
    group: string,
    consumer: string,
    minIdleMs: number,
    ids: readonly string[],
  ): Promise<DeliveredEntry[]>;
  /**
   * In one atomic step (`MULTI`/`EXEC`): appends `fields` to `deadStream` and acknowledges `id` on
   * `stream` for `group`. Either both happen or neither. Returns the dead-letter entry's id.
   */
  deadLetter(stream: string, group: string, id: string, deadStream: string, fields: EntryFields): Promise<string>;
  /**
   * In one atomic step: appends `fields` to `stream` and deletes `id` from `fromStream` (a replay of a
   * dead-letter entry). Returns the new entry's id.
   */
  move(fromStream: string, id: string, stream: string, fields: EntryFields, trim?: Trim): Promise<string>;
  /** `XRANGE stream start end COUNT count`. */
  range(stream: string, start: string, end: string, count: number): Promise<StreamEntry[]>;
  /** `XLEN`. */
  length(stream: string): Promise<number>;
  /** `XPENDING stream group` (summary form). Throws {@link NoGroupError}. */
  pending(stream: string, group: string): Promise<PendingSummary>;
  /** `SET key value NX PX ttlMs`: true when the key was set. */
  setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean>;
  /** `SET key value PX ttlMs`. */
  set(key: string, value: string, ttlMs: number): Promise<void>;
  /** `GET key`. */
  get(key: string): Promise<string | undefined>;
  /** `DEL key …`. */
  del(...keys: string[]): Promise<void>;
  /**
   * A broker on its own connection, for blocking reads (a blocked `XREADGROUP` holds its connection).
   * The memory broker returns a view of the same store.
   */
  duplicate(): EventBroker;
  /** Ends a blocked read at once (it returns no entries) and closes the connection. Idempotent. */
  close(): Promise<void>;
}
