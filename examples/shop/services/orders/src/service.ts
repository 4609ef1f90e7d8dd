/** Starts the orders service: its HTTP API, its publisher of `order.created`, its consumer of `invoice.paid`, its tasks. */
import { createUsersClient } from '#generated/clients/users.js';
import { createOrdersConsumers, createOrdersPublisher } from '#generated/events/orders/index.js';
import { ordersPort } from '#generated/routers/orders/index.js';
import { usersPort } from '#generated/routers/users/index.js';
import { createOrdersTasks } from '#generated/tasks/orders/index.js';
import { listen } from '../../../lib/http.js';
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
    users: createUsersClient({ baseUrl: options.peers?.users ?? `http://localhost:${usersPort}` }),
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
    const app = createApp(orders, publisher, settings, logger);
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
