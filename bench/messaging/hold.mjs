/**
 * The memory of a consumer holding HOLD_ENTRIES pending entries (bench/messaging/run.mjs runs it
 * with `node --expose-gc`). A first connection appends the entries and reads them all for the
 * consumer `holder` without acknowledging them: what a replica leaves pending when it is SIGKILLed
 * with a backlog. Then the replica starts again under the same name: it drains its own pending
 * entries first, with handlers (concurrency 1000, the maximum) that wait until released. The
 * process's memory is measured after gc before `start()` and once the handlers in flight are at
 * their peak; then the handlers are released and the drain of all the entries is timed. Prints one
 * JSON line.
 *
 * It uses the runtime's `createConsumers` with a hand-written topic (the concurrency is this
 * measurement's own), not generated code: the consumer loop is the same.
 *
 * Environment: REDIS_URL, HOLD_PREFIX (key prefix; the keys are deleted at the end), HOLD_ENTRIES.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { performance } from 'node:perf_hooks';
import { createConsumers, encode } from '@specfirst/runtime/events';
import { redisBroker } from '@specfirst/runtime/events/redis';
import { streamKey } from '@specfirst/spec-core/streams';
import { Redis } from 'ioredis';

const { REDIS_URL, HOLD_PREFIX } = process.env;
const ENTRIES = Number(process.env.HOLD_ENTRIES ?? 10_000);
const CONCURRENCY = 1000;
const BATCH = 64;
if (!REDIS_URL || !HOLD_PREFIX || typeof globalThis.gc !== 'function') {
  console.error('hold.mjs: needs REDIS_URL, HOLD_PREFIX and node --expose-gc');
  process.exit(2);
}
const quiet = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

const validate = (data) => typeof data === 'object' && data !== null && typeof data.total?.amount === 'number';
const topic = {
  name: 'order.created',
  messageType: 'OrderCreated',
  version: 1,
  retry: { attempts: 5, backoff: 'fixed', delayMs: 1000 },
  claimAfterMs: 600_000,
  startFrom: 'beginning',
  concurrency: CONCURRENCY,
  validate,
};
const stream = streamKey(topic, HOLD_PREFIX);

// The backlog, read by `holder` and left pending (the replica died).
const redis = new Redis(REDIS_URL);
for (let from = 0; from < ENTRIES; from += 1000) {
  const pipeline = redis.pipeline();
  for (let n = from; n < Math.min(ENTRIES, from + 1000); n++) {
    const message = { orderId: randomUUID(), userId: randomUUID(), total: { amount: n, currency: 'EUR' } };
    pipeline.xadd(stream, '*', ...Object.entries(encode(topic, message)).flat());
  }
  await pipeline.exec();
}
await redis.xgroup('CREATE', stream, 'billing', '0', 'MKSTREAM');
await redis.xreadgroup('GROUP', 'billing', 'holder', 'COUNT', ENTRIES, 'STREAMS', stream, '>');
const pendingOf = async () => {
  const summary = await redis.xpending(stream, 'billing');
  return { total: Number(summary[0]), holder: Number(Object.fromEntries(summary[3] ?? []).holder ?? 0) };
};

let started = 0;
let handled = 0;
let release;
const gate = new Promise((resolve) => (release = resolve));
const broker = redisBroker(REDIS_URL);
const consumers = createConsumers(
  'billing',
  [
    {
      topic,
      handler: async () => {
        started++;
        await gate;
        handled++;
      },
    },
  ],
  {
    broker,
    consumer: 'holder',
    prefix: HOLD_PREFIX,
    batchSize: BATCH,
    blockMs: 200,
    logger: quiet,
    shutdownTimeoutMs: 1000,
  },
);

const measure = async () => {
  for (let i = 0; i < 3; i++) {
    globalThis.gc();
    await sleep(20);
  }
  const { rss, heapUsed, heapTotal, external, arrayBuffers } = process.memoryUsage();
  return { rss, heapUsed, heapTotal, external, arrayBuffers };
};

const pendingBefore = await pendingOf();
const before = await measure();
await consumers.start();
// Until the handlers in flight stop growing (the consumer reads no more than it can hold).
let last = -1;
for (let i = 0; i < 200 && started !== last; i++) {
  last = started;
  await sleep(100);
}
const inFlight = started;
const pendingHeld = await pendingOf();
const after = await measure();
const drainStart = performance.now();
release();
let pendingNow = pendingHeld;
for (let i = 0; i < 6000 && pendingNow.total > 0; i++) {
  await sleep(5);
  pendingNow = await pendingOf();
}
const drainSeconds = (performance.now() - drainStart) / 1000;
await consumers.stop();
await broker.close();
await redis.del(stream, `${stream}:dead-letter`);
redis.disconnect();
if (pendingBefore.holder !== ENTRIES || pendingNow.total !== 0 || handled < ENTRIES) {
  console.error(
    `hold.mjs: expected ${ENTRIES} entries pending under holder, then none; got ${pendingBefore.holder}, then ${pendingNow.total} (${handled} handled)`,
  );
  process.exit(1);
}
console.log(
  JSON.stringify({
    entries: ENTRIES,
    pendingHeld: pendingHeld.holder,
    inFlight,
    concurrency: CONCURRENCY,
    batchSize: BATCH,
    handled,
    drainSeconds,
    before,
    after,
  }),
);
