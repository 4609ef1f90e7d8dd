/** The shop in one process on the in-memory broker, as `pnpm demo:shop` runs it without Redis. */
import { randomUUID } from 'node:crypto';
import { listDeadLetters, memoryBroker } from '@specfirst/runtime/events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBillingPublisher, invoicePaidTopic } from '#generated/events/billing/index.js';
import { startShop, type Shop } from '../lib/shop.js';
import { randomSettings } from '../lib/settings.js';
import { eventually } from './support/http.js';
import { placeAndPay } from './support/scenario.js';

const quiet = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

describe('the shop in one process, in memory', () => {
  const broker = memoryBroker();
  const settings = randomSettings();
  let shop: Shop;

  beforeAll(async () => {
    shop = await startShop({ broker, settings, ports: { users: 0, orders: 0, billing: 0 }, logger: () => quiet });
  });
  afterAll(async () => {
    await shop?.stop();
    await broker.close();
  });

  it('places an order, invoices it, and once paid marks it paid and sends a receipt', async () => {
    await placeAndPay({
      urls: { users: shop.users.url, orders: shop.orders.url, billing: shop.billing.url },
      settings,
      hasReceipt: (invoiceId) => shop.mailer.receipts.of(invoiceId) !== undefined,
    });
  });

  it('dead-letters, for orders alone, an invoice.paid for an order it does not know; the mailer still sends the receipt', async () => {
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
    expect(shop.mailer.receipts.of(invoiceId)).toMatchObject({ invoiceId, orderId });
  });
});
