import express from 'express';
import { afterAll, describe, expect, it } from 'vitest';
import { createServiceApp } from '../src/app.js';
import type { OperationDefinition } from '../src/operation.js';
import { resolveOptions } from '../src/options.js';
import { comparePaths, createOperationsRouter } from '../src/router.js';
import { listen, operation, recordingLogger } from './support.js';

/** Routers: which operation answers which URL, and what a router mounted on its own answers. */
const closers: (() => Promise<void>)[] = [];
afterAll(() => Promise.all(closers.map((close) => close())));

/** Each operation answers with its own id. */
function answering(operations: readonly OperationDefinition[]): object {
  return Object.fromEntries(
    operations.map((op) => [op.method, () => ({ status: 200, body: { from: op.operationId } })]),
  );
}

async function get(url: string, init: RequestInit = {}) {
  const response = await fetch(url, init);
  return {
    status: response.status,
    type: response.headers.get('content-type'),
    body: (await response.json()) as Record<string, unknown>,
  };
}

describe('comparePaths', () => {
  const cases: [string, string, string, number][] = [
    ['a fixed segment before a parameter', '/users/me', '/users/:id', -1],
    ['a parameter after a fixed segment', '/users/:id', '/users/me', 1],
    ['a fixed segment before a wildcard', '/files/readme', '/files/*rest', -1],
    ['the first segment that differs decides', '/:shop/items', '/a/:item', 1],
    ['two fixed paths: fewer segments first', '/a/b/c', '/a/b', 1],
    ['two fixed paths of one length: equal', '/a/b', '/c/d', 0],
    ['two parameters: equal', '/users/:id', '/users/:name', 0],
  ];
  it.each(cases)('%s', (_name, a, b, sign) => {
    expect(Math.sign(comparePaths(a, b))).toBe(sign);
  });
});

describe('a service router', () => {
  it('answers /users/me with its own operation, whichever order and tag the spec lists it in', async () => {
    const byId = operation('getUser', 'get', '/users/:id');
    const me = operation('getMe', 'get', '/users/me');
    const files = operation('getFile', 'get', '/files/*path');
    const readme = operation('getReadme', 'get', '/files/readme');
    const app = createServiceApp(
      {
        basePath: '',
        tags: [
          { operations: [byId, files], controller: answering([byId, files]) },
          { operations: [me, readme], controller: answering([me, readme]) },
        ],
      },
      { logger: recordingLogger(), docs: false },
    );
    const { url, close } = await listen(app);
    closers.push(close);
    expect((await get(`${url}/users/me`)).body).toEqual({ from: 'getMe' });
    expect((await get(`${url}/users/42`)).body).toEqual({ from: 'getUser' });
    expect((await get(`${url}/files/readme`)).body).toEqual({ from: 'getReadme' });
    expect((await get(`${url}/files/a/b`)).body).toEqual({ from: 'getFile' });
  });

  it('calls the method with its controller as `this`', async () => {
    const op = operation('getCount', 'get', '/count');
    const controller = {
      count: 41,
      getCount(this: { count: number }) {
        return { status: 200, body: { count: this.count + 1 } };
      },
    };
    const { url, close } = await listen(
      createServiceApp(
        { basePath: '/api', tags: [{ operations: [op], controller }] },
        { logger: recordingLogger(), docs: false },
      ),
    );
    closers.push(close);
    expect((await get(`${url}/api/count`)).body).toEqual({ count: 42 });
  });
});

