import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { createConsumers } from '../../src/events/consumer.js';
import { memoryBroker } from '../../src/events/memory-broker.js';
import { brokerSink, publish } from '../../src/events/publish.js';
import type { Consumers } from '../../src/events/types.js';
import { createInternalClient } from '../../src/internal/client.js';
import { memoryTaskBackend } from '../../src/tasks/memory-backend.js';
import { createTasks } from '../../src/tasks/producer.js';
import type { TaskDefinition, TaskWorker } from '../../src/tasks/types.js';
import { createWorker } from '../../src/tasks/worker.js';
import { waitFor } from '../events/consumer-behaviour.js';
import { order, orderCreatedTopic } from '../events/support.js';
import { recordingLogger } from '../support.js';
import { sendReceiptTask } from '../tasks/support.js';
import { json, rawServer, usersTable } from './support.js';

/**
 * Event handlers and task handlers run inside the call context of their message or job: an
 * internal call a handler makes reaches the callee (a real server) with the request id and the
 * trace of the request that published or enqueued it.
 */
const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
const TRACEPARENT = `00-${TRACE_ID}-b7ad6b7169203331-01`;

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function users() {
  const server = await rawServer((_req, res) => json(res, 200, { id: '7' }));
  cleanups.push(server.close);
  const client = createInternalClient(usersTable(), { baseUrl: server.url, env: {} });
  return { server, client };
}

const seen = (server: Awaited<ReturnType<typeof users>>['server']) =>
  server.requests.map((r) => ({
    requestId: r.headers['x-request-id'],
    traceId: String(r.headers.traceparent).split('-')[1],
  }));

describe('handlers run inside the call context of their message or job', () => {
  it('an event handler passes on the request id and trace of the message it handles', async () => {
    const { server, client } = await users();
    const broker = memoryBroker();
    const prefix = `test:${randomUUID()}:`;
    const topic = orderCreatedTopic();
    const consumers: Consumers = createConsumers(
      'billing',
      [{ topic, handler: async (message) => void (await client.getUser!({ params: { id: message.orderId } })) }],
      { broker, prefix, logger: recordingLogger(), blockMs: 50, shutdownTimeoutMs: 2000, consumer: 'billing-1' },
    );
    cleanups.push(async () => {
      await consumers.stop();
      await broker.close();
    });
    await consumers.start();
    const sink = brokerSink(broker, { prefix });
    await publish(sink, topic, order(1), { id: 'm1', requestId: 'place-1', traceparent: TRACEPARENT });
    await publish(sink, topic, order(2), { id: 'm2' });
    await waitFor(() => server.requests.length === 2, 'both internal calls');
    const [first, second] = seen(server);
    expect(first).toEqual({ requestId: 'place-1', traceId: TRACE_ID });
    // A message without a trace starts one; it has no request id to pass on.
    expect(second!.requestId).toBeUndefined();
    expect(second!.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(second!.traceId).not.toBe(TRACE_ID);
  });

  it('a task handler passes on the request id and trace of its job', async () => {
    const { server, client } = await users();
    const backend = memoryTaskBackend();
    const definitions = { sendReceipt: sendReceiptTask() } as Record<string, TaskDefinition>;
    const worker: TaskWorker = createWorker(
      'mailer',
      definitions,
      {
        sendReceipt: async ({ orderId }: { orderId: string }) => {
          await client.getUser!({ params: { id: orderId } });
          return { messageId: `m-${orderId}` };
        },
      },
      { backend, logger: recordingLogger(), shutdownTimeoutMs: 2000 },
    );
    cleanups.push(async () => {
      await worker.stop();
      await backend.close();
    });
    await worker.start();
    const tasks = createTasks(definitions, { backend });
    const handle = await tasks.enqueue(
      sendReceiptTask(),
      { orderId: 'o1' },
      {
        requestId: 'place-2',
        traceparent: TRACEPARENT,
      },
    );
    expect(await handle.result({ timeoutMs: 8000 })).toEqual({ status: 'completed', result: { messageId: 'm-o1' } });
    expect(seen(server)).toEqual([{ requestId: 'place-2', traceId: TRACE_ID }]);
  });
});
