import { afterAll, describe, expect, it } from 'vitest';
import { createServiceApp, type ServiceOptions } from '../../src/app.js';
import type { OperationContext } from '../../src/context.js';
import type { OperationDefinition } from '../../src/operation.js';
import { HttpProblem } from '../../src/problem.js';
import { listen, operation, recordingLogger, validator } from '../support.js';

/**
 * The composed HTTP pipeline, through a service app on a real port: the order of the stages, the
 * failure reply, the controller call and what happens to what it returns or throws.
 */
const closers: (() => Promise<void>)[] = [];
afterAll(() => Promise.all(closers.map((close) => close())));

const updateItem: OperationDefinition = {
  ...operation('updateItem', 'put', '/items/:id'),
  queryParams: ['dryRun'],
  headerParams: ['If-Match'],
  validate: {
    params: validator({ type: 'object', properties: { id: { type: 'integer' } } }, 'params'),
    query: validator({ type: 'object', properties: { dryRun: { type: 'boolean' } } }, 'params'),
    body: validator({ type: 'object', properties: { name: { type: 'string', minLength: 1 } }, required: ['name'] }),
  },
  body: { contentType: 'application/json', required: true },
  responses: { '200': { contentType: 'application/json' }, '204': {} },
  security: [[{ scheme: 'bearer', scopes: ['items:write'] }]],
  challenges: ['Bearer'],
};

interface Seen {
  request: unknown;
  context: Pick<OperationContext, 'operationId' | 'requestId' | 'principals'>;
}

async function serve(
  answer: (request: { body: unknown }, context: OperationContext) => unknown,
  options: ServiceOptions = {},
) {
  const seen: Seen[] = [];
  const logger = recordingLogger();
  const controller = {
    updateItem: (request: { body: unknown }, context: OperationContext) => {
      seen.push({
        request,
        context: { operationId: context.operationId, requestId: context.requestId, principals: context.principals },
      });
      return answer(request, context);
    },
  };
  const app = createServiceApp(
    { basePath: '/api', tags: [{ operations: [updateItem], controller }] },
    {
      logger,
      docs: false,
      authenticate: { bearer: (req) => (req.headers.authorization === 'Bearer good' ? { user: 'ann' } : null) },
      ...options,
    },
  );
  const { url, close } = await listen(app);
  closers.push(close);
  const call = async (
    path: string,
    init: { token?: string; body?: string; type?: string; headers?: Record<string, string>; method?: string } = {},
  ) => {
    const response = await fetch(`${url}/api${path}`, {
      method: init.method ?? 'PUT',
      headers: {
        ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
        'content-type': init.type ?? 'application/json',
        'x-request-id': 'rid-1',
        ...init.headers,
      },
      body: init.body ?? '{"name":"lamp"}',
    });
    const text = await response.text();
    return {
      status: response.status,
      type: response.headers.get('content-type'),
      headers: response.headers,
      body:
        text === '' || !response.headers.get('content-type')?.includes('json')
          ? text || undefined
          : (JSON.parse(text) as Record<string, unknown>),
    };
  };
  return { call, seen, logger };
}

