import { afterAll, describe, expect, it } from 'vitest';
import { createServiceApp, type ServiceOptions } from '../../src/app.js';
import type { OperationContext } from '../../src/context.js';
import { createInternalClient } from '../../src/internal/client.js';
import { currentCallContext } from '../../src/internal/call-context.js';
import type { InternalClientTable } from '../../src/internal/types.js';
import type { OperationDefinition } from '../../src/operation.js';
import { listen, operation, recordingLogger } from '../support.js';

/**
 * Three services on real ports, each its own service app: `web` calls `orders.placeOrder`, whose
 * controller calls `users.getUser` through an internal client. What each hop received shows that
 * the chain shares one request id and one trace.
 */
const closers: (() => Promise<void>)[] = [];
afterAll(() => Promise.all(closers.map((close) => close())));

interface Hop {
  service: string;
  requestId: string;
  traceparent: string;
  header: string | undefined;
  contextInside: ReturnType<typeof currentCallContext>;
}

function table(caller: string, callee: string, name: string, method: string, path: string): InternalClientTable {
  return {
    caller,
    callee,
    urlEnv: `${callee.toUpperCase()}_URL`,
    defaultUrl: `http://${callee}:3000`,
    keyEnv: `SPECFIRST_KEY_${caller.toUpperCase()}_TO_${callee.toUpperCase()}`,
    basePath: '/api',
    operations: { [name]: { method, path, statuses: ['200'] } },
  };
}

async function service(
  name: string,
  definition: OperationDefinition,
  answer: (context: OperationContext) => Promise<unknown>,
  hops: Hop[],
  options: ServiceOptions = {},
): Promise<string> {
  const controller = {
    [definition.method]: async (_request: unknown, context: OperationContext) => {
      hops.push({
        service: name,
        requestId: context.requestId,
        traceparent: context.traceparent,
        header: context.req.get('traceparent'),
        contextInside: currentCallContext(),
      });
      return { status: 200, body: await answer(context) };
    },
  };
  const app = createServiceApp(
    { basePath: '/api', tags: [{ operations: [definition], controller }] },
    { logger: recordingLogger(), docs: false, ...options },
  );
  const { url, close } = await listen(app);
  closers.push(close);
  return url;
}

async function chain(): Promise<{ hops: Hop[]; webUrl: string }> {
  const hops: Hop[] = [];
  const usersUrl = await service('users', operation('getUser', 'get', '/users/:id'), async () => ({ id: '7' }), hops);
  const users = createInternalClient(table('orders', 'users', 'getUser', 'get', '/users/{id}'), { baseUrl: usersUrl });
  const ordersUrl = await service(
    'orders',
    operation('placeOrder', 'post', '/orders'),
    async () => (await users.getUser!({ params: { id: '7' } })).body,
    hops,
  );
  const orders = createInternalClient(table('web', 'orders', 'placeOrder', 'post', '/orders'), { baseUrl: ordersUrl });
  const webUrl = await service(
    'web',
    operation('checkout', 'post', '/checkout'),
    async () => (await orders.placeOrder!({})).body,
    hops,
  );
  return { hops, webUrl };
}

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const INCOMING = `00-${TRACE_ID}-00f067aa0ba902b7-01`;

describe('a chain of internal calls', () => {
  it('shares the request id and the trace id of the first request, each hop with a new parent id', async () => {
    const { hops, webUrl } = await chain();
    const response = await fetch(`${webUrl}/api/checkout`, {
      method: 'POST',
      headers: { 'x-request-id': 'checkout-1', traceparent: INCOMING },
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ id: '7' });
    expect(hops.map((h) => [h.service, h.requestId])).toEqual([
      ['web', 'checkout-1'],
      ['orders', 'checkout-1'],
      ['users', 'checkout-1'],
    ]);
    expect(hops.map((h) => h.traceparent.split('-')[1])).toEqual([TRACE_ID, TRACE_ID, TRACE_ID]);
    // web got the client's traceparent; each next hop got a child: same trace, a parent id of its own.
    expect(hops[0]!.header).toBe(INCOMING);
    const parents = hops.map((h) => h.traceparent.split('-')[2]);
    expect(new Set(parents).size).toBe(3);
    for (const hop of hops) {
      expect(hop.header).toBe(hop.traceparent);
      expect(hop.contextInside).toEqual({ requestId: 'checkout-1', traceparent: hop.traceparent });
    }
  });

  it('starts a trace where the first request has none (or an invalid one), and the chain still shares it', async () => {
    for (const traceparent of [undefined, '00-xyz-00f067aa0ba902b7-01', `ff-${TRACE_ID}-00f067aa0ba902b7-01`]) {
      const { hops, webUrl } = await chain();
      const response = await fetch(`${webUrl}/api/checkout`, {
        method: 'POST',
        headers: traceparent === undefined ? {} : { traceparent },
      });
      expect(response.status).toBe(200);
      const requestId = response.headers.get('x-request-id');
      expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
      expect(hops.map((h) => h.requestId)).toEqual([requestId, requestId, requestId]);
      const traceId = hops[0]!.traceparent.split('-')[1];
      expect(hops[0]!.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
      expect(traceId).not.toBe(TRACE_ID);
      expect(hops.map((h) => h.traceparent.split('-')[1])).toEqual([traceId, traceId, traceId]);
    }
  });
});
