import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { Express } from 'express';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { FRAMEWORK_RESPONSES, type FrameworkStatus } from '@specfirst/spec-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildProject, REPO_ROOT } from './support/project.js';
import { listen, send, type Sent } from './support/http.js';

/**
 * The shop fixture, generated, compiled by tsc, and served by real Express apps on ephemeral
 * ports. The controllers in `projects/shop/src` are what a user would write in `services/`.
 */
interface UsersModule {
  usersApp(): { app: Express; users: { lastListQuery: unknown }; logs: string[] };
  realWorldStyleApp(): { app: Express };
  docsElsewhereApp(): { app: Express };
  EXPLODING_ID: string;
  BROKEN_ID: string;
  LEAKY_ID: string;
  PASSWORD_ID: string;
}
interface OrdersModule {
  ordersApp(): {
    app: Express;
    orders: { seen: { principals: unknown; idempotencyKey: unknown; query: unknown }[] };
    adminOrders: { principals: unknown[]; refundedBy: string[] };
    logs: string[];
  };
}

let usersBase: string;
let ordersBase: string;
let users: ReturnType<UsersModule['usersApp']>;
let orders: ReturnType<OrdersModule['ordersApp']>;
let usersModule: UsersModule;
let dist: string;
let root: string;
const servers: Server[] = [];
const AUTH = { authorization: 'Bearer good-token' };

beforeAll(async () => {
  const built = await buildProject('shop', path.join(REPO_ROOT, 'fixtures/shop'), {
    sources: path.join(import.meta.dirname, 'projects/shop/src'),
  });
  dist = built.dist;
  root = built.root;
  usersModule = (await import(pathToFileURL(path.join(dist, 'src/users.js')).href)) as UsersModule;
  const ordersModule = (await import(pathToFileURL(path.join(dist, 'src/orders.js')).href)) as OrdersModule;
  users = usersModule.usersApp();
  orders = ordersModule.ordersApp();
  const u = await listen(users.app);
  const o = await listen(orders.app);
  servers.push(u.server, o.server);
  usersBase = u.url;
  ordersBase = o.url;
}, 120_000);

afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
});

const ADA = { email: 'ada@example.com', name: 'Ada Lovelace', password: 'correct horse battery' };

function pointers(response: Sent): string[] {
  return (response.json as { errors: { pointer: string }[] }).errors.map((e) => e.pointer).sort();
}

