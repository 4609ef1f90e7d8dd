import type { OperationContext } from '@specfirst/runtime';
import {
  purgeCartsReply,
  refundOrderReply,
  type AdminOrdersController,
  type PurgeCartsRequest,
  type RefundOrderRequest,
} from '#generated/routers/orders/admin-orders.js';
import { problem } from '../../../../lib/problems.js';
import type { OrderStore } from '../store.js';

export class AdminOrdersControllerImpl implements AdminOrdersController {
  constructor(private readonly orders: OrderStore) {}

  /** Support staff (a bearer token and the API key): a paid order is cancelled and its refund started. */
  refundOrder(
    { params }: RefundOrderRequest,
    { principals, log }: OperationContext<'apiKey' | 'bearer', 'apiKey' | 'bearer'>,
  ) {
    const order = this.orders.get(params.orderId);
    if (!order) return refundOrderReply.notFound(problem(404, 'No such order'));
    if (order.status === 'paid') this.orders.setStatus(order.id, 'cancelled');
    log.info({ orderId: order.id, by: principals.bearer.userId }, 'refund started');
    return refundOrderReply.accepted();
  }

  /**
   * The mailer's `purgeCarts` task, with the API key: a cart is an order still `pending` (placed,
   * never paid); those placed more than `olderThanDays` ago are deleted. Running it twice deletes
   * nothing more, so a retried or repeated job is harmless.
   */
  purgeCarts({ body }: PurgeCartsRequest, { log }: OperationContext<'apiKey', 'apiKey'>) {
    const before = new Date(Date.now() - body.olderThanDays * DAY_MS);
    const stale = this.orders
      .list()
      .filter((order) => order.status === 'pending' && Date.parse(order.createdAt) < before.getTime());
    for (const order of stale) this.orders.remove(order.id);
    if (stale.length > 0) log.info({ purged: stale.length, before: before.toISOString() }, 'carts purged');
    return purgeCartsReply.ok({ purged: stale.length, before: before.toISOString() });
  }
}

const DAY_MS = 24 * 60 * 60 * 1000;
