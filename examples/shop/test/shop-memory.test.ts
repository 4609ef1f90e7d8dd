/** The shop in one process on the in-memory broker and task queue, as `pnpm demo:shop` runs it without Redis. */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { listDeadLetters, memoryBroker } from '@specfirst/runtime/events';
import { memoryTaskBackend } from '@specfirst/runtime/tasks';
import { scheduleId, taskQueueName } from '@specfirst/spec-core/tasks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBillingPublisher, invoicePaidTopic } from '#generated/events/billing/index.js';
import type { Order } from '#generated/models.js';
import { createOrdersTasks } from '#generated/tasks/orders/index.js';
import { startShop, type Shop } from '../lib/shop.js';
import { startBilling, type RunningBilling } from '../services/billing/src/service.js';
import { startOrders, type RunningOrders } from '../services/orders/src/service.js';
import { randomSettings } from '../lib/settings.js';
import { call, eventually, recordingLoggers } from './support/http.js';
import { placeAndPay, refusesUndeclaredCalls } from './support/scenario.js';

const DAY_MS = 24 * 60 * 60 * 1000;

describe('the shop in one process, in memory', () => {
  const broker = memoryBroker();
  const tasks = memoryTaskBackend();
  const settings = randomSettings();
  const logs = recordingLoggers();
  let shop: Shop;

  beforeAll(async () => {
    shop = await startShop({
      broker,
      tasks,
      settings,
      ports: { users: 0, orders: 0, billing: 0 },
      logger: logs.logger,
    });
  });
  afterAll(async () => {
    await shop?.stop();
    await tasks.close();
    await broker.close();
  });

  const logged = (service: string, message: string, orderId?: string) =>
    logs
      .entries(service)
      .filter((entry) => entry.message === message && (!orderId || entry.fields['orderId'] === orderId));

  it('places an order, invoices it, and once paid marks it paid and sends a receipt through the mailer’s queue', async () => {
    const { orderId } = await placeAndPay({
      urls: { users: shop.users.url, orders: shop.orders.url, billing: shop.billing.url },
      settings,
      receiptOf: (id) => shop.mailer.mailbox.find(id),
    });
    expect(logged('orders', 'receipt enqueued', orderId)).toHaveLength(1);
    expect(logged('mailer', 'receipt sent', orderId)).toHaveLength(1);
  });

  it('invoices an order through orders’ call to billing, which carries orders’ identity and the request’s id', async () => {
    const { orderId, placedWith, paidWith } = await placeAndPay({
      urls: { users: shop.users.url, orders: shop.orders.url, billing: shop.billing.url },
      settings,
      receiptOf: (id) => shop.mailer.mailbox.find(id),
    });
    // Billing's side of the call: one invoice, from createInvoice, called by orders (verified by
    // billing's caller guard) within the request that placed the order.
    expect(logged('billing', 'invoice created', orderId).map((entry) => entry.fields)).toEqual([
      expect.objectContaining({ via: 'createInvoice', caller: 'orders', requestId: placedWith }),
    ]);
    expect(
      logs.entries('orders').filter((entry) => entry.level === 'warn' && entry.fields['orderId'] === orderId),
    ).toEqual([]);
    // Users' side of orders' call for the e-mail: made while handling invoice.paid, which billing
    // published within the payment's request, so it carries that request's id.
    expect(
      logs
        .entries('users')
        .filter((entry) => entry.message === 'user read' && entry.fields['requestId'] === paidWith)
        .map((entry) => entry.fields),
    ).toEqual([expect.objectContaining({ caller: 'orders', found: true, operationId: 'getUser' })]);
  });

  it('refuses, in every service, a call from a service with no declared edge, and a forged one', async () => {
    await refusesUndeclaredCalls({
      urls: { users: shop.users.url, orders: shop.orders.url, billing: shop.billing.url },
      settings,
    });
  });

  it('sends one receipt when invoice.paid is delivered again: the job id is the invoice’s', async () => {
    const { orderId, email, receipt } = await placeAndPay({
      urls: { users: shop.users.url, orders: shop.orders.url, billing: shop.billing.url },
      settings,
      receiptOf: (id) => shop.mailer.mailbox.find(id),
    });
    // The same message again, as a redelivery after a crash would bring it (the invoice has the order's id).
    await createBillingPublisher(broker).publishInvoicePaid({ invoiceId: orderId, orderId });
    await eventually('orders handling the second delivery', () =>
      logged('orders', 'receipt enqueued', orderId).length === 2 ? true : undefined,
    );
    // Orders enqueued with the same job id: that job, completed, is what the producer hands back.
    const again = await createOrdersTasks(tasks).enqueueSendReceipt(
      { orderId, email },
      { jobId: `receipt-${orderId}` },
    );
    expect(again).toMatchObject({ id: `receipt-${orderId}`, queue: 'mailer', task: 'sendReceipt' });
    expect(await again.result({ timeoutMs: 5000 })).toEqual({
      status: 'completed',
      result: { messageId: receipt.messageId },
    });
    // The mailer ran sendReceipt once: its own guard ("receipt already sent") never had to act.
    expect(logged('mailer', 'receipt sent', orderId)).toHaveLength(1);
    expect(logged('mailer', 'receipt already sent', orderId)).toEqual([]);
    expect(shop.mailer.mailbox.list().filter((sent) => sent.orderId === orderId)).toHaveLength(1);
  });

  it('pays an order of a customer users does not know, and sends no receipt: there is no address', async () => {
    const urls = { orders: shop.orders.url, billing: shop.billing.url };
    const placed = await call('POST', `${urls.orders}/orders`, {
      headers: { 'x-api-key': settings.apiKey },
      body: {
        userId: randomUUID(),
        items: [{ sku: 'BOOK-42', quantity: 1, unitPrice: { amount: 1500, currency: 'EUR' } }],
        shippingAddress: { line1: '1 Rue de Rivoli', city: 'Paris', postcode: '75001', country: 'FR' },
      },
    });
    expect(placed.status).toBe(201);
    const orderId: string = placed.body.id;
    const internal = { 'x-internal-token': settings.internalToken };
    await eventually('the invoice', async () =>
      (await call('GET', `${urls.billing}/invoices/${orderId}`, { headers: internal })).status === 200
        ? true
        : undefined,
    );
    const paid = await call('POST', `${urls.billing}/invoices/${orderId}/payment`, {
      headers: internal,
      body: { method: 'card', token: 'tok_visa' },
    });
    expect(paid.status).toBe(200);
    const warning = await eventually('orders’ warning', () =>
      logged('orders', 'no receipt: users does not know the customer', orderId).at(0),
    );
    expect(warning.level).toBe('warn');
    expect(shop.orders.orders.get(orderId)?.status).toBe('paid');
    expect(logged('orders', 'receipt enqueued', orderId)).toEqual([]);
  });

  it('dead-letters an invoice.paid for an order orders does not know, and sends no receipt', async () => {
    const invoiceId = randomUUID();
    const orderId = randomUUID();
    await createBillingPublisher(broker).publishInvoicePaid({ invoiceId, orderId });
    // Four deliveries to orders (spec/events.yaml: 0.25 s, 0.5 s, 1 s apart), then the dead-letter stream.
    const letters = await eventually('the dead letter', async () => {
      const found = await listDeadLetters(broker, invoicePaidTopic);
      return found.length > 0 ? found : undefined;
    });
    expect(letters).toHaveLength(1);
    expect(letters[0]).toMatchObject({ group: 'orders', reason: 'handler', deliveries: 4, topic: 'invoice.paid' });
    expect(letters[0]?.error).toContain(`order ${orderId}, which orders does not know`);
    expect(logged('orders', 'receipt enqueued', orderId)).toEqual([]);
    expect(await shop.mailer.mailbox.find(orderId)).toBeUndefined();
  });

  it('runs purgeCarts on its schedule: orders deletes the carts older than 30 days, and nothing else', async () => {
    // One schedule on the mailer's queue, which the worker made on start.
    expect(await tasks.scheduleIds(taskQueueName('mailer'))).toEqual([scheduleId('purgeCarts')]);
    const order = (status: Order['status'], ageDays: number): Order => ({
      id: randomUUID(),
      userId: randomUUID(),
      items: [{ sku: 'BOOK-42', quantity: 1, unitPrice: { amount: 1500, currency: 'EUR' } }],
      status,
      total: { amount: 1500, currency: 'EUR' },
      shippingAddress: { line1: '1 Rue de Rivoli', city: 'Paris', postcode: '75001', country: 'FR' },
      createdAt: new Date(Date.now() - ageDays * DAY_MS).toISOString(),
    });
    // An abandoned cart, a cart of today, and a paid order as old as the cart.
    const [abandoned, fresh, paid] = [order('pending', 40), order('pending', 0), order('paid', 40)];
    for (const placed of [abandoned, fresh, paid]) shop.orders.orders.add(placed);
    const runs = logged('mailer', 'carts purged').length;
    // Every 10 s (spec/tasks.yaml): bounded by two periods.
    await eventually(
      'purgeCarts to delete the abandoned cart',
      () => (shop.orders.orders.get(abandoned.id) === undefined ? true : undefined),
      25_000,
    );
    expect(shop.orders.orders.get(fresh.id)).toEqual(fresh);
    expect(shop.orders.orders.get(paid.id)).toEqual(paid);
    const run = await eventually('the mailer’s log of that run', () =>
      logged('mailer', 'carts purged')
        .slice(runs)
        .find((entry) => entry.fields['purged'] === 1),
    );
    expect(run.fields).toMatchObject({ purged: 1, olderThanDays: 30 });
  });
});

