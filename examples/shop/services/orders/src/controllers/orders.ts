import { randomUUID } from 'node:crypto';
import type { OperationContext } from '@specfirst/runtime';
import type { OrdersPublisher } from '#generated/events/orders/index.js';
import type { BillingInternalClient } from '#generated/internal/orders/billing.js';
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

/** What placing an order tells the others: billing, called directly, and everyone, through `order.created`. */
export interface PlaceOrderDeps {
  events: OrdersPublisher;
  /** Billing's API (spec/services.yaml: orders `consumes.operations: [billing.createInvoice]`). */
  billing: BillingInternalClient;
}

export class OrdersControllerImpl implements OrdersController {
  constructor(
    private readonly orders: OrderStore,
    private readonly deps: PlaceOrderDeps,
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
    await this.invoice(order, context);
    try {
      // Whoever cares reads this; billing invoices the order from it if the call above failed.
      // (With a database, write the order and the message in one transaction through the outbox,
      // so that neither exists without the other. Here, an order whose message cannot be written
      // is undone, and the invoice billing made for it stays unpaid: it is never shown a customer.)
      await this.deps.events.publishOrderCreated(
        { orderId: order.id, userId: order.userId, total: order.total },
        { requestId: context.requestId },
      );
    } catch (error) {
      this.orders.remove(order.id);
      throw error;
    }
    return placeOrderReply.created(order, { Location: `/api/orders/${order.id}` });
  }

  /**
   * Billing invoices the order now, through orders' internal client: the call carries orders'
   * signed identity and this request's id and trace. Billing keeps one invoice per order, under the
   * order's id. If billing is slow or down, the order is placed all the same: billing's handler of
   * `order.created` invoices it when it reads the message.
   */
  private async invoice(order: Order, context: Context): Promise<void> {
    try {
      const reply = await this.deps.billing.createInvoice(
        { body: { orderId: order.id, amount: order.total } },
        { signal: context.signal },
      );
      if (reply.status !== 201) {
        context.log.warn(
          { orderId: order.id, status: reply.status, detail: reply.body.detail },
          'billing did not invoice the order; order.created will',
        );
      }
    } catch (error) {
      context.log.warn(
        { orderId: order.id, error: error instanceof Error ? error.message : String(error) },
        'billing could not be called; order.created will invoice the order',
      );
    }
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
