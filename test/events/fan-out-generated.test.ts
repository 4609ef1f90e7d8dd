/**
 * Fan-out through generated code: the shop fixture's `invoice.paid`, published by billing
 * (`createBillingPublisher`) and consumed by orders and the mailer (`createOrdersConsumers`,
 * `createMailerConsumers`), two replicas each, on the in-memory broker and on real Redis. Every
 * message reaches each service once; the replicas of a service share its messages.
 */
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { memoryBroker, type Consumers, type ConsumerOptions, type EventBroker } from '@specfirst/runtime/events';
import { redisBroker } from '@specfirst/runtime/events/redis';
import { consumerGroup, streamKey } from '@specfirst/spec-core/streams';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRedis, deletePrefix, REDIS_URL, silentLogger, uniquePrefix, waitFor } from './support.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** Under the repository, so that the generated code's `@specfirst/runtime/events` resolves to this checkout. */
const OUT = fileURLToPath(new URL('./.out/shop-generated', import.meta.url));
const N = 200;

interface InvoicePaid {
  invoiceId: string;
  orderId: string;
}
type Handler = (message: InvoicePaid) => void | Promise<void>;
interface Generated {
  billing: {
    createBillingPublisher(
      target: EventBroker,
      options?: { prefix?: string },
    ): {
      publishInvoicePaid(message: InvoicePaid, options?: { id?: string }): Promise<string>;
    };
  };
  orders: { createOrdersConsumers(handlers: { invoicePaid: Handler }, options: ConsumerOptions): Consumers };
  mailer: { createMailerConsumers(handlers: { invoicePaid: Handler }, options: ConsumerOptions): Consumers };
}

let redis: Redis;
let generated: Generated;
const prefixes: string[] = [];

beforeAll(async () => {
  redis = await connectRedis();
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(path.dirname(OUT), { recursive: true });
  const sync = spawnSync(
    process.execPath,
    [path.join(ROOT, 'packages/cli/bin/specfirst.js'), 'sync', path.join(ROOT, 'fixtures/shop'), '--out', OUT],
    { cwd: ROOT, encoding: 'utf8' },
  );
  if (sync.status !== 0) throw new Error(`specfirst sync fixtures/shop failed:\n${sync.stdout}${sync.stderr}`);
  const load = (service: string) => import(pathToFileURL(path.join(OUT, 'events', service, 'index.ts')).href);
  generated = {
    billing: (await load('billing')) as Generated['billing'],
    orders: (await load('orders')) as Generated['orders'],
    mailer: (await load('mailer')) as Generated['mailer'],
  };
});
afterAll(async () => {
  for (const prefix of prefixes) await deletePrefix(redis, prefix);
  redis?.disconnect();
});

describe.each(['memory', 'redis'])('generated shop code on the %s broker', (transport) => {
  it('delivers invoice.paid once to orders and once to the mailer, shared by two replicas each', async () => {
    const prefix = uniquePrefix(`fan-out-generated-${transport}`);
    prefixes.push(prefix);
    const shared = transport === 'memory' ? memoryBroker() : undefined;
    const brokers: EventBroker[] = [];
    const newBroker = () => {
      const broker = shared ?? redisBroker(REDIS_URL);
      brokers.push(broker);
      return broker;
    };
    const handled = { orders: new Map<string, number>(), mailer: new Map<string, number>() };
    const byReplica = new Map<string, number>();
    const handler = (service: 'orders' | 'mailer', replica: string) => async (message: InvoicePaid) => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      handled[service].set(message.invoiceId, (handled[service].get(message.invoiceId) ?? 0) + 1);
      byReplica.set(replica, (byReplica.get(replica) ?? 0) + 1);
    };
    const options = (name: string): ConsumerOptions => ({
      broker: newBroker(),
      consumer: name,
      prefix,
      blockMs: 100,
      batchSize: 4,
      shutdownTimeoutMs: 2000,
      logger: silentLogger,
    });
    const replicas = [
      generated.orders.createOrdersConsumers({ invoicePaid: handler('orders', 'orders-a') }, options('orders-a')),
      generated.orders.createOrdersConsumers({ invoicePaid: handler('orders', 'orders-b') }, options('orders-b')),
      generated.mailer.createMailerConsumers({ invoicePaid: handler('mailer', 'mailer-a') }, options('mailer-a')),
      generated.mailer.createMailerConsumers({ invoicePaid: handler('mailer', 'mailer-b') }, options('mailer-b')),
    ];
    const publisher = generated.billing.createBillingPublisher(newBroker(), { prefix });
    const invoices = Array.from({ length: N }, () => ({ invoiceId: randomUUID(), orderId: randomUUID() }));
    try {
      await Promise.all(replicas.map((r) => r.start()));
      for (const invoice of invoices) await publisher.publishInvoicePaid(invoice);
      const stream = streamKey('invoice.paid', prefix);
      await waitFor(
        async () =>
          handled.orders.size === N &&
          handled.mailer.size === N &&
          (await brokers[0]!.pending(stream, consumerGroup('orders'))).count === 0 &&
          (await brokers[0]!.pending(stream, consumerGroup('mailer'))).count === 0,
        30_000,
        () => `orders handled ${handled.orders.size}/${N}, mailer ${handled.mailer.size}/${N}`,
      );
    } finally {
      await Promise.all(replicas.map((r) => r.stop()));
      if (!shared) await Promise.all(brokers.map((b) => b.close()));
    }
    for (const service of ['orders', 'mailer'] as const)
      expect(
        invoices.filter((i) => handled[service].get(i.invoiceId) !== 1).map((i) => i.invoiceId),
        `${service}: invoices not handled exactly once`,
      ).toEqual([]);
    for (const replica of ['orders-a', 'orders-b', 'mailer-a', 'mailer-b'])
      expect(byReplica.get(replica) ?? 0, `${replica} handled nothing`).toBeGreaterThan(0);
  });
});
