/**
 * What the outbox tests run on: real databases (PGlite in the process, PostgreSQL on 127.0.0.1:5432
 * in a schema of its own, dropped afterwards) and real brokers (the memory broker, Redis on
 * 127.0.0.1:6379 under a key prefix of its own, deleted afterwards). A server that cannot be reached
 * fails the suite with a message that says which; nothing is skipped.
 */
import { randomUUID } from 'node:crypto';
import { connect } from 'node:net';
import { PGlite } from '@electric-sql/pglite';
import { WIRE } from '@specfirst/spec-core/streams';
import pg from 'pg';
import type { EntryFields, EventBroker, Trim } from '../../src/events/broker.js';
import { memoryBroker } from '../../src/events/memory-broker.js';
import { pgliteOutboxDatabase, pgOutboxDatabase, type OutboxDatabase } from '../../src/events/outbox.js';
import type { TopicDefinition } from '../../src/events/types.js';

export const PG = { host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test' };
export const REDIS_URL = 'redis://127.0.0.1:6379';

/** Throws, naming the server, when nothing listens at host:port (before a client would retry forever). */
export async function assertReachable(what: string, host: string, port: number): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const socket = connect({ host, port });
    const fail = (error: Error) => {
      socket.destroy();
      reject(new Error(`${what} at ${host}:${port} is unreachable (${error.message}); these tests need it running`));
    };
    socket.setTimeout(5000, () => fail(new Error('timed out')));
    socket.once('error', fail);
    socket.once('connect', () => {
      socket.end();
      resolve();
    });
  });
}

export interface TestDatabase {
  name: string;
  db: OutboxDatabase;
  /** The outbox table (qualified in PostgreSQL's own schema). */
  table: string;
  /** True when two transactions can be open at once (PostgreSQL); PGlite runs one at a time. */
  concurrent: boolean;
  close(): Promise<void>;
}

export async function pgliteDatabase(): Promise<TestDatabase> {
  const lite = new PGlite();
  return {
    name: 'PGlite',
    db: pgliteOutboxDatabase(lite),
    table: 'specfirst_outbox',
    concurrent: false,
    close: () => lite.close(),
  };
}

export async function postgresDatabase(): Promise<TestDatabase> {
  await assertReachable('PostgreSQL', PG.host, PG.port);
  const schema = `outbox_test_${process.pid}_${randomUUID().slice(0, 8)}`;
  const pool = new pg.Pool({ ...PG, max: 6, connectionTimeoutMillis: 5000 });
  await pool.query(`CREATE SCHEMA "${schema}"`);
  return {
    name: 'PostgreSQL',
    db: pgOutboxDatabase(pool),
    table: `${schema}.specfirst_outbox`,
    concurrent: true,
    async close() {
      try {
        await pool.query(`DROP SCHEMA "${schema}" CASCADE`);
      } finally {
        await pool.end();
      }
    },
  };
}

export interface TestBroker {
  name: string;
  broker: EventBroker;
  /** The key prefix of this run's streams. */
  prefix: string;
  /** Deletes the streams of `topics` and closes the broker. */
  close(topics: readonly string[]): Promise<void>;
}

export async function memoryTestBroker(): Promise<TestBroker> {
  const broker = memoryBroker();
  return { name: 'memory', broker, prefix: '', close: () => broker.close() };
}

export async function redisTestBroker(): Promise<TestBroker> {
  await assertReachable('Redis', '127.0.0.1', 6379);
  // Loaded here, as a user who wants Redis would: the other suites never load ioredis.
  const { redisBroker } = await import('../../src/events/redis-broker.js');
  const broker = redisBroker(REDIS_URL);
  const prefix = `test:outbox:${process.pid}:${randomUUID().slice(0, 8)}:`;
  return {
    name: 'Redis',
    broker,
    prefix,
    async close(topics) {
      try {
        if (topics.length > 0) await broker.del(...topics.map((topic) => `${prefix}${topic}`));
      } finally {
        await broker.close();
      }
    },
  };
}

/** A topic as generated code declares it (the outbox reads its name and retention). */
export function topic(name: string, retention?: Trim): TopicDefinition {
  return {
    name,
    messageType: 'OrderCreated',
    version: 1,
    retry: { attempts: 5, backoff: 'fixed', delayMs: 100 },
    claimAfterMs: 30_000,
    ...(retention ? { retention } : {}),
    startFrom: 'beginning',
    concurrency: 1,
    validate: Object.assign(() => true, { errors: null }),
  };
}

/** The fields publish() would write for an `OrderCreated` message. */
export function fields(orderId: string, extra: Record<string, string> = {}): EntryFields {
  return {
    [WIRE.id]: randomUUID(),
    [WIRE.type]: 'OrderCreated',
    [WIRE.version]: '1',
    [WIRE.contentType]: 'application/json',
    [WIRE.payload]: JSON.stringify({ orderId, total: 12.5 }),
    ...extra,
  };
}

/**
 * `broker` with its `add` replaced (the rest of the broker untouched): to make a real broker fail or
 * wait at a chosen call.
 */
export function withAdd(
  broker: EventBroker,
  add: (real: EventBroker['add'], ...args: Parameters<EventBroker['add']>) => Promise<string>,
): EventBroker {
  return new Proxy(broker, {
    get(target, property) {
      if (property === 'add') return (...args: Parameters<EventBroker['add']>) => add(target.add.bind(target), ...args);
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/** Polls `check` until it returns true, at most `timeoutMs` (then throws `what`). */
export async function eventually(what: string, check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
