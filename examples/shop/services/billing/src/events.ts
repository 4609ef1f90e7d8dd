/** What billing does with the events it consumes (spec/events.yaml). */
import type { BillingHandlers } from '#generated/events/billing/index.js';
import type { InvoiceStore } from './store.js';

export function billingHandlers(invoices: InvoiceStore): BillingHandlers {
  return {
    /**
     * An order was placed: invoice it. The invoice takes the order's id, one invoice per order, so
     * a second delivery of the same message (delivery is at least once) finds it and does nothing.
     */
    orderCreated(message, { logger }) {
      if (invoices.get(message.orderId)) return;
      invoices.put({ id: message.orderId, orderId: message.orderId, amount: message.total, paidAt: null });
      logger.info(
        { invoiceId: message.orderId, amount: `${message.total.amount} ${message.total.currency}` },
        'invoice created',
      );
    },
  };
}
