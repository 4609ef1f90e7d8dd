import type { OperationContext } from '@specfirst/runtime';
import {
  refundOrderReply,
  type AdminOrdersController,
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
}
