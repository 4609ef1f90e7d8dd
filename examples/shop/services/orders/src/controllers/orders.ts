import { randomUUID } from 'node:crypto';
import type { OperationContext } from '@specfirst/runtime';
import type { OrdersPublisher } from '#generated/events/orders/index.js';
import type { Order } from '#generated/models.js';
import {
  cancelOrderReply,
  getOrderReply,
  listOrdersReply,
  placeOrderReply,
  type CancelOrderRequest,
  type GetOrderRequest,
  type ListOrdersRequest,
  type OrdersController,
  type PlaceOrderRequest,
} from '#generated/routers/orders/orders.js';
import { problem } from '../../../../lib/problems.js';
import type { OrderStore } from '../store.js';

type Context = OperationContext<'apiKey' | 'bearer'>;

/** A customer sees its own orders; an API-key client or an admin, all of them. */
const mayAccess = ({ principals }: Context, order: Order | undefined): order is Order =>
  order !== undefined &&
  (principals.apiKey !== undefined ||
    principals.bearer?.role === 'admin' ||
    principals.bearer?.userId === order.userId);

const noSuchOrder = problem(404, 'No such order');

export class OrdersControllerImpl implements OrdersController {
  constructor(
    private readonly orders: OrderStore,
    private readonly events: OrdersPublisher,
  ) {}

  async placeOrder({ headers, body }: PlaceOrderRequest, context: Context) {
    const customer = context.principals.bearer;
    if (customer && customer.role !== 'admin' && customer.userId !== body.userId) {
      return placeOrderReply.unprocessableContent(problem(422, 'Not your account', 'userId must be your own id'));
    }
    // The same Idempotency-Key from the same caller places one order, however often it is sent.
    const key = headers['Idempotency-Key'] && `${customer?.userId ?? 'api-key'}:${headers['Idempotency-Key']}`;
    const earlier = key && this.orders.placedWith(key);
    if (earlier) return placeOrderReply.created(earlier, { Location: `/api/orders/${earlier.id}` });

    const [currency, ...others] = new Set(body.items.map((item) => item.unitPrice.currency));
    if (currency === undefined || others.length > 0) {
      return placeOrderReply.unprocessableContent(
        problem(422, 'Mixed currencies', 'every item must be in one currency'),
      );
    }
    const amount = body.items.reduce((sum, item) => sum + item.quantity * item.unitPrice.amount, 0);
    const order: Order = {
      ...body,
      id: randomUUID(),
      status: 'pending',
      total: { amount, currency },
      createdAt: new Date().toISOString(),
    };
    this.orders.add(order, key || undefined);
    context.log.info({ orderId: order.id, total: `${amount} ${currency}` }, 'order placed');
    try {
      // Billing invoices the order when it reads this. (With a database, write the order and the
      // message in one transaction through the outbox, so that neither exists without the other.)
      await this.events.publishOrderCreated(
        { orderId: order.id, userId: order.userId, total: order.total },
        { requestId: context.requestId },
      );
    } catch (error) {
      this.orders.remove(order.id);
      throw error;
    }
    return placeOrderReply.created(order, { Location: `/api/orders/${order.id}` });
  }

  getOrder({ params }: GetOrderRequest, context: Context) {
    const order = this.orders.get(params.orderId);
    return mayAccess(context, order) ? getOrderReply.ok(order) : getOrderReply.notFound(noSuchOrder);
  }

  listOrders({ query }: ListOrdersRequest, context: Context) {
    const orders = this.orders
      .list()
      .filter((order) => mayAccess(context, order) && (query.status === undefined || order.status === query.status));
    return listOrdersReply.ok(orders.slice(0, query.limit));
  }

  cancelOrder({ params }: CancelOrderRequest, context: Context) {
    const order = this.orders.get(params.orderId);
    if (!mayAccess(context, order)) return cancelOrderReply.notFound(noSuchOrder);
    if (order.status === 'shipped') {
      return cancelOrderReply.conflict(problem(409, 'Already shipped', 'a shipped order cannot be cancelled'));
    }
    this.orders.setStatus(order.id, 'cancelled');
    return cancelOrderReply.noContent();
  }
}
