/** What the mailer does with the jobs of its queue (spec/tasks.yaml): it is the worker of both tasks. */
import { randomUUID } from 'node:crypto';
import type { OrdersInternalClient } from '#generated/internal/mailer/orders.js';
import type { MailerTaskHandlers } from '#generated/tasks/mailer/index.js';
import type { Mailbox } from './mailbox.js';

export function mailerTasks(mailbox: Mailbox, orders: OrdersInternalClient): MailerTaskHandlers {
  return {
    /**
     * Orders enqueued it once the order was paid. A job runs at least once: a worker killed after
     * sending and before the job completed runs it again. So the receipt of an order is sent once,
     * and a second run answers with the first one's `Message-ID`.
     */
    async sendReceipt({ orderId, email }, { logger }) {
      const earlier = await mailbox.find(orderId);
      if (earlier) {
        logger.warn({ orderId, messageId: earlier.messageId }, 'receipt already sent');
        return { messageId: earlier.messageId };
      }
      const receipt = {
        messageId: `<${randomUUID()}@shop.example>`,
        orderId,
        to: email,
        subject: `Your receipt for order ${orderId}`,
        sentAt: new Date().toISOString(),
      };
      await mailbox.send(receipt);
      logger.info({ orderId, to: email, messageId: receipt.messageId }, 'receipt sent');
      return { messageId: receipt.messageId };
    },

    /**
     * On its schedule (every 10 s in this example), with `olderThanDays` at its default: orders
     * deletes its carts, the orders never paid, placed before then. The signal aborts the call at
     * the task's time limit; a failed call is retried with the task's backoff.
     */
    async purgeCarts({ olderThanDays }, { logger, signal }) {
      const { body } = await orders.purgeCarts({ body: { olderThanDays } }, { signal });
      logger.info({ purged: body.purged, olderThanDays }, 'carts purged');
    },
  };
}
