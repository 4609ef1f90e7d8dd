/**
 * The memory of a consumer holding HOLD_ENTRIES pending entries (bench/messaging/run.mjs runs it
 * with `node --expose-gc`). It appends the entries, measures its memory after gc, starts one
 * consumer whose handler fails every delivery with a retry due in ten minutes, so that the consumer
 * keeps every entry pending under its name awaiting its retry, waits until Redis shows them all
 * pending, and measures again after gc. Prints one JSON line.
 *
 * It uses the runtime's `createConsumers` with a hand-written topic (the retry delay is this
 * measurement's own), not generated code: the consumer loop is the same.
 *
 * Environment: REDIS_URL, HOLD_PREFIX (key prefix; the keys are deleted at the end), HOLD_ENTRIES.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { createConsumers } from '@specfirst/runtime/events';
import { redisBroker } from '@specfirst/runtime/events/redis';
import { MESSAGE_CONTENT_TYPE, WIRE } from '@specfirst/spec-core/streams';
import { Redis } from 'ioredis';

const { REDIS_URL, HOLD_PREFIX } = process.env;
const ENTRIES = Number(process.env.HOLD_ENTRIES ?? 10_000);
const RETRY_DELAY_MS = 600_000;
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
  retry: { attempts: 5, backoff: 'fixed', delayMs: RETRY_DELAY_MS },
  claimAfterMs: RETRY_DELAY_MS,
  startFrom: 'beginning',
  concurrency: 64,
  validate,
};
const stream = `${HOLD_PREFIX}${topic.name}`;

const redis = new Redis(REDIS_URL);
for (let from = 0; from < ENTRIES; from += 1000) {
  const pipeline = redis.pipeline();
  for (let n = from; n < Math.min(ENTRIES, from + 1000); n++) {
    const message = { orderId: randomUUID(), userId: randomUUID(), total: { amount: n, currency: 'EUR' } };
    pipeline.xadd(
      stream,
      '*',
      WIRE.id,
      randomUUID(),
      WIRE.type,
      topic.messageType,
      WIRE.version,
      '1',
      WIRE.contentType,
      MESSAGE_CONTENT_TYPE,
      WIRE.payload,
      JSON.stringify(message),
    );
  }
  await pipeline.exec();
}

let failures = 0;
const broker = redisBroker(REDIS_URL);
const consumers = createConsumers(
  'billing',
  [
    {
      topic,
      handler: () => {
        failures++;
        throw new Error('held: fails so that the entry stays pending until its retry');
      },
    },
  ],
  {
    broker,
    consumer: 'holder',
    prefix: HOLD_PREFIX,
    batchSize: 64,
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

const before = await measure();
await consumers.start();
const deadline = Date.now() + 45_000;
let pending = 0;
while (Date.now() < deadline) {
  const [count] = await redis.xpending(stream, 'billing');
  pending = Number(count);
  if (failures >= ENTRIES && pending >= ENTRIES) break;
  await sleep(50);
}
const after = await measure();
const holderPending = Object.fromEntries((await redis.xpending(stream, 'billing'))[3] ?? [])['holder'];
await consumers.stop();
await broker.close();
await redis.del(stream, `${HOLD_PREFIX}${topic.name}:dead-letter`);
redis.disconnect();
if (failures < ENTRIES || pending < ENTRIES) {
  console.error(
    `hold.mjs: only ${failures} handler failures and ${pending} pending entries after 45 s (expected ${ENTRIES})`,
  );
  process.exit(1);
}
console.log(
  JSON.stringify({
    pending,
    holderPending: Number(holderPending),
    failures,
    retryDelayMs: RETRY_DELAY_MS,
    before,
    after,
  }),
);