describe('the HTTP pipeline', () => {
  it('calls the controller with the parameters, the body and a context, and writes what it returns', async () => {
    const { call, seen } = await serve(async (request) => ({ status: 200, body: { got: request.body } }));
    const answer = await call('/items/5?dryRun=true&extra=1', { token: 'good', headers: { 'If-Match': '"v1"' } });
    expect(answer).toMatchObject({
      status: 200,
      type: 'application/json; charset=utf-8',
      body: { got: { name: 'lamp' } },
    });
    expect(answer.headers.get('x-request-id')).toBe('rid-1');
    expect(seen).toEqual([
      {
        request: {
          params: { id: 5 },
          query: { dryRun: true },
          headers: { 'If-Match': '"v1"' },
          body: { name: 'lamp' },
        },
        context: { operationId: 'updateItem', requestId: 'rid-1', principals: { bearer: { user: 'ann' } } },
      },
    ]);
  });

  it('authenticates first: a 401 even when everything else is wrong, and the controller is not called', async () => {
    const { call, seen } = await serve(() => ({ status: 204 }));
    const answer = await call('/items/x?dryRun=maybe', { body: '{}', type: 'text/plain' });
    expect(answer.status).toBe(401);
    expect(answer.headers.get('www-authenticate')).toBe('Bearer');
    expect(answer.body).toMatchObject({ title: 'Unauthorized' });
    expect(seen).toEqual([]);
  });

  it('answers a body in the wrong content type with 415 before it looks at the parameters', async () => {
    const { call, seen } = await serve(() => ({ status: 204 }));
    const answer = await call('/items/x', { token: 'good', type: 'text/plain', body: 'lamp' });
    expect(answer).toMatchObject({
      status: 415,
      type: 'application/problem+json; charset=utf-8',
      body: { title: 'Unsupported Media Type', detail: 'send the body as application/json' },
    });
    expect(seen).toEqual([]);
  });

  it('answers the failures of parameters and body together in one 400, and does not call the controller', async () => {
    const { call, seen } = await serve(() => ({ status: 204 }));
    const answer = await call('/items/x?dryRun=maybe', { token: 'good', body: '{"name":""}' });
    expect(answer.status).toBe(400);
    expect(answer.type).toBe('application/problem+json; charset=utf-8');
    expect(answer.body).toEqual({
      type: 'https://specfirst.dev/problems/validation-failed',
      title: 'The request is not valid',
      status: 400,
      detail: '3 problems in the request',
      instance: '/api/items/x?dryRun=maybe',
      errors: [
        { pointer: '/params/id', message: 'must be integer' },
        { pointer: '/query/dryRun', message: 'must be boolean' },
        { pointer: '/body/name', message: 'must NOT have fewer than 1 characters' },
      ],
    });
    expect(seen).toEqual([]);
  });

  it('answers failures with options.validationErrorResponse instead, written as it is even if undeclared', async () => {
    const { call } = await serve(() => ({ status: 204 }), {
      validateResponses: true,
      validationErrorResponse: (problem, req) => ({
        status: 422,
        body: { errors: { body: problem.errors.map((e) => `${e.pointer} ${e.message}`) }, path: req.path },
        headers: { 'X-Why': 'invalid' },
      }),
    });
    const answer = await call('/items/1', { token: 'good', body: '{}' });
    expect(answer).toMatchObject({
      status: 422,
      type: 'application/json; charset=utf-8',
      body: { errors: { body: ['/body/name is required'] }, path: '/items/1' },
    });
    expect(answer.headers.get('x-why')).toBe('invalid');
  });

  it('leaves the response to a controller that wrote it itself', async () => {
    const { call } = await serve((_request, context) => {
      context.res.status(202).type('text/plain').send('streamed');
      return { status: 200, body: { ignored: true } };
    });
    expect(await call('/items/1', { token: 'good' })).toMatchObject({
      status: 202,
      type: 'text/plain; charset=utf-8',
      body: 'streamed',
    });
  });

  it('checks the result when asked: an undeclared status is a 500 problem', async () => {
    const { call, logger } = await serve(() => ({ status: 201, body: {} }), { validateResponses: true });
    const answer = await call('/items/1', { token: 'good' });
    expect(answer).toMatchObject({
      status: 500,
      body: { errors: [{ pointer: '/status', message: '201 is not a declared response of updateItem' }] },
    });
    expect(logger.entries.map((e) => e.message)).toEqual([
      'the controller result does not match the declared response',
    ]);
  });

  it('does not check the result when told not to', async () => {
    const { call } = await serve(() => ({ status: 201, body: { fine: 'enough' } }), { validateResponses: false });
    expect(await call('/items/1', { token: 'good' })).toMatchObject({ status: 201, body: { fine: 'enough' } });
  });

  const throws: [string, () => unknown, number, Record<string, unknown>, number][] = [
    [
      'an HttpProblem answers as itself',
      () => Promise.reject(new HttpProblem(409, 'Conflict', { detail: 'taken' })),
      409,
      { title: 'Conflict', detail: 'taken', instance: '/api/items/1' },
      0,
    ],
    [
      'an HttpProblem thrown at once',
      () => {
        throw new HttpProblem(404, 'Not Found');
      },
      404,
      { title: 'Not Found' },
      0,
    ],
    [
      'anything else is a logged 500 that quotes the request id',
      () => {
        throw new Error('db down');
      },
      500,
      {
        title: 'Internal Server Error',
        detail: 'the server failed to answer; quote request id rid-1 when reporting it',
      },
      1,
    ],
    ['no valid status is a logged 500', () => ({ body: {} }), 500, { title: 'Internal Server Error' }, 1],
  ];
  it.each(throws)('when the controller fails: %s', async (_name, answer, status, problem, logged) => {
    const { call, logger } = await serve(answer);
    const response = await call('/items/1', { token: 'good' });
    expect(response.status).toBe(status);
    expect(response.type).toBe('application/problem+json; charset=utf-8');
    expect(response.body).toMatchObject(problem);
    expect(logger.entries.filter((e) => e.level === 'error')).toHaveLength(logged);
  });

  it('refuses NUL in parameters and body with refuseNul, as validation failures, before the controller', async () => {
    const { call, seen } = await serve(() => ({ status: 204 }), { refuseNul: true });
    const answer = await call('/items/1?dryRun=true', {
      token: 'good',
      body: '{"name":"la\\u0000mp"}',
      headers: { 'If-Match': 'fine' },
    });
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({
      errors: [{ pointer: '/body/name', message: 'must not contain the NUL character (U+0000)' }],
    });
    expect(seen).toEqual([]);
  });

  it('lets NUL through without refuseNul: JSON Schema accepts it', async () => {
    const { call, seen } = await serve(() => ({ status: 204 }));
    expect((await call('/items/1', { token: 'good', body: '{"name":"la\\u0000mp"}' })).status).toBe(204);
    expect(seen.map((s) => s.request)).toMatchObject([{ body: { name: 'la\u0000mp' } }]);
  });

  // RFC 9457's `instance`: which request a problem answers. Every problem the app sends has it, so
  // a client (or a log reader) never has to guess which requests got one.
  const everyProblem: [string, string, Parameters<Awaited<ReturnType<typeof serve>>['call']>[1], number][] = [
    ['401 from the authenticate stage', '/items/1?a=b', {}, 401],
    ['415 from the read body stage', '/items/1', { token: 'good', type: 'text/plain', body: 'lamp' }, 415],
    ['400 for JSON that does not parse', '/items/1', { token: 'good', body: '{"name":' }, 400],
    [
      '413 for a body past the limit',
      '/items/1',
      { token: 'good', body: JSON.stringify({ name: 'x'.repeat(2e6) }) },
      413,
    ],
    ['400 for a path that does not decode', '/items/%E0%A4%A', { token: 'good' }, 400],
    ['404 for no operation', '/nothing/here?x=1', {}, 404],
    ['405 for a method the path does not answer', '/items/1?x=1', { method: 'DELETE' }, 405],
    ['500 from a controller that fails', '/items/1', { token: 'good', body: '{"name":"fail"}' }, 500],
    ['500 for a result that breaks the contract', '/items/1', { token: 'good', body: '{"name":"undeclared"}' }, 500],
    ['a thrown HttpProblem', '/items/1', { token: 'good', body: '{"name":"gone"}' }, 410],
  ];
  it.each(everyProblem)('gives every problem an instance: %s', async (_name, path, init, status) => {
    const { call } = await serve(
      (request) => {
        const { name } = request.body as { name: string };
        if (name === 'gone') throw new HttpProblem(410, 'Gone');
        if (name === 'undeclared') return { status: 201, body: {} };
        throw new Error('fail');
      },
      { validateResponses: true },
    );
    const answer = await call(path, init);
    expect(answer.status).toBe(status);
    expect(answer.type).toBe('application/problem+json; charset=utf-8');
    expect(answer.body).toMatchObject({ status, instance: `/api${path}` });
  });

  it("hands an authenticator's throw to the error reply", async () => {
    const { call } = await serve(() => ({ status: 204 }), {
      authenticate: {
        bearer: () => {
          throw new HttpProblem(403, 'Forbidden', { detail: 'needs items:write' });
        },
      },
    });
    expect(await call('/items/1', { token: 'good' })).toMatchObject({
      status: 403,
      body: { title: 'Forbidden', detail: 'needs items:write' },
    });
  });
});