describe('createOperationsRouter, mounted by hand', () => {
  const createUser: OperationDefinition = {
    ...operation('createUser', 'post', '/users'),
    body: { contentType: 'application/json', required: true },
  };
  const listUsers = operation('listUsers', 'get', '/users');
  const controller = {
    createUser: (request: { body: unknown }) => ({ status: 200, body: { got: request.body } }),
    listUsers: (request: { body: unknown }) => ({ status: 200, body: { got: request.body ?? null } }),
  };

  async function mount(options: Parameters<typeof createOperationsRouter>[2]) {
    const app = express();
    app.use('/v1', createOperationsRouter([createUser, listUsers], controller, options));
    const { url, close } = await listen(app);
    closers.push(close);
    return url;
  }

  const posts: [string, Parameters<typeof createOperationsRouter>[2], string, number, Record<string, unknown>][] = [
    [
      'a body within the limit',
      { logger: recordingLogger(), bodyLimit: 64 },
      '{"name":"ann"}',
      200,
      { got: { name: 'ann' } },
    ],
    [
      'a body over options.bodyLimit: its own 413 problem',
      { logger: recordingLogger(), bodyLimit: 64 },
      JSON.stringify({ name: 'a'.repeat(100) }),
      413,
      { title: 'The request body is too large', detail: 'the limit is 64 bytes' },
    ],
    [
      "a body under the default limit of 1mb, more than body-parser's own 100kb",
      { logger: recordingLogger() },
      JSON.stringify({ name: 'a'.repeat(500_000) }),
      200,
      {},
    ],
    [
      'a body over the default limit of 1mb',
      { logger: recordingLogger() },
      JSON.stringify({ name: 'a'.repeat(1_100_000) }),
      413,
      { detail: 'the limit is 1048576 bytes' },
    ],
    [
      'JSON that does not parse: its own 400 problem',
      resolveOptions({ logger: recordingLogger() }),
      '{"name"',
      400,
      { title: 'The request body is not valid JSON' },
    ],
    [
      'a prototype-polluting key',
      resolveOptions({ logger: recordingLogger(), bodyLimit: 100 }),
      '{"__proto__":{}}',
      400,
      { errors: [{ pointer: '/body/__proto__', message: 'is not accepted: it could replace an object prototype' }] },
    ],
  ];
  it.each(posts)('answers %s', async (_name, options, data, status, body) => {
    const url = await mount(options);
    const answer = await get(`${url}/v1/users`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: data,
    });
    expect(answer.status).toBe(status);
    expect(answer.body).toMatchObject(body);
  });

  it('parses no body for an operation that declares none', async () => {
    const url = await mount({ logger: recordingLogger() });
    const answer = await get(`${url}/v1/users`, { method: 'GET' });
    expect(answer).toEqual({ status: 200, type: 'application/json; charset=utf-8', body: { got: null } });
  });

  it('skips the pollution scan for a body whose schema is closed (openKeys: false)', async () => {
    const closed: OperationDefinition = {
      ...createUser,
      body: { contentType: 'application/json', required: true, openKeys: false },
    };
    const app = express();
    app.use(createOperationsRouter([closed], controller, { logger: recordingLogger() }));
    const { url, close } = await listen(app);
    closers.push(close);
    const answer = await get(`${url}/users`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"__proto__":{"x":1}}',
    });
    expect(answer).toEqual({
      status: 200,
      type: 'application/json; charset=utf-8',
      body: { got: { ['__proto__']: { x: 1 } } },
    });
  });

  it('uses resolved options as they are: response validation off stays off', async () => {
    const wrong = { listUsers: () => ({ status: 299, body: 'x' }), createUser: () => ({ status: 200 }) };
    const app = express();
    app.use(
      createOperationsRouter([createUser, listUsers], wrong, {
        ...resolveOptions({ logger: recordingLogger() }),
        validateResponses: false,
      }),
    );
    const { url, close } = await listen(app);
    closers.push(close);
    const response = await fetch(`${url}/users`);
    expect(response.status).toBe(299);
  });

  it('answers what the controller throws as a problem, logged with the request id', async () => {
    const logger = recordingLogger();
    const app = express();
    app.use(createOperationsRouter([listUsers], { listUsers: () => Promise.reject(new Error('boom')) }, { logger }));
    const { url, close } = await listen(app);
    closers.push(close);
    const answer = await get(`${url}/users`, { headers: { 'x-request-id': 'r-7' } });
    expect(answer).toMatchObject({
      status: 500,
      type: 'application/problem+json; charset=utf-8',
      body: { detail: 'the server failed to answer; quote request id r-7 when reporting it' },
    });
    expect(logger.entries.map((e) => e.fields['requestId'])).toEqual(['r-7']);
  });
});
