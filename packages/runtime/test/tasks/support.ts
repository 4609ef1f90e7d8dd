/**
 * Task definitions as generated code declares them (validators compiled here at run time, as
 * `specfirst sync` compiles them ahead), for the tests of the producer, the worker and its stages.
 */
import type { TaskDefinition } from '../../src/tasks/types.js';
import { validator } from '../support.js';

export interface SendReceiptArgs {
  orderId: string;
  /** Default 1. */
  copies?: number;
}
export interface SendReceiptResult {
  messageId: string;
}
export interface ChargeArgs {
  amount: number;
}
export interface ChargeResult {
  orderId: string;
}
export interface PurgeCartsArgs {
  /** Default 30. */
  olderThanDays?: number;
}

const SEND_RECEIPT_ARGS = {
  type: 'object',
  required: ['orderId'],
  properties: {
    orderId: { type: 'string', minLength: 1 },
    copies: { type: 'integer', minimum: 1, default: 1 },
  },
  additionalProperties: false,
};
const SEND_RECEIPT_RESULT = {
  type: 'object',
  required: ['messageId'],
  properties: { messageId: { type: 'string' } },
};
const CHARGE_ARGS = {
  type: 'object',
  required: ['amount'],
  properties: { amount: { type: 'number', minimum: 0 } },
};
const CHARGE_RESULT = {
  type: 'object',
  required: ['orderId'],
  properties: { orderId: { type: 'string' } },
};
const PURGE_CARTS_ARGS = {
  type: 'object',
  properties: { olderThanDays: { type: 'integer', minimum: 1, default: 30 } },
  additionalProperties: false,
};

/** The mailer's `sendReceipt`: args with a default, a result model; `overrides` change its settings. */
export function sendReceiptTask(
  overrides: Partial<TaskDefinition<SendReceiptArgs, SendReceiptResult>> = {},
): TaskDefinition<SendReceiptArgs, SendReceiptResult> {
  return {
    name: 'sendReceipt',
    worker: 'mailer',
    argsType: 'SendReceiptArgs',
    resultType: 'SendReceiptResult',
    retry: { attempts: 3, backoff: 'fixed', delayMs: 10 },
    validateArgs: validator(SEND_RECEIPT_ARGS),
    validateResult: validator(SEND_RECEIPT_RESULT),
    ...overrides,
  };
}

/** The mailer's `charge`: its result (`{ orderId }`) fits `sendReceipt`'s args, for chains. */
export function chargeTask(
  overrides: Partial<TaskDefinition<ChargeArgs, ChargeResult>> = {},
): TaskDefinition<ChargeArgs, ChargeResult> {
  return {
    name: 'charge',
    worker: 'mailer',
    argsType: 'ChargeArgs',
    resultType: 'ChargeResult',
    retry: { attempts: 1, backoff: 'fixed', delayMs: 10 },
    validateArgs: validator(CHARGE_ARGS),
    validateResult: validator(CHARGE_RESULT),
    ...overrides,
  };
}

/** The mailer's scheduled `purgeCarts`: no result model; `{}` is valid args. */
export function purgeCartsTask(
  overrides: Partial<TaskDefinition<PurgeCartsArgs, void>> = {},
): TaskDefinition<PurgeCartsArgs, void> {
  return {
    name: 'purgeCarts',
    worker: 'mailer',
    argsType: 'PurgeCartsArgs',
    retry: { attempts: 2, backoff: 'fixed', delayMs: 10 },
    schedule: '0 3 * * *',
    validateArgs: validator(PURGE_CARTS_ARGS),
    ...overrides,
  };
}

/** What the orders service enqueues: generated as `OrdersTaskMap`. */
export interface OrdersTaskMap {
  charge: { args: ChargeArgs; result: ChargeResult };
  sendReceipt: { args: SendReceiptArgs; result: SendReceiptResult };
  // eslint-disable-next-line @typescript-eslint/no-invalid-void-type -- as generated: no result model
  purgeCarts: { args: PurgeCartsArgs; result: void };
}
