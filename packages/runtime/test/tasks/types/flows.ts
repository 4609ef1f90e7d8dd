/**
 * Compile-time checks of typed chains and groups (and of the shapes generated code hands the runtime), compiled by the real TypeScript compiler in
 * flows-types.test.ts (once as it is: no error, so each `@ts-expect-error` below is an error; once
 * without those comments: the errors the test expects, with their messages). Never run.
 */
import type {
  SandboxedHandlers,
  TaskBackend,
  TaskFlows,
  TaskGroup,
  TaskHandle,
  TaskHandler,
  TaskOutcome,
  TaskProducer,
  TaskWorker,
} from '../../../src/tasks/index.js';
import { createTasks, createWorker, sandboxed } from '../../../src/tasks/index.js';
import {
  chargeTask,
  purgeCartsTask,
  sendReceiptTask,
  type ChargeResult,
  type OrdersTaskMap,
  type PurgeCartsArgs,
  type SendReceiptArgs,
  type SendReceiptResult,
} from '../support.js';

/** true when A and B are the same type (not merely assignable). */
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
/** `is<Expected>()(value, true)` compiles only when `value` is exactly of type Expected. */
const is =
  <Expected>() =>
  <Actual>(_value: Actual, _same: Equal<Actual, Expected>): void =>
    undefined;

// A generated map is an interface (no index signature): it satisfies TaskMap, and extends like generated code does.
interface OrdersTasks extends TaskFlows<OrdersTaskMap> {
  enqueueSendReceipt(args: OrdersTaskMap['sendReceipt']['args']): Promise<TaskHandle<SendReceiptResult>>;
}

export async function flows(backend: TaskBackend, orders: OrdersTasks): Promise<void> {
  const tasks: TaskProducer<OrdersTaskMap> = createTasks<OrdersTaskMap>(
    { charge: chargeTask(), sendReceipt: sendReceiptTask() },
    { backend },
  );

  // enqueue: the definition types the args and the handle.
  const receipt = await tasks.enqueue(sendReceiptTask(), { orderId: 'o1' });
  is<TaskHandle<SendReceiptResult>>()(receipt, true);
  const outcome = await receipt.result({ timeoutMs: 1000 });
  if (outcome.status === 'completed') is<SendReceiptResult>()(outcome.result, true);
  // The args of sendReceipt need an orderId.
  // @ts-expect-error ENQUEUE-ARGS
  await tasks.enqueue(sendReceiptTask(), { copies: 2 });

  // chain: each step's args accept the result before; the handle is of the last task.
  const single = await tasks.chain({ task: 'charge', args: { amount: 5 } });
  is<TaskHandle<ChargeResult>>()(single, true);
  const chained = await tasks.chain(
    { task: 'charge', args: { amount: 5 }, options: { jobId: 'order-1' } },
    'sendReceipt',
  );
  is<TaskHandle<SendReceiptResult>>()(chained, true);
  const viaGenerated = await orders.chain({ task: 'charge', args: { amount: 1 } }, 'sendReceipt');
  is<TaskHandle<SendReceiptResult>>()(viaGenerated, true);
  // @ts-expect-error MISMATCH-1
  await tasks.chain({ task: 'sendReceipt', args: { orderId: 'o1' } }, 'charge');
  // @ts-expect-error MISMATCH-2
  await tasks.chain({ task: 'charge', args: { amount: 5 } }, 'sendReceipt', 'sendReceipt');
  // A result of void (purgeCarts has no result model) feeds no task that needs args.
  // @ts-expect-error MISMATCH-VOID
  await tasks.chain({ task: 'purgeCarts', args: {} }, 'sendReceipt');
  // @ts-expect-error UNKNOWN-TASK
  await tasks.chain({ task: 'charge', args: { amount: 5 } }, 'refund');
  // @ts-expect-error FIRST-ARGS
  await tasks.chain({ task: 'charge', args: { amount: 'five' } }, 'sendReceipt');

  // group: a typed tuple of handles and outcomes, each task with its own args.
  const group = await tasks.group([
    { task: 'charge', args: { amount: 5 } },
    { task: 'sendReceipt', args: { orderId: 'o1', copies: 2 } },
  ]);
  is<TaskGroup<[ChargeResult, SendReceiptResult]>>()(group, true);
  is<[TaskHandle<ChargeResult>, TaskHandle<SendReceiptResult>]>()(group.handles, true);
  const results = await group.results({ timeoutMs: 1000 });
  is<[TaskOutcome<ChargeResult>, TaskOutcome<SendReceiptResult>]>()(results, true);
  const empty = await tasks.group([]);
  is<TaskGroup<[]>>()(empty, true);
  // @ts-expect-error GROUP-ARGS
  await tasks.group([{ task: 'charge', args: { orderId: 'o1' } }]);
}

// A generated handlers interface (no index signature) is what createWorker takes, or its sandboxed module.
interface MailerTaskHandlers {
  sendReceipt: TaskHandler<SendReceiptArgs, SendReceiptResult>;
  purgeCarts: TaskHandler<PurgeCartsArgs, void>;
}

export function workers(
  backend: TaskBackend,
  handlers: MailerTaskHandlers | SandboxedHandlers<MailerTaskHandlers>,
): TaskWorker[] {
  const definitions = { sendReceipt: sendReceiptTask(), purgeCarts: purgeCartsTask() };
  return [
    createWorker('mailer', definitions, handlers, { backend }),
    createWorker('mailer', definitions, sandboxed<MailerTaskHandlers>('/srv/mailer/tasks.js'), { backend }),
  ];
}

// Args with arrays keep their mutable types in a group's steps.
interface NotifyTaskMap {
  notify: { args: { to: string[] }; result: number };
}
export async function arrays(notifications: TaskProducer<NotifyTaskMap>): Promise<void> {
  const group = await notifications.group([{ task: 'notify', args: { to: ['ada', 'bob'] } }]);
  is<TaskGroup<[number]>>()(group, true);
  const chained = await notifications.chain({ task: 'notify', args: { to: [] } });
  is<TaskHandle<number>>()(chained, true);
}

// A result with a field the next task's (closed) args do not have is refused at run time (SFR4303), so it does not compile.
interface BillingTaskMap {
  invoice: { args: { amount: number }; result: { orderId: string; total: number } };
  invoiceLines: { args: { amount: number }; result: { orderId: string; lines: { sku: string; qty: number }[] } };
  order: { args: { amount: number }; result: { orderId: string; copies?: number } };
  sendReceipt: { args: SendReceiptArgs; result: SendReceiptResult };
  archive: { args: { orderId: string; lines: { sku: string }[] }; result: null };
  anything: { args: Record<string, unknown>; result: number };
  either: { args: { orderId: string; total: number } | { orderId: string; copies: number }; result: null };
}
export async function extraFields(billing: TaskProducer<BillingTaskMap>): Promise<void> {
  // Fields the args have (optional ones too), args that take any field, or a union member with the field: fine.
  is<TaskHandle<SendReceiptResult>>()(await billing.chain({ task: 'order', args: { amount: 1 } }, 'sendReceipt'), true);
  is<TaskHandle<number>>()(await billing.chain({ task: 'invoice', args: { amount: 1 } }, 'anything'), true);
  is<TaskHandle<null>>()(await billing.chain({ task: 'invoice', args: { amount: 1 } }, 'either'), true);
  // @ts-expect-error EXTRA-FIELD
  await billing.chain({ task: 'invoice', args: { amount: 5 } }, 'sendReceipt');
  // @ts-expect-error EXTRA-NESTED
  await billing.chain({ task: 'invoiceLines', args: { amount: 5 } }, 'archive');
}
