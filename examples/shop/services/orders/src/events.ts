/** What orders does with the events it consumes (spec/events.yaml). */
import type { EventContext } from '@specfirst/runtime/events';
import type { OrdersHandlers } from '#generated/events/orders/index.js';
import type { UsersInternalClient } from '#generated/internal/orders/users.js';
import type { Order } from '#generated/models.js';
import type { OrdersTasks } from '#generated/tasks/orders/index.js';
import { issueToken } from '../../../lib/tokens.js';
import type { OrderStore } from './store.js';

export interface OrderHandlerDeps {
  orders: OrderStore;
  /** Enqueues the mailer's tasks (spec/tasks.yaml: orders `consumes.tasks: [sendReceipt]`). */
  tasks: OrdersTasks;
  /** Users' API (spec/services.yaml: orders `consumes.operations: [users.getUser]`), for the customer's e-mail. */
  users: UsersInternalClient;
  /** Signs the bearer tokens users checks (`SHOP_SECRET`). */
  secret: string;
}

export function orderHandlers({ orders, tasks, users, secret }: OrderHandlerDeps): OrdersHandlers {
  /**
   * The customer's e-mail, asked of users on the customer's behalf, through orders' internal client
   * (signed as orders, with the id and trace of the message being handled); undefined when users
   * does not know them.
   */
  const emailOf = async (order: Order, signal: AbortSignal): Promise<string | undefined> => {
    // A token for the order's customer, a minute long: users shows it that customer's account only.
    const token = issueToken({ userId: order.userId, role: 'customer' }, new Date(Date.now() + 60_000), secret);
    const reply = await users.getUser(
      { params: { id: order.userId } },
      { headers: { authorization: `Bearer ${token}` }, signal },
    );
    return reply.status === 200 ? reply.body.email : undefined;
  };

  /** Enqueues the receipt of a paid order, once per invoice, whatever the deliveries of `invoice.paid`. */
  const sendReceipt = async (
    order: Order,
    invoiceId: string,
    { logger, signal, requestId, traceparent }: EventContext,
  ) => {
    const email = await emailOf(order, signal);
    if (email === undefined) {
      logger.warn({ orderId: order.id, userId: order.userId }, 'no receipt: users does not know the customer');
      return;
    }
    // The job id is the invoice's: a second delivery of this message (at least once) finds the job
    // and adds nothing, so the receipt is sent once.
    const job = await tasks.enqueueSendReceipt(
      { orderId: order.id, email },
      {
        jobId: `receipt-${invoiceId}`,
        ...(requestId === undefined ? {} : { requestId }),
        ...(traceparent === undefined ? {} : { traceparent }),
      },
    );
    logger.info({ orderId: order.id, jobId: job.id }, 'receipt enqueued');
  };

  return {
    /**
     * Billing was paid: the order is paid, and its receipt goes to the mailer's queue. Delivered at
     * least once, so a second delivery changes nothing: the order is already paid, the job exists.
     */
    async invoicePaid(message, context) {
      const order = orders.get(message.orderId);
      // Thrown, the entry is retried with the topic's backoff, then dead-lettered: never dropped.
      if (!order)
        throw new Error(`invoice ${message.invoiceId} is for order ${message.orderId}, which orders does not know`);
      if (order.status === 'pending') {
        orders.setStatus(order.id, 'paid');
        context.logger.info({ orderId: order.id }, 'order paid');
      } else if (order.status !== 'paid') {
        context.logger.warn(
          { orderId: order.id, status: order.status },
          'invoice paid for an order that is not pending',
        );
        return;
      }
      // If users cannot be reached, or the queue, this throws and the message is delivered again:
      // the order is paid by then, and the receipt is enqueued on that delivery.
      await sendReceipt(order, message.invoiceId, context);
    },
  };
}
