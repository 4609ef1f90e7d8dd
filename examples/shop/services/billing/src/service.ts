/** Starts the billing service: its HTTP API, its consumer of `order.created`, its publisher of `invoice.paid`. */
import { createBillingConsumers, createBillingPublisher } from '#generated/events/billing/index.js';
import { billingPort } from '#generated/routers/billing/index.js';
import { listen } from '../../../lib/http.js';
import type { RunningService, ServiceOptions } from '../../../lib/service.js';
import { createApp } from './app.js';
import { billingHandlers } from './events.js';
import { InvoiceStore } from './store.js';

export interface RunningBilling extends RunningService {
  url: string;
  invoices: InvoiceStore;
}

export async function startBilling(options: ServiceOptions): Promise<RunningBilling> {
  const { broker, prefix = '', logger, consumer } = options;
  const invoices = new InvoiceStore();
  const publisher = createBillingPublisher(broker, { prefix });
  const consumers = createBillingConsumers(billingHandlers(invoices), {
    broker,
    prefix,
    ...(logger ? { logger } : {}),
    ...(consumer ? { consumer } : {}),
  });
  await consumers.start();
  try {
    const app = createApp(invoices, publisher, options.settings, logger);
    const http = await listen(app, options.port ?? billingPort, options.host ?? '127.0.0.1');
    return {
      name: 'billing',
      url: http.url,
      invoices,
      async stop() {
        await consumers.stop();
        await http.close();
      },
    };
  } catch (error) {
    await consumers.stop();
    throw error;
  }
}
