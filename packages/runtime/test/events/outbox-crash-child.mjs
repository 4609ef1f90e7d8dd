// A relay in a process of its own, for outbox-crash.test.ts: it relays the outbox of OUTBOX_TABLE
// (PostgreSQL) to Redis with the built runtime, and right after its first XADD succeeds it prints
// `ADDED <entry id>` and waits forever, its transaction open, for the test to SIGKILL it. The relay
// is the real one; only the broker's `add` is wrapped so that the test knows when to kill.
import { setTimeout } from 'node:timers';
import pg from 'pg';
import { createOutbox, pgOutboxDatabase } from '../../dist/events/index.js';
import { redisBroker } from '../../dist/events/redis-broker.js';

// Bounded: a child nobody killed ends itself after a minute.
setTimeout(() => {
  process.stdout.write('NOT KILLED\n');
  process.exit(2);
}, 60_000);

const { OUTBOX_TABLE, OUTBOX_PREFIX, PG_DATABASE, REDIS_URL } = process.env;
const pool = new pg.Pool({ host: '127.0.0.1', port: 5432, user: 'postgres', database: PG_DATABASE, max: 2 });
const broker = redisBroker(REDIS_URL);
const pausing = new Proxy(broker, {
  get(target, property) {
    if (property === 'add')
      return async (...args) => {
        const id = await target.add(...args);
        process.stdout.write(`ADDED ${id}\n`);
        // Never settles: the open timer above keeps the process alive until it is killed.
        await new Promise(Boolean);
      };
    const value = Reflect.get(target, property, target);
    return typeof value === 'function' ? value.bind(target) : value;
  },
});
const relay = createOutbox({ table: OUTBOX_TABLE, prefix: OUTBOX_PREFIX }).relay(pgOutboxDatabase(pool), pausing, {
  batchSize: 10,
});
await relay.relayOnce();
process.stdout.write('NOT KILLED\n');
process.exit(1);
