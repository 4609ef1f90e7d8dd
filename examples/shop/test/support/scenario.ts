/**
 * The shop's story, told over real HTTP, the same whichever way the shop runs: a customer signs up
 * and places an order; billing invoices it (from `order.created`); the invoice is paid; the order
 * turns paid (orders, from `invoice.paid`), orders enqueues `sendReceipt` on the mailer's queue,
 * and the mailer sends the receipt to the customer's e-mail, which orders asked users for.
 */
import { expect } from 'vitest';
import type { Settings } from '../../lib/settings.js';
import type { Receipt } from '../../services/mailer/src/mailbox.js';
import { call, eventually } from './http.js';

export interface ShopUnderTest {
  urls: { users: string; orders: string; billing: string };
  settings: Settings;
  /** The receipt the mailer sent for this order, if it did. */
  receiptOf(orderId: string): Promise<Receipt | undefined> | Receipt | undefined;
}

/** What the story made: the customer's order (its invoice has the same id) and their receipt. */
export interface Paid {
  orderId: string;
  email: string;
  receipt: Receipt;
}

export async function placeAndPay({ urls, settings, receiptOf }: ShopUnderTest): Promise<Paid> {
  const email = `ada.${Date.now()}@example.com`;
  const password = 'correct horse battery staple';
  const signedUp = await call('POST', `${urls.users}/users`, { body: { email, name: 'Ada', password } });
  expect(signedUp.status).toBe(201);
  const session = await call('POST', `${urls.users}/sessions`, { body: { email, password } });
  expect(session.status).toBe(201);
  const customer = { authorization: `Bearer ${session.body.token}` };

  const placed = await call('POST', `${urls.orders}/orders`, {
    headers: customer,
    body: {
      userId: signedUp.body.id,
      items: [
        { sku: 'BOOK-42', quantity: 2, unitPrice: { amount: 1500, currency: 'EUR' } },
        { sku: 'PEN-1', quantity: 1, unitPrice: { amount: 250, currency: 'EUR' } },
      ],
      shippingAddress: { line1: '1 Rue de Rivoli', city: 'Paris', postcode: '75001', country: 'FR' },
    },
  });
  expect(placed.status).toBe(201);
  expect(placed.body).toMatchObject({ status: 'pending', total: { amount: 3250, currency: 'EUR' } });
  const orderId: string = placed.body.id;
  expect(placed.headers.get('location')).toBe(`/api/orders/${orderId}`);

  // Billing reads `order.created` and invoices the order, under the order's id.
  const internal = { 'x-internal-token': settings.internalToken };
  const invoice = await eventually('the invoice of the order', async () => {
    const reply = await call('GET', `${urls.billing}/invoices/${orderId}`, { headers: internal });
    return reply.status === 200 ? reply.body : undefined;
  });
  expect(invoice).toMatchObject({ id: orderId, orderId, amount: { amount: 3250, currency: 'EUR' }, paidAt: null });

  // A declined card changes nothing.
  const declined = await call('POST', `${urls.billing}/invoices/${orderId}/payment`, {
    headers: internal,
    body: { method: 'card', token: 'tok_declined' },
  });
  expect(declined.status).toBe(402);

  const paid = await call('POST', `${urls.billing}/invoices/${orderId}/payment`, {
    headers: internal,
    body: { method: 'card', token: 'tok_visa' },
  });
  expect(paid.status).toBe(200);
  expect(paid.body.paidAt).toEqual(expect.any(String));

  // Orders reads `invoice.paid`: the order turns paid, and the receipt goes to the mailer's queue.
  const order = await eventually('the order turning paid', async () => {
    const reply = await call('GET', `${urls.orders}/orders/${orderId}`, { headers: customer });
    expect(reply.status).toBe(200);
    return reply.body.status === 'paid' ? reply.body : undefined;
  });
  expect(order).toMatchObject({ id: orderId, status: 'paid' });
  const receipt = await eventually('the receipt', () => receiptOf(orderId));
  expect(receipt).toMatchObject({ orderId, to: email, subject: `Your receipt for order ${orderId}` });
  expect(receipt.messageId).toMatch(/^<[0-9a-f-]{36}@shop\.example>$/);

  // The customer sees the order in its list, paid.
  const mine = await call('GET', `${urls.orders}/orders?status=paid`, { headers: customer });
  expect(mine.body.map((o: { id: string }) => o.id)).toEqual([orderId]);
  return { orderId, email, receipt };
}
