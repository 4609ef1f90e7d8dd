/** What billing does with the events it consumes (spec/events.yaml). */
import type { BillingHandlers } from '#generated/events/billing/index.js';
import type { InvoiceStore } from './store.js';

export function billingHandlers(invoices: InvoiceStore): BillingHandlers {
  return {
    /**
     * An order was placed: invoice it, if orders' call to createInvoice did not already. This is
     * now the fallback, for when that call failed (billing slow or down): the invoice takes the
     * order's id, one invoice per order, so after the call, or on a second delivery of the same
     * message (delivery is at least once), it finds the invoice and does nothing.
     */
    orderCreated(message, { logger }) {
      if (invoices.get(message.orderId)) return;
      invoices.put({ id: message.orderId, orderId: message.orderId, amount: message.total, paidAt: null });
      logger.info(
        {
          invoiceId: message.orderId,
          orderId: message.orderId,
          amount: `${message.total.amount} ${message.total.currency}`,
          via: 'order.created',
        },
        'invoice created',
      );
    },
  };
}
