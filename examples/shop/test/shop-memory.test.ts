/** The shop in one process on the in-memory broker, as `pnpm demo:shop` runs it without Redis. */
import { memoryBroker } from '@specfirst/runtime/events';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { startShop, type Shop } from '../lib/shop.js';
import { randomSettings } from '../lib/settings.js';
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
});
