/** What the mailer does with the events it consumes (spec/events.yaml). */
import type { MailerHandlers } from '#generated/events/mailer/index.js';
import type { Receipts } from './receipts.js';

export function mailerHandlers(receipts: Receipts): MailerHandlers {
  return {
    /**
     * An invoice was paid: send its receipt, once per invoice. A real mailer would hand it to SMTP
     * here; this one logs it and keeps it.
     */
    invoicePaid(message, { logger }) {
      if (receipts.of(message.invoiceId)) return;
      receipts.record({ ...message, sentAt: new Date().toISOString() });
      logger.info({ invoiceId: message.invoiceId, orderId: message.orderId }, 'receipt sent');
    },
  };
}
