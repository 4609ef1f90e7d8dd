import { randomUUID } from 'node:crypto';
import { jsonLogger } from '@specfirst/runtime';
import type * as M from '../generated/models.js';
import { type AdminOrdersController } from '../generated/routers/orders/admin-orders.js';
import { createOrdersApp } from '../generated/routers/orders/index.js';
import { cancelOrderReply, placeOrderReply, type OrdersController } from '../generated/routers/orders/orders.js';
import './principals.js';

export class InMemoryOrders implements OrdersController {
  readonly orders = new Map<string, M.Order>();
  seen: { principals: unknown; idempotencyKey: string | undefined; query: unknown }[] = [];

  placeOrder: OrdersController['placeOrder'] = (request, context) => {
    this.seen.push({ principals: context.principals, idempotencyKey: request.headers['Idempotency-Key'], query: request.query });
    const total = request.body.items.reduce((sum, item) => sum + item.quantity * item.unitPrice.amount, 0);
    const order: M.Order = {
      ...request.body,
      id: randomUUID(),
      status: 'pending',
      total: { amount: total, currency: request.body.items[0]!.unitPrice.currency },
      createdAt: new Date(0).toISOString(),
    };
    this.orders.set(order.id, order);
    // A controller bug the compiler would catch without the cast: the declared Location header is missing.
    if (request.headers['Idempotency-Key'] === 'forget-location') return { status: 201, body: order } as unknown as ReturnType<typeof placeOrderReply.created>;
    return placeOrderReply.created(order, { Location: `/api/orders/${order.id}` });
  };

  getOrder: OrdersController['getOrder'] = (request) => {
    const order = this.orders.get(request.params.orderId);
    return order ? { status: 200, body: order } : { status: 404, body: { type: 'about:blank', title: 'No such order', status: 404 } };
  };

  listOrders: OrdersController['listOrders'] = (request) => {
    this.seen.push({ principals: undefined, idempotencyKey: undefined, query: request.query });
    const orders = [...this.orders.values()].filter((o) => request.query.status === undefined || o.status === request.query.status);
    return { status: 200, body: orders.slice(0, request.query.limit) };
  };

  cancelOrder: OrdersController['cancelOrder'] = (request) => {
    const order = this.orders.get(request.params.orderId);
    if (!order) return cancelOrderReply.notFound({ type: 'about:blank', title: 'No such order', status: 404 });
    this.orders.set(order.id, { ...order, status: 'cancelled' });
    return cancelOrderReply.noContent();
  };
}

export class RecordingAdminOrders implements AdminOrdersController {
  readonly principals: unknown[] = [];
  readonly refundedBy: string[] = [];
  refundOrder: AdminOrdersController['refundOrder'] = (_request, context) => {
    this.principals.push(context.principals);
    // Both schemes are required here, so both principals are typed as present: no `?.`.
    this.refundedBy.push(`${context.principals.bearer.userId}/${context.principals.apiKey.key}`);
    return { status: 202 };
  };
}

/**
 * The orders service, logging through the runtime's own JSON logger into `logs` (one JSON line per
 * entry) instead of standard error: tests read what it logs, and a green run prints nothing.
 */
export function ordersApp(orders = new InMemoryOrders(), adminOrders = new RecordingAdminOrders(), logs: string[] = []) {
  const app = createOrdersApp(
    { orders, adminOrders },
    {
      logger: jsonLogger('info', (line) => logs.push(line)),
      authenticate: {
        bearer: (req) => (req.headers.authorization === 'Bearer good-token' ? { userId: 'u1' } : null),
        apiKey: (req) => (req.headers['x-api-key'] === 'k-123' ? { key: 'k-123' } : undefined),
      },
    },
  );
  return { app, orders, adminOrders, logs };
}
