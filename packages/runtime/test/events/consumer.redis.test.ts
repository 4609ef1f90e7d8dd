/**
 * The consumer behaviour suite (consumer-behaviour.ts) on a real redis-server: REDIS_URL, default
 * redis://127.0.0.1:6379. Each test has a key prefix of its own, deleted afterwards. Without a server
 * these tests fail (they never skip): start one with
 * `redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no` (or `.ci/run`).
 */
import { streamKey } from '@specfirst/spec-core/streams';
import { describe, expect, it } from 'vitest';
import { createConsumers } from '../../src/events/consumer.js';
import { brokerSink, publish } from '../../src/events/publish.js';
import { redisBroker } from '../../src/events/redis-broker.js';
import { recordingLogger } from '../support.js';
import { consumerBehaviour, waitFor } from './consumer-behaviour.js';
import { order, orderCreatedTopic, type OrderCreated } from './support.js';
import { REDIS_URL, redisTestServer } from './redis-support.js';

const { prefix: PREFIX, admin, requireRedis, deleteKeys } = redisTestServer('engine');

let tests = 0;

consumerBehaviour('Redis', async () => {
  await requireRedis();
  const prefix = `${PREFIX}${++tests}:`;
  const broker = redisBroker(REDIS_URL);
  return {
    broker,
    prefix,
    dispose: async () => {
      await broker.close();
      await deleteKeys(prefix);
    },
  };
});

describe('consumers on Redis, with their connections killed', () => {
  it('killed connections reconnect (ioredis resends the blocked read, or the loop retries it): consuming goes on, stop() does not hang', async () => {
    await requireRedis();
    const prefix = `${PREFIX}killed:`;
    const name = `specfirst-engine-${process.pid}-${Date.now()}`;
    const broker = redisBroker(REDIS_URL, { redis: { connectionName: name } });
    const publisher = redisBroker(REDIS_URL);
    const logger = recordingLogger();
    const topic = orderCreatedTopic();
    const handled: string[] = [];
    const consumers = createConsumers(
      'billing',
      [{ topic, handler: (m: OrderCreated) => void handled.push(m.orderId) }],
      { broker, prefix, logger, blockMs: 100, consumer: 'billing-1', shutdownTimeoutMs: 2000 },
    );
    try {
      await consumers.start();
      const sink = brokerSink(publisher, { prefix });
      await publish(sink, topic, order(1));
      await waitFor(() => handled.length === 1, 'the first message');
      // Kill every connection of the consumer's broker (its own and the blocking reader), twice.
      for (let round = 0; round < 2; round++) {
        const clients = String(await admin.client('LIST'))
          .split('\n')
          .filter((line) => line.includes(` name=${name} `));
        expect(clients.length).toBeGreaterThanOrEqual(1);
        for (const line of clients) await admin.client('KILL', 'ID', /id=(\d+)/.exec(line)![1]!);
        await new Promise((resolve) => setTimeout(resolve, 150));
      }
      await publish(sink, topic, order(2));
      await publish(sink, topic, order(3));
      await waitFor(() => handled.length === 3, 'the messages after the connections were killed');
      expect(handled).toEqual(['o1', 'o2', 'o3']);
      await waitFor(
        async () => (await publisher.pending(streamKey(topic, prefix), 'billing')).count === 0,
        'the acknowledgements',
      );
    } finally {
      const started = Date.now();
      await consumers.stop();
      expect(Date.now() - started).toBeLessThan(3000);
      await broker.close();
      await publisher.close();
      await deleteKeys(prefix);
    }
  });
});
