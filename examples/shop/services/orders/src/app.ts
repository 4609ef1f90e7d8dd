/** The orders service's composition: the generated app, its controllers, and how to check each scheme. */
import type { Express, Logger } from '@specfirst/runtime';
import type { OrdersPublisher } from '#generated/events/orders/index.js';
import { createOrdersApp } from '#generated/routers/orders/index.js';
import type { Settings } from '../../../lib/settings.js';
import { customerOf, sameSecret } from '../../../lib/tokens.js';
import { AdminOrdersControllerImpl } from './controllers/admin-orders.js';
import { OrdersControllerImpl } from './controllers/orders.js';
import type { OrderStore } from './store.js';

export function createApp(orders: OrderStore, events: OrdersPublisher, settings: Settings, logger?: Logger): Express {
  return createOrdersApp(
    { orders: new OrdersControllerImpl(orders, events), adminOrders: new AdminOrdersControllerImpl(orders) },
    {
      authenticate: {
        bearer: (req) => customerOf(req.get('authorization'), settings.secret),
        apiKey: (req) => (sameSecret(req.get('x-api-key'), settings.apiKey) ? { client: 'api-key' } : null),
      },
      ...(logger ? { logger } : {}),
    },
  );
}
