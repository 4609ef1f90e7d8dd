import type { TopicDefinition } from '../../src/events/types.js';
import { validator } from '../support.js';

export interface OrderCreated {
  orderId: string;
  customer: string;
  total: number;
}

const ORDER_CREATED_SCHEMA = {
  type: 'object',
  required: ['orderId', 'customer', 'total'],
  properties: {
    orderId: { type: 'string', minLength: 1 },
    customer: { type: 'string' },
    total: { type: 'number', minimum: 0 },
  },
  additionalProperties: false,
};

/** The `order.created` topic as generated code declares it; `overrides` change its delivery settings. */
export function orderCreatedTopic(
  overrides: Partial<TopicDefinition<OrderCreated>> = {},
): TopicDefinition<OrderCreated> {
  return {
    name: 'order.created',
    messageType: 'OrderCreated',
    version: 1,
    retry: { attempts: 5, backoff: 'fixed', delayMs: 10 },
    claimAfterMs: 30000,
    startFrom: 'beginning',
    concurrency: 1,
    validate: validator(ORDER_CREATED_SCHEMA),
    ...overrides,
  };
}

export function order(n: number, customer = 'ada'): OrderCreated {
  return { orderId: `o${n}`, customer, total: n };
}
