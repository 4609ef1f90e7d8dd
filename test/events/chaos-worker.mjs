/**
 * One consumer process of the chaos run (chaos.test.ts), which SIGKILLs it at random points and
 * starts it again. It consumes the chaos topic as service `chaos` with `createConsumers` on a
 * `redisBroker`, and records every successful handling in Redis (HINCRBY on the run's hash, so a
 * duplicate shows as a count of 2). Its handler throws for 10 % of (message, delivery) pairs
 * (`chaosFails`). Plain JavaScript on the built runtime, so that a restart costs one Node start-up.
 *
 * Environment: REDIS_URL, CHAOS_PREFIX (key prefix of the run), CHAOS_CONSUMER (consumer name),
 * CHAOS_SEED. Prints `ready` once started; SIGTERM stops it gracefully.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { jsonLogger } from '@specfirst/runtime';
import { createConsumers } from '@specfirst/runtime/events';
import { redisBroker } from '@specfirst/runtime/events/redis';
import { Redis } from 'ioredis';
import { chaosFails, chaosKeys, chaosTopic } from './topics.mjs';

const { REDIS_URL, CHAOS_PREFIX, CHAOS_CONSUMER, CHAOS_SEED, CHAOS_TOPIC } = process.env;
if (!REDIS_URL || CHAOS_PREFIX === undefined || !CHAOS_CONSUMER || !CHAOS_SEED || !CHAOS_TOPIC) {
  console.error('chaos-worker: REDIS_URL, CHAOS_PREFIX, CHAOS_CONSUMER, CHAOS_SEED and CHAOS_TOPIC are required');
  process.exit(2);
}
const seed = Number(CHAOS_SEED);
const keys = chaosKeys(CHAOS_PREFIX);
const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 3 });
const broker = redisBroker(REDIS_URL);

const consumers = createConsumers(
  'chaos',
  [
    {
      topic: chaosTopic(CHAOS_TOPIC),
      handler: async (message, context) => {
        if (chaosFails(seed, context.messageId, context.deliveries)) {
          await redis.hincrby(keys.failed, context.messageId, 1);
          throw new Error(`chaos: random failure of ${context.messageId} on delivery ${context.deliveries}`);
        }
        // A little work, so that a SIGKILL lands inside handlers as well as between them.
        if (message.n % 7 === 0) await delay(1);
        await redis
          .multi()
          .hincrby(keys.handled, context.messageId, 1)
          .hincrby(keys.deliveries, String(context.deliveries), 1)
          .exec();
      },
    },
  ],
  {
    broker,
    consumer: CHAOS_CONSUMER,
    prefix: CHAOS_PREFIX,
    logger: jsonLogger('error'),
    blockMs: 500,
    batchSize: 32,
    shutdownTimeoutMs: 2000,
  },
);

process.on('SIGTERM', () => {
  consumers
    .stop()
    .then(() => Promise.all([broker.close(), redis.quit()]))
    .then(
      () => process.exit(0),
      (error) => {
        console.error(error);
        process.exit(1);
      },
    );
});

await consumers.start();
console.log('ready');
