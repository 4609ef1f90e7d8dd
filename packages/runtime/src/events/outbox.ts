/**
 * The transactional outbox for PostgreSQL (node-postgres and PGlite): a message published together
 * with a database change is written as a row of the outbox table in the same transaction, and a
 * relay moves committed rows to their streams. A rolled-back transaction publishes nothing; a relay
 * that dies between `XADD` and its `COMMIT` leaves the rows in the table, so the next relay sends
 * them again (at least once, the same message `id`): nothing committed is lost.
 *
 * The database is typed by shape ({@link Queryable}, {@link OutboxDatabase}): neither `pg` nor
 * `@electric-sql/pglite` is a dependency; {@link pgOutboxDatabase} and {@link pgliteOutboxDatabase}
 * take the user's own pool or PGlite instance.
 *
 * A row holds the stream key (the key prefix already applied) and the topic's retention (the trim of
 * `XADD`), so the relay needs no table of topics: it serves every topic any publisher of the database
 * writes, including topics added after it started.
 */
import { streamKey, WIRE } from '@specfirst/spec-core/streams';
import { SpecFirstRuntimeError, type RuntimeErrorCode } from '../errors.js';
import { jsonLogger, type Logger } from '../logger.js';
import { BrokerError, type EntryFields, type EventBroker, type Trim } from './broker.js';
import type { EventSink, TopicDefinition } from './types.js';

/** What the outbox runs SQL on: a pg `Pool` or `Client`, a PGlite instance, a transaction of either. */
export interface Queryable {
  query(text: string, params?: unknown[]): Promise<{ rows: unknown[] }>;
}

/** A database the relay can open its own transactions on. */
export interface OutboxDatabase extends Queryable {
  /** Runs `fn` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
}

/** A pg `Pool` (or anything with its `connect()`/`release()` shape). */
export interface PgPoolLike extends Queryable {
  connect(): Promise<Queryable & { release(error?: Error | boolean): void }>;
}

/** A PGlite instance (its native `transaction` already fits). */
export interface PGliteLike extends Queryable {
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
}

/** An {@link OutboxDatabase} on a pg `Pool`: each transaction is `BEGIN`…`COMMIT` on one pooled client. */
export function pgOutboxDatabase(pool: PgPoolLike): OutboxDatabase {
  return {
    query: (text, params) => pool.query(text, params),
    async transaction(fn) {
      const client = await pool.connect();
      // A client whose ROLLBACK failed is in an unknown state: the pool destroys it instead of reusing it.
      let broken: Error | undefined;
      try {
        await client.query('BEGIN');
        const result = await fn(client);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch((rollbackError: unknown) => {
          broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
        });
        throw error;
      } finally {
        client.release(broken);
      }
    },
  };
}

/** An {@link OutboxDatabase} on a PGlite instance (its own `transaction`). */
export function pgliteOutboxDatabase(db: PGliteLike): OutboxDatabase {
  return { query: (text, params) => db.query(text, params), transaction: (fn) => db.transaction(fn) };
}

export interface OutboxOptions {
  /** The table, `name` or `schema.name` (plain SQL names). Default `specfirst_outbox`. */
  table?: string;
  /** Prefix of every stream key, as the consumers' `prefix`. Default ''. */
  prefix?: string;
}

export interface RelayOptions {
  /** Rows sent per transaction. Default 100 (1..10000). */
  batchSize?: number;
  /** Wait between polls when the table had fewer than `batchSize` rows. Default 200 ms. */
  intervalMs?: number;
  /** Longest wait after failures (the wait starts at `intervalMs` and doubles). Default 5000 ms. */
  maxBackoffMs?: number;
  /** How long `stop()` waits for the transaction in flight. Default 5000 ms. */
  stopTimeoutMs?: number;
  logger?: Logger;
}

export interface OutboxRelay {
  /**
   * Starts polling in the background (no-op when running). After `stop()` it starts again, also
   * while the stopped loop is still finishing its transaction: the new loop begins once that one ended.
   */
  start(): void;
  /** Stops polling; waits for the transaction in flight at most `stopTimeoutMs`. Never throws. */
  stop(): Promise<void>;
  /**
   * One transaction: takes the table's relay lock (a transaction-scoped advisory lock), then up to
   * `batchSize` rows, sends them in id order, deletes them, commits. Returns how many were sent. While
   * another relay of the same table holds the lock, it sends nothing and returns 0: one relay sends at
   * a time, so messages reach their streams in the order they were committed (several relays may run
   * for availability, not for throughput).
   * A corrupt row is logged (`SFR4105`) and set aside; a failing `XADD` ends the batch: the rows sent
   * before it are deleted, the rest stay, and the broker's error is thrown.
   */
  relayOnce(): Promise<number>;
}

/** A row the relay refused, kept in the table with its `error`. */
export interface FailedOutboxRow {
  id: string;
  stream: unknown;
  fields: unknown;
  retention: unknown;
  error: string;
  createdAt: Date;
}

export interface Outbox {
  /** The (qualified, quoted) table name the outbox uses. */
  readonly table: string;
  /** Creates the table when it does not exist (`CREATE TABLE IF NOT EXISTS`). */
  install(db: Queryable): Promise<void>;
  /** An {@link EventSink} writing to the outbox in `tx`, the caller's transaction. */
  sink(tx: Queryable): EventSink;
  relay(db: OutboxDatabase, broker: EventBroker, options?: RelayOptions): OutboxRelay;
  /** Rows the relay set aside as corrupt, oldest first. */
  failed(db: Queryable, options?: { limit?: number }): Promise<FailedOutboxRow[]>;
  /** Gives set-aside rows (all, or those of `ids`) back to the relay, after a fix. Returns how many. */
  requeue(db: Queryable, ids?: readonly string[]): Promise<number>;
}

const PLAIN_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

function tableName(table: string): string {
  const parts = table.split('.');
  if (parts.length > 2 || !parts.every((part) => PLAIN_NAME.test(part)))
    throw new SpecFirstRuntimeError(
      'SFR4101',
      `the outbox table name ${JSON.stringify(table)} is not a plain SQL name`,
      'give `name` or `schema.name`, each a letter or `_` then letters, digits or `_` (at most 63)',
    );
  return parts.map((part) => `"${part}"`).join('.');
}

function checkOption(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max)
    throw new SpecFirstRuntimeError(
      'SFR4102',
      `relay option \`${name}\` must be an integer from ${min} to ${max}; got ${String(value)}`,
      `leave \`${name}\` unset for its default, or pass a whole number in range`,
    );
  return value;
}

