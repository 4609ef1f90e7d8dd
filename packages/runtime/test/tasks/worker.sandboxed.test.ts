/**
 * A worker whose handlers are sandboxed (child processes), on the memory backend: the handlers run
 * in children, a handler that ignores its time limit (a blocked event loop) fails the attempt at the
 * limit and its process is killed, and a module that throws on import, or lacks a handler for one
 * of the worker's tasks, fails start() before any job is taken.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { memoryTaskBackend } from '../../src/tasks/memory-backend.js';
import { createTasks } from '../../src/tasks/producer.js';
import { sandboxed } from '../../src/tasks/sandbox.js';
import type { TaskBackend, TaskDefinition, TaskWorker } from '../../src/tasks/types.js';
import { createWorker } from '../../src/tasks/worker.js';
import { recordingLogger } from '../support.js';
import { chargeTask, purgeCartsTask, sendReceiptTask, type OrdersTaskMap } from './support.js';

const MODULE = new URL('./fixtures/mailer-handlers.mjs', import.meta.url);

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('a worker with sandboxed handlers', { timeout: 30_000 }, () => {
  const opened: { backend: TaskBackend; worker: TaskWorker }[] = [];
  afterEach(async () => {
    for (const { backend, worker } of opened.splice(0)) {
      await worker.stop();
      await backend.close();
    }
  });

  function setup(definitions: Record<string, TaskDefinition>, exportName = 'default', module: URL = MODULE) {
    const backend = memoryTaskBackend();
    const worker = createWorker('mailer', definitions, sandboxed(module, exportName), {
      backend,
      logger: recordingLogger(),
      concurrency: 1,
      shutdownTimeoutMs: 1000,
    });
    opened.push({ backend, worker });
    return { backend, worker, tasks: createTasks<OrdersTaskMap>(definitions, { backend }) };
  }
  const definitions = (timeoutMs?: number): Record<string, TaskDefinition> => ({
    sendReceipt: sendReceiptTask({
      retry: { attempts: 1, backoff: 'fixed', delayMs: 10 },
      ...(timeoutMs === undefined ? {} : { timeoutMs }),
    }) as TaskDefinition,
    charge: chargeTask() as TaskDefinition,
    purgeCarts: purgeCartsTask() as TaskDefinition,
  });

  it('runs the handlers in a child process, with the args validated and defaults applied', async () => {
    const { worker, tasks } = setup(definitions());
    await worker.start();
    const handle = await tasks.chain({ task: 'charge', args: { amount: 4 } }, 'sendReceipt');
    const outcome = await handle.result({ timeoutMs: 15_000 });
    expect(outcome).toMatchObject({ status: 'completed', result: { messageId: 'm-o-4-1' } });
    const { pid } = (outcome as unknown as { result: { pid: number } }).result;
    expect(pid).not.toBe(process.pid);
  });

  it('fails a handler that blocks past its time limit as time-limit, and kills its process', async () => {
    const { worker, tasks } = setup(definitions(500));
    await worker.start();
    const seen = await (await tasks.enqueue(sendReceiptTask(), { orderId: 'first' })).result({ timeoutMs: 15_000 });
    const firstPid = (seen as unknown as { result: { pid: number } }).result.pid;
    const stuck = await tasks.enqueue(definitions(500).sendReceipt!, { orderId: 'spin' });
    expect(await stuck.result({ timeoutMs: 15_000 })).toMatchObject({
      status: 'failed',
      failure: { reason: 'time-limit', attempts: 1 },
    });
    // The child that ran it (the pool's only one, as concurrency is 1) is killed within killAfterMs.
    const until = Date.now() + 8000;
    while (alive(firstPid) && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(alive(firstPid)).toBe(false);
    // A new child takes the next job.
    const next = await (await tasks.enqueue(sendReceiptTask(), { orderId: 'next' })).result({ timeoutMs: 15_000 });
    expect(next).toMatchObject({ status: 'completed', result: { messageId: 'm-next-1' } });
  });

  it.each<[string, string, URL, string]>([
    ['the module throws on import', 'SFR1320', new URL('./fixtures/throws-on-import.mjs', import.meta.url), 'default'],
    ['the module has no handler for one of its tasks', 'SFR1322', MODULE, 'incomplete'],
  ])('fails start() when %s (%s), before any job is taken or schedule made', async (_, code, module, exportName) => {
    const { worker, backend, tasks } = setup(definitions(), exportName, module);
    const waiting = await tasks.enqueue(sendReceiptTask(), { orderId: 'o-1' });
    await expect(worker.start()).rejects.toMatchObject({ code });
    // Nothing took the job (it would have failed or completed by now), and purgeCarts got no schedule.
    expect(await waiting.result({ timeoutMs: 300 })).toEqual({ status: 'unfinished' });
    expect(await backend.scheduleIds('mailer')).toEqual([]);
  });

  it('refuses a module path that is not absolute at createWorker (SFR1324)', () => {
    expect(() =>
      createWorker('mailer', definitions(), sandboxed('./mailer-handlers.mjs'), { backend: memoryTaskBackend() }),
    ).toThrow(expect.objectContaining({ code: 'SFR1324' }));
  });
});
