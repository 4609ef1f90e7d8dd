import type { OperationContext } from '@specfirst/runtime';
import { CALLER_HEADERS } from '@specfirst/spec-core/connectivity';
import type { BillingPublisher } from '#generated/events/billing/index.js';
import type { Invoice } from '#generated/models.js';
import {
  createInvoiceReply,
  getInvoiceReply,
  payInvoiceReply,
  type CreateInvoiceRequest,
  type GetInvoiceRequest,
  type InvoicesController,
  type PayInvoiceRequest,
} from '#generated/routers/billing/invoices.js';
import { problem } from '../../../../lib/problems.js';
import type { InvoiceStore } from '../store.js';

/** The card token the payment provider declines (as Stripe's test tokens do). */
export const DECLINED_CARD = 'tok_declined';

const noSuchInvoice = problem(404, 'No such invoice');

export class InvoicesControllerImpl implements InvoicesController {
  constructor(
    private readonly invoices: InvoiceStore,
    private readonly events: BillingPublisher,
  ) {}

  /**
   * Orders calls this as it places an order (its internal client, signed as `orders`: the caller
   * guard let it through). One invoice per order, under the order's id: called again, or after
   * `order.created` invoiced the order already (see ../events.ts), it answers that invoice.
   */
  createInvoice({ body }: CreateInvoiceRequest, { log, req }: OperationContext<'internal', 'internal'>) {
    const earlier = this.invoices.get(body.orderId);
    if (earlier) return createInvoiceReply.created(earlier);
    const invoice: Invoice = { ...body, id: body.orderId, paidAt: null };
    this.invoices.put(invoice);
    log.info(
      {
        invoiceId: invoice.id,
        orderId: invoice.orderId,
        amount: `${invoice.amount.amount} ${invoice.amount.currency}`,
        via: 'createInvoice',
        // Verified by the caller guard: the service whose signed call this is.
        caller: req.get(CALLER_HEADERS.caller),
      },
      'invoice created',
    );
    return createInvoiceReply.created(invoice);
  }

  getInvoice({ params }: GetInvoiceRequest) {
    const invoice = this.invoices.get(params.id);
    return invoice ? getInvoiceReply.ok(invoice) : getInvoiceReply.notFound(noSuchInvoice);
  }

  async payInvoice({ params, body }: PayInvoiceRequest, { requestId, log }: OperationContext<'internal', 'internal'>) {
    const invoice = this.invoices.get(params.id);
    if (!invoice) return payInvoiceReply.notFound(noSuchInvoice);
    // Paid once: paying again answers the paid invoice, and announces nothing new.
    if (invoice.paidAt !== null) return payInvoiceReply.ok(invoice);
    if (body.method === 'card' && body.token === DECLINED_CARD) {
      return payInvoiceReply.paymentRequired(problem(402, 'Payment declined', 'the card was declined'));
    }
    const paid: Invoice = { ...invoice, payment: body, paidAt: new Date().toISOString() };
    this.invoices.put(paid);
    log.info({ invoiceId: paid.id, orderId: paid.orderId }, 'invoice paid');
    try {
      // Orders marks the order paid and the mailer sends a receipt when they read this.
      await this.events.publishInvoicePaid({ invoiceId: paid.id, orderId: paid.orderId }, { requestId });
    } catch (error) {
      this.invoices.put(invoice);
      throw error;
    }
    return payInvoiceReply.ok(paid);
  }
}