/** Strings jsonb cannot hold: U+0000 and unpaired surrogates (PostgreSQL refuses their `\u` escapes). */
const UNSTORABLE = /\0|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function pgErrorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && typeof (error as { code?: unknown }).code === 'string'
    ? (error as { code: string }).code
    : undefined;
}

function missingTable(table: string, cause: unknown): SpecFirstRuntimeError {
  const error = new SpecFirstRuntimeError(
    'SFR4104',
    `the outbox table ${table} does not exist`,
    'call `outbox.install(db)` once at start-up (or create it in a migration) with the same `table` option',
  );
  error.cause = cause;
  return error;
}

/** The field order of the wire (id, type, version, …), whatever order jsonb kept them in. */
const WIRE_ORDER: readonly string[] = Object.values(WIRE);
function wireOrdered(fields: EntryFields): EntryFields {
  const rank = (key: string) => {
    const index = WIRE_ORDER.indexOf(key);
    return index === -1 ? WIRE_ORDER.length : index;
  };
  return Object.fromEntries(Object.entries(fields).sort(([a], [b]) => rank(a) - rank(b)));
}

interface Row {
  id: string;
  stream: unknown;
  fields: unknown;
  retention: unknown;
}

interface Checked {
  id: string;
  stream: string;
  fields: EntryFields;
  trim: Trim | undefined;
}

/** What is wrong with a row, or the row ready to send. */
function checkRow(row: Row): Checked | string {
  const { stream, retention } = row;
  let fields = row.fields;
  if (typeof stream !== 'string' || stream === '') return '`stream` is not a non-empty string';
  if (typeof fields === 'string') {
    // A pg client whose jsonb parser was turned off hands the text.
    try {
      fields = JSON.parse(fields) as unknown;
    } catch {
      return '`fields` is not JSON';
    }
  }
  if (typeof fields !== 'object' || fields === null || Array.isArray(fields)) return '`fields` is not a JSON object';
  const entries = Object.entries(fields);
  if (entries.length === 0) return '`fields` is empty';
  const bad = entries.find(([, value]) => typeof value !== 'string');
  if (bad) return `field \`${bad[0]}\` is not a string`;
  let trim: Trim | undefined;
  if (retention !== null && retention !== undefined) {
    const keys = typeof retention === 'object' && !Array.isArray(retention) ? Object.keys(retention) : [];
    const value = keys.length === 1 ? (retention as Record<string, unknown>)[keys[0]!] : undefined;
    if (
      keys.length !== 1 ||
      (keys[0] !== 'maxLength' && keys[0] !== 'maxAgeMs') ||
      !Number.isInteger(value) ||
      (value as number) < 1
    )
      return '`retention` is neither {"maxLength": n} nor {"maxAgeMs": n} with a positive integer n';
    trim = retention as Trim;
  }
  return { id: row.id, stream, fields: wireOrdered(fields as EntryFields), trim };
}

