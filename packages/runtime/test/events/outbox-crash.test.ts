/**
 * A relay killed between `XADD` and `COMMIT` loses nothing: a real process (outbox-crash-child.mjs,
 * the built runtime) relays from PostgreSQL to Redis and is SIGKILLed right after its first `XADD`;
 * PostgreSQL rolls its transaction back, and a fresh relay sends every row again. The message that
 * was already on the stream arrives twice, with the same `id` (at least once, never lost).
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { streamKey, WIRE } from '@specfirst/spec-core/streams';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { EventBroker } from '../../src/events/broker.js';
import { createOutbox, pgOutboxDatabase, type Outbox, type OutboxDatabase } from '../../src/events/outbox.js';
import { redisBroker } from '../../src/events/redis-broker.js';
import { recordingLogger } from '../support.js';
import { assertReachable, eventually, fields, PG, REDIS_URL, topic } from './outbox-support.js';

const CHILD = fileURLToPath(new URL('./outbox-crash-child.mjs', import.meta.url));
const t = topic('order.created');

let pool: pg.Pool;
let db: OutboxDatabase;
let broker: EventBroker;
let outbox: Outbox;
const schema = `outbox_crash_${process.pid}_${randomUUID().slice(0, 8)}`;
const prefix = `test:outbox-crash:${process.pid}:${randomUUID().slice(0, 8)}:`;

beforeAll(async () => {
  // The child runs the built runtime: build it (incremental, quick when nothing changed) so that it
  // never tests old code.
  const build = spawnSync(
    process.execPath,
    [
      createRequire(import.meta.url).resolve('typescript/bin/tsc'),
      '-b',
      fileURLToPath(new URL('../..', import.meta.url)),
    ],
    { encoding: 'utf8' },
  );
  if (build.status !== 0) throw new Error(`building the runtime failed:\n${build.stdout}${build.stderr}`);
  await assertReachable('PostgreSQL', PG.host, PG.port);
  await assertReachable('Redis', '127.0.0.1', 6379);
  pool = new pg.Pool({ ...PG, max: 4, connectionTimeoutMillis: 5000 });
  await pool.query(`CREATE SCHEMA "${schema}"`);
  db = pgOutboxDatabase(pool);
  broker = redisBroker(REDIS_URL);
  outbox = createOutbox({ table: `${schema}.specfirst_outbox`, prefix });
  await outbox.install(db);
}, 120_000);

afterAll(async () => {
  try {
    await broker?.del(streamKey(t, prefix));
    await broker?.close();
  } finally {
    await pool?.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await pool?.end();
  }
});

/** Runs the child until it prints `ADDED <id>`, then SIGKILLs it; returns the entry id it added. */
async function relayUntilFirstAddThenKill(): Promise<string> {
  const child = spawn(process.execPath, [CHILD], {
    env: {
      ...process.env,
      OUTBOX_TABLE: `${schema}.specfirst_outbox`,
      OUTBOX_PREFIX: prefix,
      PG_DATABASE: PG.database,
      REDIS_URL,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) =>
    child.once('exit', (code, signal) => resolve(signal ?? code)),
  );
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  try {
    const added = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the child never added: ${stdout}${stderr}`)), 30_000);
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        const match = /^ADDED (\S+)$/m.exec(stdout);
        if (match) {
          clearTimeout(timer);
          resolve(match[1]!);
        }
      });
      void exited.then((how) => {
        clearTimeout(timer);
        reject(new Error(`the child ended (${String(how)}) before adding: ${stdout}${stderr}`));
      });
    });
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    return added;
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}

it('a relay SIGKILLed between XADD and COMMIT: a fresh relay sends every row; the one sent twice has the same id', async () => {
  const sent = [fields('o-1'), fields('o-2'), fields('o-3')];
  await db.transaction(async (tx) => {
    for (const f of sent) await outbox.sink(tx).send(t, f);
  });

  const addedId = await relayUntilFirstAddThenKill();
  const key = streamKey(t, prefix);
  const before = await broker.range(key, '-', '+', 100);
  expect(before.map((entry) => [entry.id, entry.fields])).toEqual([[addedId, sent[0]]]);
  // The killed relay's DELETE never committed: every row is still there.
  expect((await pool.query(`SELECT count(*)::int AS n FROM "${schema}".specfirst_outbox`)).rows[0].n).toBe(3);

  // PostgreSQL releases the dead relay's locks when it sees its connection close; until then a
  // fresh relay skips the locked rows (SKIP LOCKED) and sends 0.
  const fresh = outbox.relay(db, broker, { logger: recordingLogger() });
  let relayed = 0;
  await eventually('the fresh relay to send the three rows', async () => (relayed += await fresh.relayOnce()) >= 3);
  expect(relayed).toBe(3);

  const after = await broker.range(key, '-', '+', 100);
  expect(after.map((entry) => entry.fields)).toEqual([sent[0], sent[0], sent[1], sent[2]]);
  expect(after[0]!.fields[WIRE.id]).toBe(after[1]!.fields[WIRE.id]);
  expect((await pool.query(`SELECT count(*)::int AS n FROM "${schema}".specfirst_outbox`)).rows[0].n).toBe(0);
});
