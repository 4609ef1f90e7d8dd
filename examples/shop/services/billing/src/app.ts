/** The billing service's composition: the generated app, its controller, the caller guard, and the internal token check. */
import type { Express, Logger } from '@specfirst/runtime';
import type { BillingPublisher } from '#generated/events/billing/index.js';
import { createBillingApp } from '#generated/routers/billing/index.js';
import { callerGuard } from '../../../lib/internal.js';
import type { Settings } from '../../../lib/settings.js';
import { sameSecret } from '../../../lib/tokens.js';
import { InvoicesControllerImpl } from './controllers/invoices.js';
import type { InvoiceStore } from './store.js';

export function createApp(
  invoices: InvoiceStore,
  events: BillingPublisher,
  settings: Settings,
  logger?: Logger,
): Express {
  return createBillingApp(
    { invoices: new InvoicesControllerImpl(invoices, events) },
    {
      // Orders' createInvoice comes signed as `orders`; a call from a service with no edge gets a 403.
      callerGuard: callerGuard('billing', settings),
      authenticate: {
        internal: (req) =>
          sameSecret(req.get('x-internal-token'), settings.internalToken) ? { client: 'internal' } : null,
      },
      ...(logger ? { logger } : {}),
    },
  );
}
