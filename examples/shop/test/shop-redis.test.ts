/**
 * The shop as four processes on a real Redis, as `REDIS_URL=... pnpm demo:shop` runs it: the same
 * story as in memory, with each service in its own process, every event through Redis Streams and
 * every task through BullMQ. REDIS_URL (default redis://127.0.0.1:6379) must answer: without it
 * this fails, it never skips.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { EventBroker } from '@specfirst/runtime/events';
import type { TaskBackend } from '@specfirst/runtime/tasks';
import { bullmqTaskBackend } from '@specfirst/runtime/tasks/bullmq';
import { consumerGroup, deadLetterStreamKey, streamKey } from '@specfirst/spec-core/streams';
import { scheduleId, taskQueueName } from '@specfirst/spec-core/tasks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrdersTasks } from '#generated/tasks/orders/index.js';
import { brokerFromEnv } from '../lib/broker.js';
import { spawnShop, type ShopProcesses } from '../lib/processes.js';
import { randomSettings, settingsEnv } from '../lib/settings.js';
import { readReceipts } from '../services/mailer/src/mailbox.js';
import { eventually } from './support/http.js';
import { deleteKeys } from './support/redis.js';
import { placeAndPay, refusesUndeclaredCalls } from './support/scenario.js';

const REDIS_URL = process.env['REDIS_URL'] || 'redis://127.0.0.1:6379';
const TOPICS = ['order.created', 'invoice.paid'];

describe('the shop as four processes, on Redis', () => {
  // Its own keys: nothing another test or a demo wrote is read, and everything is deleted after.
  const prefix = `shop-test:${randomUUID()}:`;
  const tasksPrefix = `shop-test-tasks-${randomUUID()}`;
  const settings = randomSettings();
  let mailbox: string;
  let broker: EventBroker;
  let tasks: TaskBackend;
  let shop: ShopProcesses | undefined;
  const running = (): ShopProcesses => {
    if (!shop) throw new Error('the shop did not start (see beforeAll)');
    return shop;
  };

  beforeAll(async () => {
    ({ broker } = await brokerFromEnv({ REDIS_URL, EVENTS_PREFIX: prefix }));
    tasks = bullmqTaskBackend({ url: REDIS_URL, prefix: tasksPrefix });
    mailbox = await mkdtemp(path.join(os.tmpdir(), 'shop-mailbox-'));
    shop = await spawnShop({
      env: {
        ...process.env,
        REDIS_URL,
        EVENTS_PREFIX: prefix,
        TASKS_PREFIX: tasksPrefix,
        MAILBOX_DIR: mailbox,
        ...settingsEnv(settings),
      },
      ports: { users: 0, orders: 0, billing: 0 },
    });
  });
  afterAll(async () => {
    await shop?.stop(5000);
    await tasks?.close();
    if (broker) {
      await broker.del(...TOPICS.flatMap((name) => [streamKey(name, prefix), deadLetterStreamKey({ name }, prefix)]));
      await broker.close();
    }
    await deleteKeys(REDIS_URL, `${tasksPrefix}:`);
    if (mailbox) await rm(mailbox, { recursive: true, force: true });
  });

  it('places an order, invoices it, and once paid marks it paid and sends a receipt through BullMQ', async () => {
    const { urls, services } = running();
    const { orderId, email, receipt, placedWith, paidWith } = await placeAndPay({
      urls,
      settings,
      receiptOf: async (id) => (await readReceipts(mailbox)).find((sent) => sent.orderId === id),
    });
    // Every entry was acknowledged by every group that reads it, and nothing was dead-lettered.
    for (const [topic, service] of [
      ['order.created', 'billing'],
      ['invoice.paid', 'orders'],
    ] as const) {
      expect(await broker.length(streamKey(topic, prefix)), topic).toBe(1);
      expect((await broker.pending(streamKey(topic, prefix), consumerGroup(service))).count, service).toBe(0);
      expect(await broker.length(deadLetterStreamKey({ name: topic }, prefix)), `${topic} dead letters`).toBe(0);
    }
    // The job orders enqueued is on BullMQ, completed, under the invoice's job id: enqueuing it
    // again (as a second delivery of invoice.paid would) hands back that job and its result.
    const again = await createOrdersTasks(tasks).enqueueSendReceipt(
      { orderId, email },
      { jobId: `receipt-${orderId}` },
    );
    expect(again).toMatchObject({ id: `receipt-${orderId}`, queue: 'mailer' });
    expect(await again.result({ timeoutMs: 5000 })).toEqual({
      status: 'completed',
      result: { messageId: receipt.messageId },
    });
    expect((await readReceipts(mailbox)).filter((sent) => sent.orderId === orderId)).toEqual([receipt]);
    expect(services.mailer.output()).not.toContain('receipt already sent');
    expect(await tasks.listDeadLetters(taskQueueName('mailer'))).toEqual([]);

    // The calls, read in the callees' own logs: billing's process invoiced the order as orders'
    // call asked, within the request that placed it; users' process answered orders' call for the
    // e-mail within the payment's request (billing -> invoice.paid -> orders -> users).
    const lines = (service: 'billing' | 'users', ...parts: string[]) =>
      services[service]
        .output()
        .split('\n')
        .filter((line) => parts.every((part) => line.includes(part)));
    expect(lines('billing', 'invoice created', `orderId=${orderId}`)).toEqual([
      expect.stringMatching(new RegExp(`requestId=${placedWith} .*via=createInvoice caller=orders`)),
    ]);
    expect(lines('users', 'user read', `requestId=${paidWith}`)).toEqual([expect.stringContaining('caller=orders')]);
  });

  it('refuses, in every service’s process, a call from a service with no declared edge, and a forged one', async () => {
    await refusesUndeclaredCalls({ urls: running().urls, settings });
  });

  it('runs purgeCarts on its one schedule, in the mailer’s process, through orders', async () => {
    const { services } = running();
    // The mailer's worker made the schedule on start (a BullMQ job scheduler), once.
    expect(await tasks.scheduleIds(taskQueueName('mailer'))).toEqual([scheduleId('purgeCarts')]);
    // Every 10 s (spec/tasks.yaml): bounded by two periods. Nothing is 30 days old here: 0 purged.
    await eventually(
      'a run of purgeCarts',
      () => (/carts purged .*\bpurged=0 .*olderThanDays=30/.test(services.mailer.output()) ? true : undefined),
      25_000,
    );
  });

  it('stops each service gracefully on SIGTERM', async () => {
    const children = Object.values(running().services).map((service) => service.child);
    await running().stop(10_000);
    for (const child of children)
      expect({ code: child.exitCode, signal: child.signalCode }).toEqual({ code: 0, signal: null });
  });
});