describe('orders when billing cannot be called', () => {
  const broker = memoryBroker();
  const tasks = memoryTaskBackend();
  const settings = randomSettings();
  const logs = recordingLoggers();
  let billing: RunningBilling | undefined;
  let orders: RunningOrders | undefined;

  beforeAll(async () => {
    const common = { broker, tasks, settings, port: 0 };
    billing = await startBilling({ ...common, logger: logs.logger('billing') });
    // Orders is told billing is at a port where nothing listens: each call fails to connect.
    orders = await startOrders({
      ...common,
      logger: logs.logger('orders'),
      peers: { billing: `http://127.0.0.1:${await closedPort()}` },
    });
  });
  afterAll(async () => {
    await orders?.stop();
    await billing?.stop();
    await tasks.close();
    await broker.close();
  });

  it('places the order all the same, and billing invoices it from order.created, the fallback', async () => {
    if (!orders || !billing) throw new Error('the services did not start (see beforeAll)');
    const placed = await call('POST', `${orders.url}/orders`, {
      headers: { 'x-api-key': settings.apiKey },
      body: {
        userId: randomUUID(),
        items: [{ sku: 'BOOK-42', quantity: 1, unitPrice: { amount: 1500, currency: 'EUR' } }],
        shippingAddress: { line1: '1 Rue de Rivoli', city: 'Paris', postcode: '75001', country: 'FR' },
      },
    });
    expect(placed.status).toBe(201);
    const orderId: string = placed.body.id;
    const warning = logs
      .entries('orders')
      .find((entry) => entry.message === 'billing could not be called; order.created will invoice the order');
    expect(warning).toMatchObject({ level: 'warn', fields: { orderId, error: expect.stringContaining('SFR4402') } });
    const invoice = await eventually('the invoice from order.created', async () => {
      const reply = await call('GET', `${billing?.url}/invoices/${orderId}`, {
        headers: { 'x-internal-token': settings.internalToken },
      });
      return reply.status === 200 ? reply.body : undefined;
    });
    expect(invoice).toMatchObject({ id: orderId, orderId, amount: { amount: 1500, currency: 'EUR' } });
    expect(
      logs
        .entries('billing')
        .filter((entry) => entry.message === 'invoice created')
        .map((entry) => entry.fields),
    ).toEqual([expect.objectContaining({ orderId, via: 'order.created' })]);
  });
});

/** A port nothing listens on: one the system gave, then closed. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
