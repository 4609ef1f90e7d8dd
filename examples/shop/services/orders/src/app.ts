/** The orders service's composition: the generated app, its controllers, the caller guard, and how to check each scheme. */
import type { Express, Logger } from '@specfirst/runtime';
import { createOrdersApp } from '#generated/routers/orders/index.js';
import { callerGuard } from '../../../lib/internal.js';
import type { Settings } from '../../../lib/settings.js';
import { customerOf, sameSecret } from '../../../lib/tokens.js';
import { AdminOrdersControllerImpl } from './controllers/admin-orders.js';
import { OrdersControllerImpl, type PlaceOrderDeps } from './controllers/orders.js';
import type { OrderStore } from './store.js';

export function createApp(orders: OrderStore, deps: PlaceOrderDeps, settings: Settings, logger?: Logger): Express {
  return createOrdersApp(
    { orders: new OrdersControllerImpl(orders, deps), adminOrders: new AdminOrdersControllerImpl(orders) },
    {
      // The mailer's purgeCarts comes signed as `mailer`; a call from a service with no edge gets a 403.
      callerGuard: callerGuard('orders', settings),
      authenticate: {
        bearer: (req) => customerOf(req.get('authorization'), settings.secret),
        apiKey: (req) => (sameSecret(req.get('x-api-key'), settings.apiKey) ? { client: 'api-key' } : null),
      },
      ...(logger ? { logger } : {}),
    },
  );
}