/**
 * The advisory lock key of a table's relays: two 32-bit ints, a fixed class (`SFOB`) and the FNV-1a
 * hash of the (quoted) table name. Relays of the same table name share it.
 */
function relayLockKey(table: string): [number, number] {
  let hash = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(table)) hash = Math.imul(hash ^ byte, 0x01000193);
  return [0x53464f42, hash | 0];
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref?.());
}

/**
 * The outbox of one table. `install` creates the table; `sink(tx)` is what a publisher writes to in
 * the caller's transaction; `relay(db, broker)` moves committed rows to their streams.
 */
export function createOutbox(options: OutboxOptions = {}): Outbox {
  const table = tableName(options.table ?? 'specfirst_outbox');
  const prefix = options.prefix ?? '';

  const insert = `INSERT INTO ${table} (stream, fields, retention) VALUES ($1, $2::jsonb, $3::jsonb) RETURNING id::text AS id`;

  async function query(db: Queryable, text: string, params?: unknown[]): Promise<{ rows: unknown[] }> {
    try {
      return await db.query(text, params);
    } catch (error) {
      throw pgErrorCode(error) === '42P01' ? missingTable(table, error) : error;
    }
  }

  function sink(tx: Queryable): EventSink {
    return {
      async send(topic: TopicDefinition, fields: EntryFields): Promise<string> {
        for (const [name, value] of Object.entries(fields))
          if (UNSTORABLE.test(value))
            throw new SpecFirstRuntimeError(
              'SFR4103',
              `field \`${name}\` of a \`${topic.name}\` message holds U+0000 or an unpaired surrogate, which PostgreSQL cannot store`,
              'remove the character from the option or value that became this field (an id, a request id, a traceparent)',
            );
        const retention = topic.retention === undefined ? null : JSON.stringify(topic.retention);
        const { rows } = await query(tx, insert, [streamKey(topic, prefix), JSON.stringify(fields), retention]);
        return (rows[0] as { id: string }).id;
      },
    };
  }

  function relay(db: OutboxDatabase, broker: EventBroker, relayOptions: RelayOptions = {}): OutboxRelay {
    const batchSize = checkOption('batchSize', relayOptions.batchSize ?? 100, 1, 10_000);
    const intervalMs = checkOption('intervalMs', relayOptions.intervalMs ?? 200, 1, 3_600_000);
    const maxBackoffMs = checkOption('maxBackoffMs', relayOptions.maxBackoffMs ?? 5000, intervalMs, 3_600_000);
    const stopTimeoutMs = checkOption('stopTimeoutMs', relayOptions.stopTimeoutMs ?? 5000, 0, 3_600_000);
    const logger = relayOptions.logger ?? jsonLogger();
    const select =
      `SELECT id::text AS id, stream, fields, retention FROM ${table} WHERE error IS NULL ` +
      `ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED`;
    const remove = `DELETE FROM ${table} WHERE id = ANY($1::bigint[])`;
    // One relay of the table sends at a time (released at COMMIT/ROLLBACK, or when its connection dies),
    // so two rows of the same ordering key cannot be sent out of order by two relays.
    const lock = 'SELECT pg_try_advisory_xact_lock($1::int4, $2::int4) AS locked';
    const lockKey = relayLockKey(table);
    const setAside = `UPDATE ${table} SET error = $2 WHERE id = $1::bigint`;

    /** Logs why a row cannot go out, and sets it aside (kept, with its `error`), in the batch's transaction. */
    async function putAside(tx: Queryable, id: string, code: RuntimeErrorCode, problem: string): Promise<void> {
      const error = new SpecFirstRuntimeError(
        code,
        problem,
        'the row is kept and set aside (its `error` column says why); fix it, then `outbox.requeue(db, [id])`, or delete it',
      );
      logger.error({ code, outboxId: id, hint: error.hint }, error.message);
      await tx.query(setAside, [id, error.message]);
    }

    /** One batch: how many rows it saw (sent or set aside) and sent. */
    async function batch(): Promise<{ seen: number; sent: number }> {
      let failure: { error: unknown; id: string } | undefined;
      const result = await db.transaction(async (tx) => {
        const { rows: locked } = await tx.query(lock, lockKey);
        if ((locked[0] as { locked?: unknown } | undefined)?.locked !== true) return { seen: 0, sent: 0 };
        const { rows } = await query(tx, select, [batchSize]);
        const sent: string[] = [];
        for (const row of rows as Row[]) {
          const checked = checkRow(row);
          if (typeof checked === 'string') {
            await putAside(tx, row.id, 'SFR4105', `outbox row ${row.id} of ${table} is corrupt: ${checked}`);
            continue;
          }
          try {
            await broker.add(checked.stream, checked.fields, checked.trim);
          } catch (error) {
            // The stream's key holds another type (`WRONGTYPE`): no retry can send this row, but the
            // others can go.
            if (error instanceof BrokerError && error.code === 'SFR4204') {
              await putAside(
                tx,
                row.id,
                'SFR4106',
                `the relay could not send outbox row ${row.id} of ${table}: ${error.message}`,
              );
              continue;
            }
            failure = { error, id: row.id };
            break;
          }
          sent.push(checked.id);
        }
        if (sent.length > 0) await tx.query(remove, [sent]);
        return { seen: rows.length, sent: sent.length };
      });
      if (failure) {
        const error = new SpecFirstRuntimeError(
          'SFR4106',
          `the relay could not send outbox row ${failure.id} of ${table}: ${failure.error instanceof Error ? failure.error.message : String(failure.error)}`,
          'the row stays in the outbox and is sent again when the broker answers; check the broker',
        );
        error.cause = failure.error;
        throw error;
      }
      return result;
    }

    /** The loop now running (or waiting for the previous one to end); each `start()` gets its own. */
    let current: { stopping: boolean } | undefined;
    let running: Promise<void> | undefined;
    let wake: (() => void) | undefined;

    function sleep(ms: number): Promise<void> {
      return new Promise((resolve) => {
        const done = () => {
          clearTimeout(timer);
          wake = undefined;
          resolve();
        };
        const timer = setTimeout(done, ms);
        wake = done;
      });
    }

    async function loop(state: { stopping: boolean }): Promise<void> {
      let failures = 0;
      while (!state.stopping) {
        try {
          const { seen } = await batch();
          failures = 0;
          if (seen < batchSize && !state.stopping) await sleep(intervalMs);
        } catch (error) {
          failures += 1;
          const waitMs = Math.min(maxBackoffMs, intervalMs * 2 ** Math.min(failures - 1, 20));
          const code: RuntimeErrorCode = error instanceof SpecFirstRuntimeError ? error.code : 'SFR4106';
          logger.error(
            {
              code,
              err: error instanceof Error ? error.message : String(error),
              failures,
              retryInMs: waitMs,
              ...(error instanceof SpecFirstRuntimeError ? { hint: error.hint } : {}),
            },
            error instanceof SpecFirstRuntimeError ? error.message : `SFR4106 the outbox relay failed; retrying`,
          );
          if (!state.stopping) await sleep(waitMs);
        }
      }
    }

    return {
      start() {
        if (current !== undefined && !current.stopping) return;
        // A loop still finishing after stop() ends first: never two loops of one relay at once.
        const state = { stopping: false };
        current = state;
        const previous = running;
        const next: Promise<void> = (previous ?? Promise.resolve())
          .then(() => (state.stopping ? undefined : loop(state)))
          .finally(() => {
            if (running === next) running = undefined;
          });
        running = next;
      },
      async stop() {
        if (current !== undefined) current.stopping = true;
        wake?.();
        const inFlight = running;
        if (!inFlight) return;
        let timedOut = true;
        await Promise.race([inFlight.then(() => (timedOut = false)), delay(stopTimeoutMs)]);
        if (timedOut)
          logger.warn(
            { stopTimeoutMs },
            'the outbox relay did not finish its transaction in time; its rows stay in the outbox',
          );
      },
      async relayOnce() {
        return (await batch()).sent;
      },
    };
  }

  return {
    table,
    async install(db) {
      await db.query(
        `CREATE TABLE IF NOT EXISTS ${table} (` +
          'id bigserial PRIMARY KEY, ' +
          'stream text NOT NULL, ' +
          'fields jsonb NOT NULL, ' +
          'retention jsonb, ' +
          'created_at timestamptz NOT NULL DEFAULT now(), ' +
          'error text)',
      );
    },
    sink,
    relay,
    async failed(db, failedOptions = {}) {
      const limit = failedOptions.limit ?? 100;
      const { rows } = await query(
        db,
        `SELECT id::text AS id, stream, fields, retention, error, created_at FROM ${table} ` +
          'WHERE error IS NOT NULL ORDER BY id LIMIT $1',
        [limit],
      );
      return (rows as (Row & { error: string; created_at: Date | string })[]).map((row) => ({
        id: row.id,
        stream: row.stream,
        fields: row.fields,
        retention: row.retention,
        error: row.error,
        createdAt: new Date(row.created_at),
      }));
    },
    async requeue(db, ids) {
      const { rows } = await query(
        db,
        ids === undefined
          ? `UPDATE ${table} SET error = NULL WHERE error IS NOT NULL RETURNING id`
          : `UPDATE ${table} SET error = NULL WHERE error IS NOT NULL AND id = ANY($1::bigint[]) RETURNING id`,
        ids === undefined ? [] : [[...ids]],
      );
      return rows.length;
    },
  };
}
