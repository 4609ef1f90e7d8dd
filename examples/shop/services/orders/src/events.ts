/** What orders does with the events it consumes (spec/events.yaml). */
import type { OrdersHandlers } from '#generated/events/orders/index.js';
import type { OrderStore } from './store.js';

export function orderHandlers(orders: OrderStore): OrdersHandlers {
  return {
    /** Billing was paid: the order is paid. Delivered at least once, so a second delivery changes nothing. */
    invoicePaid(message, { logger }) {
      const order = orders.get(message.orderId);
      // Thrown, the entry is retried with the topic's backoff, then dead-lettered: never dropped.
      if (!order)
        throw new Error(`invoice ${message.invoiceId} is for order ${message.orderId}, which orders does not know`);
      if (order.status === 'pending') {
        orders.setStatus(order.id, 'paid');
        logger.info({ orderId: order.id }, 'order paid');
      } else if (order.status !== 'paid') {
        logger.warn({ orderId: order.id, status: order.status }, 'invoice paid for an order that is not pending');
      }
    },
  };
}
