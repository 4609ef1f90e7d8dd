/**
 * The shop's story, told over real HTTP, the same whichever way the shop runs: a customer signs up
 * and places an order; orders has billing invoice it (a call through its internal client); the
 * invoice is paid; the order turns paid (orders, from `invoice.paid`), orders enqueues
 * `sendReceipt` on the mailer's queue, and the mailer sends the receipt to the customer's e-mail,
 * which orders asked users for (a call through its internal client).
 */
import { randomUUID } from 'node:crypto';
import { newNonce, signCall } from '@specfirst/runtime/internal';
import { internalKeyEnv } from '@specfirst/spec-core/connectivity';
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
  /** The `X-Request-Id` the order was placed with, which orders passed on to billing. */
  placedWith: string;
  /** The `X-Request-Id` the invoice was paid with: billing passed it on in `invoice.paid`, and orders to users. */
  paidWith: string;
}

export async function placeAndPay({ urls, settings, receiptOf }: ShopUnderTest): Promise<Paid> {
  const email = `ada.${Date.now()}@example.com`;
  const password = 'correct horse battery staple';
  const signedUp = await call('POST', `${urls.users}/users`, { body: { email, name: 'Ada', password } });
  expect(signedUp.status).toBe(201);
  const session = await call('POST', `${urls.users}/sessions`, { body: { email, password } });
  expect(session.status).toBe(201);
  const customer = { authorization: `Bearer ${session.body.token}` };

  const placedWith = randomUUID();
  const placed = await call('POST', `${urls.orders}/orders`, {
    headers: { ...customer, 'x-request-id': placedWith },
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

  // Orders called billing before it answered: the invoice is there already, under the order's id,
  // with no wait for `order.created`.
  const internal = { 'x-internal-token': settings.internalToken };
  const invoice = await call('GET', `${urls.billing}/invoices/${orderId}`, { headers: internal });
  expect(invoice.status).toBe(200);
  expect(invoice.body).toMatchObject({
    id: orderId,
    orderId,
    amount: { amount: 3250, currency: 'EUR' },
    paidAt: null,
  });

  // A declined card changes nothing.
  const declined = await call('POST', `${urls.billing}/invoices/${orderId}/payment`, {
    headers: internal,
    body: { method: 'card', token: 'tok_declined' },
  });
  expect(declined.status).toBe(402);

  const paidWith = randomUUID();
  const paid = await call('POST', `${urls.billing}/invoices/${orderId}/payment`, {
    headers: { ...internal, 'x-request-id': paidWith },
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
  return { orderId, email, receipt, placedWith, paidWith };
}

/** A call to `callee` signed as `caller`, as an internal client would send it. */
interface Crafted {
  caller: string;
  callee: 'users' | 'orders' | 'billing';
  method: 'GET' | 'POST';
  /** Below the callee's `/api`. */
  path: string;
  body?: unknown;
}

/** A request to `callee` signed as `caller` with `key` (unsigned without one). */
async function signedCall(
  { urls, settings }: Pick<ShopUnderTest, 'urls' | 'settings'>,
  { caller, callee, method, path, body }: Crafted,
  key: string | undefined,
) {
  const url = `${urls[callee]}${path}`;
  const target = new URL(url).pathname;
  // Every credential the operation asks for: only the caller's identity is wrong.
  const credentials = {
    'x-internal-token': settings.internalToken,
    'x-api-key': settings.apiKey,
  };
  const identity = signCall(key ?? 'none', {
    caller,
    callee,
    method,
    target,
    timestamp: Date.now(),
    nonce: newNonce(),
  });
  if (key === undefined) delete identity['x-specfirst-signature'];
  return call(method, url, {
    headers: { ...credentials, ...(caller === '' ? {} : identity) },
    ...(body === undefined ? {} : { body }),
  });
}

/** The key of the edge `caller` → `callee` in the shop's settings. */
function keyOf(settings: Settings, caller: string, callee: string): string | undefined {
  return settings.keys[internalKeyEnv(caller, callee)];
}

/**
 * Every service runs the caller guard with one key per declared edge: a real service that signs,
 * with the key of one of its edges, a call of an operation it does not declare is refused with a
 * 403 naming the services.yaml line to add; a call signed with the key of another edge (a callee
 * signing as its caller to the caller's other callees, a service with no edge) is refused with a
 * generic 403; createInvoice and purgeCarts refuse a request that names no caller; orders' own
 * signed call goes through.
 */
export async function refusesUndeclaredCalls(shop: Pick<ShopUnderTest, 'urls' | 'settings'>): Promise<void> {
  const { settings } = shop;
  const newInvoice = () => ({ orderId: randomUUID(), amount: { amount: 100, currency: 'EUR' } });
  const invoice = { caller: 'orders', callee: 'billing', method: 'POST', path: '/invoices' } as const;

  // orders holds the key of orders → billing, but declares only createInvoice.
  const getInvoice = { caller: 'orders', callee: 'billing', method: 'GET', path: `/invoices/${randomUUID()}` } as const;
  const undeclared = await signedCall(shop, getInvoice, keyOf(settings, 'orders', 'billing'));
  expect(undeclared.status).toBe(403);
  expect(undeclared.body).toMatchObject({ status: 403, code: 'SFR4403', caller: 'orders' });
  expect(undeclared.body.detail).toContain('`orders: consumes.operations: [billing.getInvoice]`');

  const refusals: [string, Crafted, string | undefined, string][] = [
    // users holds the key of orders → users: with it, it cannot sign as orders to billing.
    [
      'a callee signing as its caller',
      { ...invoice, body: newInvoice() },
      keyOf(settings, 'orders', 'users'),
      'SFR4406',
    ],
    [
      'a service with no edge, with the key of its own edge',
      { caller: 'mailer', callee: 'billing', method: 'POST', path: '/invoices', body: newInvoice() },
      keyOf(settings, 'mailer', 'orders'),
      'SFR4404',
    ],
    [
      'a service with no edge to users',
      { caller: 'billing', callee: 'users', method: 'GET', path: `/users/${randomUUID()}` },
      keyOf(settings, 'orders', 'users'),
      'SFR4404',
    ],
    [
      'a service with no edge to orders',
      { caller: 'users', callee: 'orders', method: 'POST', path: '/admin/carts/purge', body: { olderThanDays: 30 } },
      keyOf(settings, 'mailer', 'orders'),
      'SFR4404',
    ],
    ['an unsigned call naming orders', { ...invoice, body: newInvoice() }, undefined, 'SFR4406'],
    ['createInvoice without a caller', { ...invoice, caller: '', body: newInvoice() }, undefined, 'SFR4408'],
    [
      'purgeCarts without a caller',
      { caller: '', callee: 'orders', method: 'POST', path: '/admin/carts/purge', body: { olderThanDays: 30 } },
      undefined,
      'SFR4408',
    ],
  ];
  for (const [what, crafted, key, code] of refusals) {
    const refused = await signedCall(shop, crafted, key);
    expect([refused.status, refused.body.code], what).toEqual([403, code]);
    // Whoever sent it may not be a service: told nothing of the topology.
    expect(refused.body.detail, what).toBe(`${code} the caller guard refused this request`);
  }

  // The same call signed with the key of orders → billing: orders declares it, so billing invoices.
  const body = newInvoice();
  const declared = await signedCall(shop, { ...invoice, body }, keyOf(settings, 'orders', 'billing'));
  expect(declared.status).toBe(201);
  expect(declared.body).toMatchObject({ id: body.orderId, orderId: body.orderId });
}
