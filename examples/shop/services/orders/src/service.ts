/** Starts the orders service: its HTTP API, its publisher of `order.created`, its consumer of `invoice.paid`. */
import { createOrdersConsumers, createOrdersPublisher } from '#generated/events/orders/index.js';
import { ordersPort } from '#generated/routers/orders/index.js';
import { listen } from '../../../lib/http.js';
import type { RunningService, ServiceOptions } from '../../../lib/service.js';
import { createApp } from './app.js';
import { orderHandlers } from './events.js';
import { OrderStore } from './store.js';

export interface RunningOrders extends RunningService {
  url: string;
  orders: OrderStore;
}

export async function startOrders(options: ServiceOptions): Promise<RunningOrders> {
  const { broker, prefix = '', logger, consumer } = options;
  const orders = new OrderStore();
  const publisher = createOrdersPublisher(broker, { prefix });
  const consumers = createOrdersConsumers(orderHandlers(orders), {
    broker,
    prefix,
    ...(logger ? { logger } : {}),
    ...(consumer ? { consumer } : {}),
  });
  await consumers.start();
  try {
    const app = createApp(orders, publisher, options.settings, logger);
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
