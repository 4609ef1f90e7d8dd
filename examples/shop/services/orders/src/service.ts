/** Starts the orders service: its HTTP API, its publisher of `order.created`, its consumer of `invoice.paid`, its tasks. */
import { createOrdersConsumers, createOrdersPublisher } from '#generated/events/orders/index.js';
import { createBillingInternalClient } from '#generated/internal/orders/billing.js';
import { createUsersInternalClient } from '#generated/internal/orders/users.js';
import { ordersPort } from '#generated/routers/orders/index.js';
import { createOrdersTasks } from '#generated/tasks/orders/index.js';
import { listen } from '../../../lib/http.js';
import { internalClientOptions } from '../../../lib/internal.js';
import { tasksOf, type RunningService, type ServiceOptions } from '../../../lib/service.js';
import { createApp } from './app.js';
import { orderHandlers } from './events.js';
import { OrderStore } from './store.js';

export interface RunningOrders extends RunningService {
  url: string;
  orders: OrderStore;
}

export async function startOrders(options: ServiceOptions): Promise<RunningOrders> {
  const { broker, prefix = '', logger, consumer, settings } = options;
  const orders = new OrderStore();
  const publisher = createOrdersPublisher(broker, { prefix });
  const handlers = orderHandlers({
    orders,
    tasks: createOrdersTasks(tasksOf('orders', options)),
    users: createUsersInternalClient(internalClientOptions(settings, 'orders', 'users', options.peers?.users)),
    secret: settings.secret,
  });
  const consumers = createOrdersConsumers(handlers, {
    broker,
    prefix,
    ...(logger ? { logger } : {}),
    ...(consumer ? { consumer } : {}),
  });
  await consumers.start();
  try {
    // Billing invoices an order as it is placed: one attempt (a POST is never retried) of at most
    // 2 s, so a slow billing delays no customer for long; `order.created` is the fallback.
    const billing = createBillingInternalClient(
      internalClientOptions(settings, 'orders', 'billing', options.peers?.billing, {
        timeoutMs: 2000,
        retries: 0,
        headers: { 'x-internal-token': settings.internalToken },
      }),
    );
    const app = createApp(orders, { events: publisher, billing }, settings, logger);
    const http = await listen(app, options.port ?? ordersPort, options.host ?? '127.0.0.1');
    return {
      name: 'orders',
      url: http.url,
      orders,
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