describe('requests that match the spec reach the controller', () => {
  it('body: createUser answers 201 with the stored user, the default role filled in and no password', async () => {
    const response = await send(usersBase, 'POST', '/api/users', { json: ADA });
    expect(response.status).toBe(201);
    expect(response.json).toMatchObject({ email: ADA.email, name: ADA.name, role: 'customer' });
    expect(response.json).not.toHaveProperty('password');
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  });

  it('path: getUser finds the user by its uuid', async () => {
    const created = await send(usersBase, 'POST', '/api/users', { json: { ...ADA, email: 'grace@example.com' } });
    const id = (created.json as { id: string }).id;
    const response = await send(usersBase, 'GET', `/api/users/${id}`, { headers: AUTH });
    expect(response.status).toBe(200);
    expect(response.json).toMatchObject({ id, email: 'grace@example.com' });
  });

  it('query: strings are coerced to the declared types and defaults are applied', async () => {
    let response = await send(usersBase, 'GET', '/api/users?limit=2&role=admin', { headers: AUTH });
    expect(response.status).toBe(200);
    expect(users.users.lastListQuery).toEqual({ limit: 2, role: 'admin' });
    response = await send(usersBase, 'GET', '/api/users', { headers: AUTH });
    expect(response.status).toBe(200);
    expect(users.users.lastListQuery).toEqual({ limit: 20 });
  });

  it('headers: a declared header reaches the controller under its spec name, and response headers are sent', async () => {
    const order = {
      userId: '9b2f3f4e-6a7b-4c8d-9e0f-112233445566',
      items: [{ sku: 'BOOK-1', quantity: 2, unitPrice: { amount: 1250, currency: 'EUR' } }],
      shippingAddress: { line1: '1 Main St', city: 'Paris', postcode: '75001', country: 'FR' },
    };
    const response = await send(ordersBase, 'POST', '/api/orders', {
      json: order,
      headers: { ...AUTH, 'Idempotency-Key': 'key-1' },
    });
    expect(response.status).toBe(201);
    expect(response.json).toMatchObject({ status: 'pending', total: { amount: 2500, currency: 'EUR' } });
    expect(response.headers.get('location')).toBe(`/api/orders/${(response.json as { id: string }).id}`);
    expect(orders.orders.seen.at(-1)).toMatchObject({
      idempotencyKey: 'key-1',
      principals: { bearer: { userId: 'u1' } },
    });
  });

  it('response validation refuses a result without a header its response declares', async () => {
    const order = {
      userId: '9b2f3f4e-6a7b-4c8d-9e0f-112233445566',
      items: [{ sku: 'BOOK-1', quantity: 1, unitPrice: { amount: 100, currency: 'EUR' } }],
      shippingAddress: { line1: '1 Main St', city: 'Paris', postcode: '75001', country: 'FR' },
    };
    const logged = orders.logs.length;
    const response = await send(ordersBase, 'POST', '/api/orders', {
      json: order,
      headers: { ...AUTH, 'Idempotency-Key': 'forget-location' },
    });
    expect(response.status).toBe(500);
    expect(pointers(response)).toEqual(['/headers/Location']);
    // The operator learns about the controller bug from the log: one error entry naming the operation and the failure.
    const entries = orders.logs.slice(logged).map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(entries).toEqual([
      expect.objectContaining({
        level: 'error',
        msg: 'the controller result does not match the declared response',
        operationId: 'placeOrder',
        status: 201,
        failures: [{ pointer: '/headers/Location', message: 'is required by the declared response' }],
      }),
    ]);
  });

  it('a response without body is sent as such (204)', async () => {
    const placed = await send(ordersBase, 'POST', '/api/orders', {
      headers: AUTH,
      json: {
        userId: '9b2f3f4e-6a7b-4c8d-9e0f-112233445566',
        items: [{ sku: 'A', quantity: 1, unitPrice: { amount: 1, currency: 'EUR' } }],
        shippingAddress: { line1: 'x', city: 'y', postcode: 'z', country: 'FR' },
      },
    });
    const response = await send(ordersBase, 'POST', `/api/orders/${(placed.json as { id: string }).id}/cancel`, {
      headers: { 'x-api-key': 'k-123' },
    });
    expect(response.status).toBe(204);
    expect(response.text).toBe('');
  });
});

