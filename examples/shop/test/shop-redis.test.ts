/**
 * The shop as four processes on a real Redis, as `REDIS_URL=... pnpm demo:shop` runs it: the same
 * story as in memory, with each service in its own process and every event through Redis Streams.
 * REDIS_URL (default redis://127.0.0.1:6379) must answer: without it this fails, it never skips.
 */
import { randomUUID } from 'node:crypto';
import type { EventBroker } from '@specfirst/runtime/events';
import { consumerGroup, deadLetterStreamKey, streamKey } from '@specfirst/spec-core/streams';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { brokerFromEnv } from '../lib/broker.js';
import { spawnShop, type ShopProcesses } from '../lib/processes.js';
import { randomSettings, settingsEnv } from '../lib/settings.js';
import { placeAndPay } from './support/scenario.js';

const REDIS_URL = process.env['REDIS_URL'] || 'redis://127.0.0.1:6379';
const TOPICS = ['order.created', 'invoice.paid'];

describe('the shop as four processes, on Redis', () => {
  // Its own keys: nothing another test or a demo wrote is read, and everything is deleted after.
  const prefix = `shop-test:${randomUUID()}:`;
  const settings = randomSettings();
  let broker: EventBroker;
  let shop: ShopProcesses | undefined;
  const running = (): ShopProcesses => {
    if (!shop) throw new Error('the shop did not start (see beforeAll)');
    return shop;
  };

  beforeAll(async () => {
    ({ broker } = await brokerFromEnv({ REDIS_URL, EVENTS_PREFIX: prefix }));
    shop = await spawnShop({
      env: { ...process.env, REDIS_URL, EVENTS_PREFIX: prefix, ...settingsEnv(settings) },
      ports: { users: 0, orders: 0, billing: 0 },
    });
  });
  afterAll(async () => {
    await shop?.stop(5000);
    if (broker) {
      await broker.del(...TOPICS.flatMap((name) => [streamKey(name, prefix), deadLetterStreamKey({ name }, prefix)]));
      await broker.close();
    }
  });

  it('places an order, invoices it, and once paid marks it paid and sends a receipt', async () => {
    const { urls, services } = running();
    await placeAndPay({
      urls,
      settings,
      hasReceipt: (invoiceId) => new RegExp(`receipt sent .*invoiceId=${invoiceId}`).test(services.mailer.output()),
    });
    // Every entry was acknowledged by every group that reads it, and nothing was dead-lettered.
    for (const [topic, service] of [
      ['order.created', 'billing'],
      ['invoice.paid', 'orders'],
      ['invoice.paid', 'mailer'],
    ] as const) {
      expect(await broker.length(streamKey(topic, prefix)), topic).toBe(1);
      expect((await broker.pending(streamKey(topic, prefix), consumerGroup(service))).count, service).toBe(0);
      expect(await broker.length(deadLetterStreamKey({ name: topic }, prefix)), `${topic} dead letters`).toBe(0);
    }
  });

  it('stops each service gracefully on SIGTERM', async () => {
    const children = Object.values(running().services).map((service) => service.child);
    await running().stop(10_000);
    for (const child of children)
      expect({ code: child.exitCode, signal: child.signalCode }).toEqual({ code: 0, signal: null });
  });
});
