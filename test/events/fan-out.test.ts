/**
 * Fan-out (issue #13, "Proof"): two consuming services, two replicas each, on one topic. Every
 * message is handled once per service: the replicas of a service compete for its messages (one
 * consumer group per service), and the groups are independent (one service's retries are not the
 * other's). The same scenario on the in-memory broker and on real Redis.
 */
import { consumerGroup, deadLetterStreamKey, streamKey } from '@specfirst/spec-core/streams';
import {
  brokerSink,
  createConsumers,
  memoryBroker,
  publish,
  type Consumers,
  type EventBroker,
  type EventContext,
} from '@specfirst/runtime/events';
import { redisBroker } from '@specfirst/runtime/events/redis';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRedis, deletePrefix, REDIS_URL, silentLogger, uniquePrefix, waitFor } from './support.js';
import { tickTopic, type Tick } from './topics.mjs';

const N = 400;
const SERVICES = ['ledger', 'mailer'] as const;
type Service = (typeof SERVICES)[number];

let redis: Redis;
const prefixes: string[] = [];

beforeAll(async () => {
  redis = await connectRedis();
});
afterAll(async () => {
  for (const prefix of prefixes) await deletePrefix(redis, prefix);
  redis.disconnect();
});

interface Transport {
  name: string;
  /** A broker for one replica (or the publisher): its own connection on Redis, the shared store in memory. */
  broker(): EventBroker;
}

const transports: Record<string, () => Transport> = {
  memory: () => {
    const shared = memoryBroker();
    return { name: 'memory', broker: () => shared };
  },
  redis: () => ({ name: 'redis', broker: () => redisBroker(REDIS_URL) }),
};

describe.each(Object.keys(transports))('fan-out on the %s broker', (name) => {
  it('hands every message to each service once: replicas compete, groups are independent', async () => {
    const transport = transports[name]!();
    const prefix = uniquePrefix(`fan-out-${transport.name}`);
    prefixes.push(prefix);
    // Concurrency 2 and small batches, so that both replicas of a service get work.
    const topic = tickTopic('fanout.tick', { concurrency: 2 });
    const brokers: EventBroker[] = [];
    const newBroker = () => {
      const broker = transport.broker();
      brokers.push(broker);
      return broker;
    };

    /** handled.get(service).get(n) = successful runs; failed: deliberate failures; seen: every delivery. */
    const handled = new Map<Service, Map<number, number>>(SERVICES.map((s) => [s, new Map()]));
    const byReplica = new Map<string, number>();
    const deliveriesOf = new Map<Service, Map<number, number[]>>(SERVICES.map((s) => [s, new Map()]));
    let mailerFailures = 0;

    const handler = (service: Service, replica: string) => async (message: Tick, context: EventContext) => {
      const seen = deliveriesOf.get(service)!;
      seen.set(message.n, [...(seen.get(message.n) ?? []), context.deliveries]);
      // The mailer fails the first delivery of every tenth message: its retries must stay its own.
      if (service === 'mailer' && message.n % 10 === 0 && context.deliveries === 1) {
        mailerFailures++;
        throw new Error(`mailer: first delivery of ${message.n} fails on purpose`);
      }
      await new Promise((resolve) => setTimeout(resolve, 1));
      const counts = handled.get(service)!;
      counts.set(message.n, (counts.get(message.n) ?? 0) + 1);
      byReplica.set(replica, (byReplica.get(replica) ?? 0) + 1);
    };

    const sink = brokerSink(newBroker(), { prefix });
    const publishRange = async (from: number, to: number) => {
      for (let n = from; n < to; n++) await publish(sink, topic, { n, body: `tick ${n}` }, { id: `tick-${n}` });
    };

    // Half before any consumer group exists (a group starts from the beginning), half while they run.
    await publishRange(0, N / 2);
    const replicas: { service: Service; name: string; consumers: Consumers }[] = [];
    for (const service of SERVICES) {
      for (const replica of ['a', 'b']) {
        const name = `${service}-${replica}`;
        const consumers = createConsumers(service, [{ topic, handler: handler(service, name) }], {
          broker: newBroker(),
          consumer: name,
          prefix,
          blockMs: 100,
          batchSize: 4,
          shutdownTimeoutMs: 2000,
          logger: silentLogger,
        });
        replicas.push({ service, name, consumers });
      }
    }
    let deadLetters: number | undefined;
    try {
      await Promise.all(replicas.map((r) => r.consumers.start()));
      await publishRange(N / 2, N);

      const stream = streamKey(topic, prefix);
      const probe = brokers[0]!;
      await waitFor(
        async () =>
          SERVICES.every((s) => handled.get(s)!.size === N) &&
          (await Promise.all(SERVICES.map((s) => probe.pending(stream, consumerGroup(s))))).every((p) => p.count === 0),
        30_000,
        () => `handled ${SERVICES.map((s) => `${s} ${handled.get(s)!.size}/${N}`).join(', ')}`,
      );
      deadLetters = await probe.length(deadLetterStreamKey(topic, prefix));
    } finally {
      await Promise.all(replicas.map((r) => r.consumers.stop()));
      if (transport.name === 'redis') await Promise.all(brokers.map((b) => b.close()));
    }

    for (const service of SERVICES) {
      const counts = handled.get(service)!;
      const notOnce = [...Array(N).keys()].filter((n) => counts.get(n) !== 1);
      expect(notOnce, `${service}: messages not handled exactly once`).toEqual([]);
    }
    // Replicas compete: each of the four handled a share of its service's messages.
    for (const { name } of replicas) expect(byReplica.get(name) ?? 0, `${name} handled nothing`).toBeGreaterThan(0);
    for (const service of SERVICES) {
      const shares = replicas.filter((r) => r.service === service).map((r) => byReplica.get(r.name) ?? 0);
      expect(shares.reduce((a, b) => a + b, 0)).toBe(N);
    }
    // Groups are independent: the mailer's failures were retried for the mailer alone.
    expect(mailerFailures).toBe(N / 10);
    const ledgerDeliveries = [...deliveriesOf.get('ledger')!.values()].flat();
    expect(ledgerDeliveries.filter((d) => d !== 1)).toEqual([]);
    const mailerRetried = [...deliveriesOf.get('mailer')!].filter(([, ds]) => ds.length > 1);
    expect(mailerRetried.map(([n]) => n).sort((a, b) => a - b)).toEqual([...Array(N / 10).keys()].map((k) => k * 10));
    for (const [n, ds] of mailerRetried) expect(ds, `mailer deliveries of ${n}`).toEqual([1, 2]);
    // Nothing was dead-lettered.
    expect(deadLetters).toBe(0);
  });
});
