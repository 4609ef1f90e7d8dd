/**
 * Start-up errors of createWorker and createTasks (SFR1301–SFR1308), caused the way a user would
 * cause them, with their codes, messages and hints; and the producer's refusals of names and waits
 * that only JavaScript callers can pass (SFR4302).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { SpecFirstRuntimeError } from '../../src/errors.js';
import { memoryTaskBackend } from '../../src/tasks/memory-backend.js';
import { createTasks } from '../../src/tasks/producer.js';
import { sandboxed } from '../../src/tasks/sandbox.js';
import type { TaskBackend, TaskDefinition, WorkerOptions } from '../../src/tasks/types.js';
import { createWorker, WORKER_DEFAULTS } from '../../src/tasks/worker.js';
import { recordingLogger } from '../support.js';
import { chargeTask, purgeCartsTask, sendReceiptTask, type OrdersTaskMap } from './support.js';

const backends: TaskBackend[] = [];
afterEach(async () => {
  await Promise.all(backends.splice(0).map((backend) => backend.close()));
});
function backend(): TaskBackend {
  const made = memoryTaskBackend();
  backends.push(made);
  return made;
}

const definitions = (): Record<string, TaskDefinition> => ({
  sendReceipt: sendReceiptTask() as TaskDefinition,
  purgeCarts: purgeCartsTask() as TaskDefinition,
});
const handlers = () => ({ sendReceipt: () => ({ messageId: 'm' }), purgeCarts: () => undefined });
const worker =
  (
    overrides: {
      service?: unknown;
      definitions?: Record<string, unknown>;
      handlers?: unknown;
      options?: Partial<WorkerOptions> | null;
    } = {},
  ) =>
  () =>
    createWorker(
      (overrides.service ?? 'mailer') as string,
      (overrides.definitions ?? definitions()) as Record<string, TaskDefinition>,
      (overrides.handlers ?? handlers()) as ReturnType<typeof handlers>,
      overrides.options === null
        ? (undefined as unknown as WorkerOptions)
        : { backend: backend(), logger: recordingLogger(), ...overrides.options },
    );

const BACKEND_HINT =
  'pass memoryTaskBackend() from @specfirst/runtime/tasks, or bullmqTaskBackend(url) from @specfirst/runtime/tasks/bullmq';
const TABLE_HINT =
  'task tables are generated from spec/tasks.yaml: run `specfirst sync` again rather than editing them';

const cases: [string, string, () => unknown, string, string][] = [
  [
    'SFR1301',
    'no options',
    worker({ options: null }),
    'the worker of `mailer` has no task backend (options.backend)',
    BACKEND_HINT,
  ],
  [
    'SFR1301',
    'a backend that is not one',
    worker({ options: { backend: { add: () => [] } as unknown as TaskBackend } }),
    'the worker of `mailer` has no task backend (options.backend): the one given has no outcome, process, upsertSchedule, scheduleIds, removeSchedule',
    BACKEND_HINT,
  ],
  [
    'SFR1301',
    'createTasks without a backend',
    () => createTasks(definitions(), {} as { backend: TaskBackend }),
    'createTasks has no task backend (options.backend)',
    BACKEND_HINT,
  ],
  [
    'SFR1302',
    'no service name',
    worker({ service: '' }),
    'createWorker needs the name of the worker service; got ""',
    'pass the service name of spec/services.yaml: it names the queue (generated create<Worker>Worker do)',
  ],
  [
    'SFR1303',
    "another worker's task",
    worker({
      definitions: { ...definitions(), charge: chargeTask({ worker: 'billing' }) },
      handlers: { ...handlers(), charge: () => ({ orderId: 'o' }) },
    }),
    'the worker of `mailer` is given task `charge`, which worker `billing` runs',
    'give each worker only its own tasks: `charge` goes to the queue of `billing` (generated create<Worker>Worker do)',
  ],
  [
    'SFR1304',
    'a task without a handler',
    worker({ handlers: { sendReceipt: () => ({ messageId: 'm' }) } }),
    'the worker of `mailer` has no handler function for task `purgeCarts`',
    "pass { purgeCarts: (args, context) => … }: the worker's generated handlers interface lists them",
  ],
  [
    'SFR1304',
    'handlers that are not functions, or none at all',
    worker({ handlers: { sendReceipt: 'send', purgeCarts: null } }),
    'the worker of `mailer` has no handler function for tasks `sendReceipt`, `purgeCarts`',
    "pass { sendReceipt: (args, context) => …, purgeCarts: (args, context) => … }: the worker's generated handlers interface lists them",
  ],
  [
    'SFR1305',
    'a handler for a task the worker does not run',
    worker({ handlers: { ...handlers(), refund: () => null } }),
    'the worker of `mailer` is given a handler for `refund`, which it does not run (it runs `sendReceipt`, `purgeCarts`)',
    'remove the handler, or declare the task with this worker in spec/tasks.yaml and run `specfirst sync`',
  ],
  [
    'SFR1306',
    'concurrency 0',
    worker({ options: { concurrency: 0 } }),
    'options.concurrency of the worker of `mailer` must be a positive integer; got 0',
    'leave it unset for the default (1), or give a whole number of 1 or more',
  ],
  [
    'SFR1306',
    'a fractional concurrency',
    worker({ options: { concurrency: 2.5 } }),
    'options.concurrency of the worker of `mailer` must be a positive integer; got 2.5',
    'leave it unset for the default (1), or give a whole number of 1 or more',
  ],
  [
    'SFR1306',
    'a negative shutdown timeout',
    worker({ options: { shutdownTimeoutMs: -1 } }),
    'options.shutdownTimeoutMs of the worker of `mailer` must be a positive integer; got -1',
    'leave it unset for the default (10000), or give a whole number of 1 or more',
  ],
  [
    'SFR1307',
    'a definition edited out of range',
    worker({
      definitions: {
        ...definitions(),
        sendReceipt: sendReceiptTask({ retry: { attempts: 0, backoff: 'fixed', delayMs: -1 }, timeoutMs: 0 }),
      },
    }),
    'the definition of task `sendReceipt` is out of range: retry.attempts must be at least 1, retry.delayMs must be 0 or more, timeoutMs must be a whole number of 1 or more',
    TABLE_HINT,
  ],
  [
    'SFR1307',
    'a definition without its validator, in createTasks',
    () =>
      createTasks(
        { charge: chargeTask({ validateArgs: undefined as unknown as TaskDefinition['validateArgs'] }) },
        { backend: backend() },
      ),
    'the definition of task `charge` is out of range: validateArgs must be the precompiled validator',
    TABLE_HINT,
  ],
  [
    'SFR1308',
    'a definition under another name',
    () => createTasks({ receipt: sendReceiptTask() }, { backend: backend() }),
    'the task definitions list `receipt` with task `sendReceipt`',
    'list each task under its own name: { sendReceipt: sendReceiptTask } (generated code does)',
  ],
];

describe('start-up errors of tasks', () => {
  it.each(cases)('%s: %s', (code, _, make, problem, hint) => {
    let thrown: unknown;
    try {
      make();
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(SpecFirstRuntimeError);
    expect(thrown).toMatchObject({ code, hint, message: `${code} ${problem}; ${hint}` });
  });

  it('accepts the defaults and the smallest values', () => {
    expect(WORKER_DEFAULTS).toEqual({ concurrency: 1, shutdownTimeoutMs: 10000 });
    expect(worker({ options: { concurrency: 1, shutdownTimeoutMs: 1 } })()).toMatchObject({
      start: expect.any(Function),
      stop: expect.any(Function),
    });
  });

  it('leaves the handlers of a sandboxed module to the sandbox: no handler object is needed', () => {
    expect(() => worker({ handlers: sandboxed(new URL('./handlers.js', import.meta.url)) })()).not.toThrow();
  });
});

describe('names and waits only JavaScript callers can get wrong (SFR4302)', () => {
  const tasks = () =>
    createTasks<OrdersTaskMap>({ charge: chargeTask(), sendReceipt: sendReceiptTask() }, { backend: backend() });

  it.each<[string, () => Promise<unknown>, RegExp]>([
    [
      "a chain's step of a task the producer does not enqueue",
      () => tasks().chain({ task: 'charge', args: { amount: 1 } }, 'refund' as 'sendReceipt'),
      /^SFR4302 step 2 of the chain names task "refund", which is not one of this producer's \(charge, sendReceipt\); /,
    ],
    [
      "a group's step of a task the producer does not enqueue",
      () => tasks().group([{ task: 'purgeCarts', args: {} }]),
      /^SFR4302 step 1 of the group names task "purgeCarts", which is not one of this producer's \(charge, sendReceipt\); /,
    ],
    [
      'a wait for a result that is negative',
      async () => (await tasks().enqueue(chargeTask(), { amount: 1 })).result({ timeoutMs: -1 }),
      /^SFR4302 result\(\) options\.timeoutMs must be a whole number of ms from 0 to 2147483647; got -1; /,
    ],
  ])('refuses %s', async (_, act, message) => {
    await expect(act()).rejects.toMatchObject({
      name: 'TaskOptionsError',
      code: 'SFR4302',
      message: expect.stringMatching(message),
    });
  });
});
