// Compiled with the generated shop (targets.ts), not by the repository's tsconfig: it imports generated code.
import { randomUUID } from 'node:crypto';
import type * as M from '../generated/models.js';
import { createBillingApp } from '../generated/routers/billing/index.js';
import {
  createInvoiceReply,
  getInvoiceReply,
  payInvoiceReply,
  type InvoicesController,
} from '../generated/routers/billing/invoices.js';

/** The token the other shop services send to billing. */
export const INTERNAL_TOKEN = 'internal-token';

/** Invoices in memory: a controller as a user would write it, for the hostile battery. */
export class InMemoryInvoices implements InvoicesController {
  readonly invoices = new Map<string, M.Invoice>();

  createInvoice(request: { body: M.InvoiceCreate }) {
    const invoice: M.Invoice = { ...request.body, id: randomUUID(), paidAt: null };
    this.invoices.set(invoice.id, invoice);
    return createInvoiceReply.created(invoice);
  }

  getInvoice(request: { params: { id: string } }) {
    const invoice = this.invoices.get(request.params.id);
    return invoice
      ? getInvoiceReply.ok(invoice)
      : getInvoiceReply.notFound({ type: 'about:blank', title: 'No such invoice', status: 404 });
  }

  payInvoice(request: { params: { id: string }; body: M.PaymentMethod }) {
    const invoice = this.invoices.get(request.params.id);
    if (!invoice) return payInvoiceReply.notFound({ type: 'about:blank', title: 'No such invoice', status: 404 });
    if (request.body.method === 'card' && invoice.amount.amount > 1_000_000)
      return payInvoiceReply.paymentRequired({ type: 'about:blank', title: 'Payment declined', status: 402 });
    const paid: M.Invoice = { ...invoice, payment: request.body, paidAt: new Date(0).toISOString() };
    this.invoices.set(paid.id, paid);
    return payInvoiceReply.ok(paid);
  }
}

export function billingApp() {
  const app = createBillingApp(
    { invoices: new InMemoryInvoices() },
    {
      authenticate: {
        internal: (req) => (req.headers['x-internal-token'] === INTERNAL_TOKEN ? { service: 'orders' } : null),
      },
      validateResponses: true,
      logger: { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
    },
  );
  return { app };
}