describe('requests that break the spec get a 400 problem naming each failure', () => {
  it('body: wrong format, missing field and unknown property are all listed with JSON pointers', async () => {
    const response = await send(usersBase, 'POST', '/api/users', {
      json: { email: 'not-an-email', password: 'correct horse battery', isAdmin: true },
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(response.json).toMatchObject({ status: 400, type: 'https://specfirst.dev/problems/validation-failed' });
    expect(pointers(response)).toEqual(['/body/email', '/body/isAdmin', '/body/name']);
  });

  it('body: a read-only field sent on create is refused', async () => {
    const response = await send(usersBase, 'POST', '/api/users', {
      json: { ...ADA, email: 'x@example.com', id: '9b2f3f4e-6a7b-4c8d-9e0f-112233445566' },
    });
    expect(response.status).toBe(400);
    expect(pointers(response)).toEqual(['/body/id']);
  });

  it('body: nested failures point into the nested value', async () => {
    const response = await send(usersBase, 'POST', '/api/users', {
      json: { ...ADA, email: 'n@example.com', address: { line1: '', city: 'x', postcode: 'y', country: 'gb' } },
    });
    expect(response.status).toBe(400);
    expect(pointers(response)).toEqual(['/body/address/country', '/body/address/line1']);
  });

  it('path: a malformed id is refused before the controller runs', async () => {
    const response = await send(usersBase, 'GET', '/api/users/not-a-uuid', { headers: AUTH });
    expect(response.status).toBe(400);
    expect(pointers(response)).toEqual(['/params/id']);
  });

  it('query: a value that cannot be coerced, or is out of range, is refused', async () => {
    for (const query of ['limit=abc', 'limit=500', 'role=root', 'limit=1&limit=2']) {
      const response = await send(usersBase, 'GET', `/api/users?${query}`, { headers: AUTH });
      expect(response.status, query).toBe(400);
      expect(pointers(response)[0], query).toMatch(/^\/query\/(limit|role)$/);
    }
  });

  it('headers: a declared header that breaks its schema is refused', async () => {
    const response = await send(ordersBase, 'POST', '/api/orders', {
      headers: { ...AUTH, 'Idempotency-Key': 'k'.repeat(65) },
      json: {},
    });
    expect(response.status).toBe(400);
    expect(pointers(response)).toContain('/headers/Idempotency-Key');
    expect(pointers(response)).toContain('/body/items');
  });

  it('malformed JSON, a missing body, a wrong content type and an oversized body are told apart', async () => {
    let response = await send(usersBase, 'POST', '/api/users', {
      raw: '{"email": ',
      headers: { 'content-type': 'application/json' },
    });
    expect(response.status).toBe(400);
    expect(response.json).toMatchObject({ title: 'The request body is not valid JSON' });
    response = await send(usersBase, 'POST', '/api/users', {});
    expect(response.status).toBe(400);
    expect(pointers(response)).toEqual(['/body']);
    response = await send(usersBase, 'POST', '/api/users', {
      raw: 'email=a',
      headers: { 'content-type': 'text/plain' },
    });
    expect(response.status).toBe(415);
    response = await send(usersBase, 'POST', '/api/users', { json: { ...ADA, name: 'x'.repeat(2_000_000) } });
    expect(response.status).toBe(413);
  });

  it('many failures are capped at 20, and the detail says how many there were', async () => {
    const items = Array.from({ length: 30 }, () => ({
      sku: 'lower-case',
      quantity: 0,
      unitPrice: { amount: -1, currency: 'eur' },
    }));
    const response = await send(ordersBase, 'POST', '/api/orders', {
      headers: AUTH,
      json: { userId: 'x', items, shippingAddress: {} },
    });
    expect(response.status).toBe(400);
    const problem = response.json as { errors: unknown[]; detail: string };
    expect(problem.errors).toHaveLength(20);
    expect(problem.detail).toMatch(/^\d+ problems in the request \(the first 20 are listed\)$/);
  });

  it('a __proto__ key in a body pollutes nothing', async () => {
    const response = await send(usersBase, 'POST', '/api/users', {
      raw: JSON.stringify({ ...ADA, email: 'p@example.com' }).replace('{', '{"__proto__": {"polluted": true},'),
      headers: { 'content-type': 'application/json' },
    });
    expect(response.status).toBe(400);
    expect(pointers(response)).toEqual(['/body/__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('a service can answer validation failures its own way', () => {
  it('maps the failures to its declared error shape (RealWorld: 422 {"errors": {"body": [...]}})', async () => {
    const { server, url } = await listen(usersModule.realWorldStyleApp().app);
    servers.push(server);
    const response = await send(url, 'POST', '/api/users', {
      json: { email: 'nope', password: 'correct horse battery' },
    });
    expect(response.status).toBe(422);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(response.json).toEqual({
      errors: { body: ['/body/name is required', '/body/email must match format "email"'] },
    });
  });
});

describe('routing, errors and authentication', () => {
  it('an unknown path is a 404 problem', async () => {
    const response = await send(usersBase, 'GET', '/api/nothing-here');
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(response.json).toMatchObject({ status: 404, title: 'Not Found' });
  });

  it('a known path with a method it does not declare is a 405 with Allow', async () => {
    const response = await send(usersBase, 'DELETE', '/api/users');
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET, HEAD, POST');
    const item = await send(usersBase, 'PUT', '/api/users/9b2f3f4e-6a7b-4c8d-9e0f-112233445566');
    expect(item.status).toBe(405);
    expect(item.headers.get('allow')).toBe('GET, HEAD, PATCH');
  });

  it('a controller that throws gets a 500 problem with no internals, and the error is logged with the request id', async () => {
    const response = await send(usersBase, 'GET', `/api/users/${usersModule.EXPLODING_ID}`, {
      headers: { ...AUTH, 'x-request-id': 'req-42' },
    });
    expect(response.status).toBe(500);
    expect(response.headers.get('x-request-id')).toBe('req-42');
    expect(response.text).not.toMatch(/hunter2|postgres|stack|at |\.js/);
    expect(response.json).toMatchObject({ status: 500, title: 'Internal Server Error' });
    const logged = users.logs
      .map((l) => JSON.parse(l) as { requestId?: string; err?: { message: string } })
      .find((l) => l.requestId === 'req-42');
    expect(logged?.err?.message).toContain('hunter2');
  });

  it('a missing or wrong credential is a 401 with a challenge', async () => {
    for (const headers of [{}, { authorization: 'Bearer stolen' }]) {
      const response = await send(usersBase, 'GET', '/api/users', { headers });
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Bearer');
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    }
  });

  it('alternatives are OR-ed and the schemes of one requirement AND-ed, as the spec says', async () => {
    const id = '9b2f3f4e-6a7b-4c8d-9e0f-112233445566';
    // listOrders: bearer OR apiKey.
    expect((await send(ordersBase, 'GET', '/api/orders', { headers: { 'x-api-key': 'k-123' } })).status).toBe(200);
    expect((await send(ordersBase, 'GET', '/api/orders', { headers: AUTH })).status).toBe(200);
    // refundOrder: bearer AND apiKey.
    expect((await send(ordersBase, 'POST', `/api/admin/orders/${id}/refund`, { headers: AUTH })).status).toBe(401);
    expect(
      (await send(ordersBase, 'POST', `/api/admin/orders/${id}/refund`, { headers: { 'x-api-key': 'k-123' } })).status,
    ).toBe(401);
    const both = await send(ordersBase, 'POST', `/api/admin/orders/${id}/refund`, {
      headers: { ...AUTH, 'x-api-key': 'k-123' },
    });
    expect(both.status).toBe(202);
    expect(orders.adminOrders.principals.at(-1)).toEqual({ bearer: { userId: 'u1' }, apiKey: { key: 'k-123' } });
    expect(orders.adminOrders.refundedBy.at(-1)).toBe('u1/k-123');
  });

  it('response validation catches a controller that returns a body breaking the contract', async () => {
    const response = await send(usersBase, 'GET', `/api/users/${usersModule.BROKEN_ID}`, { headers: AUTH });
    expect(response.status).toBe(500);
    expect(response.json).toMatchObject({ type: 'https://specfirst.dev/problems/response-validation-failed' });
    // `role` has a default: always stored, so a User without it breaks the contract too.
    expect(pointers(response)).toEqual(['/body/createdAt', '/body/email', '/body/name', '/body/role']);
  });

  it('response validation refuses a field the spec does not declare, so internals cannot leak', async () => {
    const response = await send(usersBase, 'GET', `/api/users/${usersModule.LEAKY_ID}`, { headers: AUTH });
    expect(response.status).toBe(500);
    expect(response.text).not.toContain('secret');
    expect(pointers(response)).toEqual(['/body/passwordHash']);
    // A write-only field is accepted on input and never returned.
    const password = await send(usersBase, 'GET', `/api/users/${usersModule.PASSWORD_ID}`, { headers: AUTH });
    expect(password.status).toBe(500);
    expect(password.text).not.toContain('correct horse');
    expect(pointers(password)).toEqual(['/body/password']);
  });
});

describe('the service serves its OpenAPI document and an API reference (options.docs)', () => {
  const generated = (service: string) => readFileSync(path.join(root, `generated/openapi/${service}.json`), 'utf8');

  it('GET <base>/openapi.json is generated/openapi/<service>.json, byte for byte', async () => {
    for (const [base, service] of [
      [usersBase, 'users'],
      [ordersBase, 'orders'],
    ] as const) {
      const response = await send(base, 'GET', '/api/openapi.json');
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
      expect(response.text).toBe(generated(service));
    }
  });

  it('GET <base>/docs describes every operation and model of the service, with a strict CSP', async () => {
    const response = await send(usersBase, 'GET', '/api/docs');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('content-security-policy')).toMatch(/^default-src 'none'; style-src 'sha256-[^']+'; /);
    expect(response.text).not.toMatch(/<script|<link|src=/i);
    const document = JSON.parse(generated('users')) as {
      paths: Record<string, Record<string, { operationId: string }>>;
      components: { schemas: Record<string, unknown> };
    };
    for (const [route, methods] of Object.entries(document.paths)) {
      for (const [method, op] of Object.entries(methods)) {
        expect(response.text).toContain(
          `<article class="op" id="op-${op.operationId}">\n<h3><span class="method ${method}">${method}</span><span class="path">${route}</span>`,
        );
      }
    }
    for (const model of Object.keys(document.components.schemas))
      expect(response.text).toContain(`id="model-${model}"><h3>${model}</h3>`);
    expect(response.text).toContain(
      '<span class="badge">auth: <a href="#authentication"><code>bearer</code></a></span>',
    );
  });

  it('adds GET and HEAD at its two paths and changes nothing else', async () => {
    const post = await send(usersBase, 'POST', '/api/docs');
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
    expect((await send(usersBase, 'GET', '/api/docs/users')).status).toBe(404);
    expect((await send(usersBase, 'GET', '/docs')).status).toBe(404);
  });

  it('goes where the project says', async () => {
    const { server, url } = await listen(usersModule.docsElsewhereApp().app);
    servers.push(server);
    expect((await send(url, 'GET', '/api/reference')).status).toBe(200);
    expect((await send(url, 'GET', '/api/docs')).status).toBe(404);
    expect((await send(url, 'GET', '/api/openapi.json')).status).toBe(404);
  });
});

describe('the typed client', () => {
  it('round-trips through the real server with the same status-discriminated results', async () => {
    const usage = (await import(pathToFileURL(path.join(dist, 'src/client-usage.js')).href)) as {
      registerAndFetch(base: string, email: string): Promise<string>;
    };
    expect(await usage.registerAndFetch(usersBase, 'client@example.com')).toMatch(
      /^client@example\.com customer \d+ true$/,
    );
    // The same e-mail again is the declared 409, returned, not thrown.
    expect(await usage.registerAndFetch(usersBase, 'client@example.com')).toBe('conflict: E-mail already registered');
  });
});

describe('the published document declares every status the framework sends (issue #12, point 3)', () => {
  interface Declared {
    paths: Record<string, Record<string, { operationId: string; responses: Record<string, DeclaredResponse> }>>;
    components: { responses?: Record<string, DeclaredResponse> };
  }
  interface DeclaredResponse {
    $ref?: string;
    content?: Record<string, unknown>;
    headers?: Record<string, unknown>;
  }
  const documentOf = (service: string) =>
    JSON.parse(readFileSync(path.join(root, `generated/openapi/${service}.json`), 'utf8')) as Declared;
  const SOME_ID = '44444444-4444-4444-8444-444444444444';
  const HUGE = JSON.stringify({ ...ADA, name: 'x'.repeat(1_100_000) });

  /** Requests that provoke each status the runtime sends on its own, and the operation they reach (none: 404, 405). */
  const cases: {
    why: string;
    service: 'users' | 'orders';
    request: [method: string, path: string, options?: Parameters<typeof send>[3]];
    status: number;
    operation?: [method: string, path: string];
  }[] = [
    {
      why: 'a path parameter that fails its schema',
      service: 'users',
      request: ['GET', '/api/users/not-a-uuid', { headers: AUTH }],
      status: 400,
      operation: ['get', '/users/{id}'],
    },
    {
      why: 'a query parameter out of range',
      service: 'users',
      request: ['GET', '/api/users?limit=1000', { headers: AUTH }],
      status: 400,
      operation: ['get', '/users'],
    },
    {
      why: 'a body that is not JSON',
      service: 'users',
      request: ['POST', '/api/users', { raw: '{"email":', headers: { 'content-type': 'application/json' } }],
      status: 400,
      operation: ['post', '/users'],
    },
    {
      why: 'a body that fails its schema',
      service: 'users',
      request: ['POST', '/api/users', { json: { email: 'x' } }],
      status: 400,
      operation: ['post', '/users'],
    },
    {
      why: 'a header parameter too long',
      service: 'orders',
      request: ['POST', '/api/orders', { json: {}, headers: { ...AUTH, 'idempotency-key': 'k'.repeat(65) } }],
      status: 400,
      operation: ['post', '/orders'],
    },
    {
      why: 'no credentials',
      service: 'users',
      request: ['GET', `/api/users/${SOME_ID}`],
      status: 401,
      operation: ['get', '/users/{id}'],
    },
    {
      why: 'no credentials, body operation',
      service: 'users',
      request: ['PATCH', `/api/users/${SOME_ID}`, { json: {} }],
      status: 401,
      operation: ['patch', '/users/{id}'],
    },
    {
      why: 'no credentials for an AND of schemes',
      service: 'orders',
      request: ['POST', `/api/admin/orders/${SOME_ID}/refund`, { headers: AUTH }],
      status: 401,
      operation: ['post', '/admin/orders/{orderId}/refund'],
    },
    {
      why: 'a body over the limit',
      service: 'users',
      request: ['POST', '/api/users', { raw: HUGE, headers: { 'content-type': 'application/json' } }],
      status: 413,
      operation: ['post', '/users'],
    },
    {
      why: 'a body in another content type',
      service: 'users',
      request: ['POST', '/api/users', { raw: 'hello', headers: { 'content-type': 'text/plain' } }],
      status: 415,
      operation: ['post', '/users'],
    },
    {
      why: 'a body in another charset',
      service: 'users',
      request: ['POST', '/api/users', { raw: '{}', headers: { 'content-type': 'application/json; charset=latin1' } }],
      status: 415,
      operation: ['post', '/users'],
    },
    {
      why: 'a controller that throws',
      service: 'users',
      request: ['GET', '/api/users/00000000-0000-4000-8000-000000000000', { headers: AUTH }],
      status: 500,
      operation: ['get', '/users/{id}'],
    },
    {
      why: 'a controller result that breaks the contract',
      service: 'users',
      request: ['GET', '/api/users/11111111-1111-4111-8111-111111111111', { headers: AUTH }],
      status: 500,
      operation: ['get', '/users/{id}'],
    },
    { why: 'a path no operation has', service: 'users', request: ['GET', '/api/nothing-here'], status: 404 },
    { why: 'a known path asked with another method', service: 'users', request: ['DELETE', '/api/users'], status: 405 },
  ];

  it.each(cases)(
    '$status for $why: sent as problem+json, and declared',
    async ({ service, request, status, operation }) => {
      const [method, url, options] = request;
      const response = await send(service === 'users' ? usersBase : ordersBase, method, url, options);
      expect(response.status).toBe(status);
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      const doc = documentOf(service);
      let declared: DeclaredResponse | undefined;
      if (operation) {
        declared = doc.paths[operation[1]]?.[operation[0]]?.responses[String(status)];
      } else {
        // A request that reaches no operation: the document describes its answer among the shared responses.
        const name = FRAMEWORK_RESPONSES[status as FrameworkStatus].name;
        declared = doc.components.responses?.[name];
      }
      expect(declared, `${status} is not declared`).toBeDefined();
      const resolved = declared?.$ref
        ? doc.components.responses?.[declared.$ref.replace('#/components/responses/', '')]
        : declared;
      expect(Object.keys(resolved?.content ?? {})).toEqual(['application/problem+json']);
      if (status === 405) expect(resolved?.headers).toHaveProperty('Allow');
    },
  );
});
