import { afterEach, describe, expect, it } from 'vitest';
import { runInCallContext } from '../../src/internal/call-context.js';
import { createInternalClient, InternalCallError } from '../../src/internal/client.js';
import { UnexpectedResponseError } from '../../src/client.js';
import { verifyCall } from '../../src/internal/signature.js';
import { closedPort, json, rawServer, usersTable } from './support.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function server(handle: Parameters<typeof rawServer>[0]): ReturnType<typeof rawServer> {
  const s = await rawServer(handle);
  cleanups.push(s.close);
  return s;
}

/** An error a promise rejects with (the test fails if it resolves). */
async function rejection(promise: Promise<unknown>): Promise<InternalCallError> {
  try {
    await promise;
  } catch (error) {
    return error as InternalCallError;
  }
  throw new Error('the call did not fail');
}

/** A callee that holds every request open: the test's cleanup closes the connections. */
function neverAnswer(): void {
  // nothing is written
}

const TRACE = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

describe('createInternalClient: where the callee is', () => {
  it('reads the URL from options.baseUrl, else the callee variable, else the default', async () => {
    const s = await server((_req, res) => json(res, 200, { ok: true }));
    const viaEnv = createInternalClient(usersTable(), { env: { USERS_URL: `${s.url}/` } });
    expect((await viaEnv.getUser!({ params: { id: '7' } })).status).toBe(200);
    const viaOption = createInternalClient(usersTable(), {
      baseUrl: s.url,
      env: { USERS_URL: 'http://nowhere.invalid' },
    });
    expect((await viaOption.getUser!({ params: { id: '8' } })).status).toBe(200);
    expect(s.requests.map((r) => r.url)).toEqual(['/api/users/7', '/api/users/8']);
    const viaDefault = await rejection(
      createInternalClient(usersTable({ defaultUrl: `http://127.0.0.1:${await closedPort()}` }), {
        env: { USERS_URL: '' },
        retries: 0,
      }).getUser!({ params: { id: '1' } }),
    );
    expect(viaDefault.code).toBe('SFR4402');
  });

  it.each([
    ['not a URL', { baseUrl: 'users:3001' }, 'the base URL `users:3001` (from options.baseUrl) is not an http(s) URL'],
    ['another scheme', { env: { USERS_URL: 'ftp://users' } }, 'the base URL `ftp://users` (from USERS_URL)'],
    ['a query', { env: { USERS_URL: 'http://users:3001/?a=1' } }, 'without query or fragment'],
    ['a fragment', { env: { USERS_URL: 'http://users:3001/#top' } }, 'without query or fragment'],
  ])('refuses a base URL that is %s at creation (SFR1401, naming the variable)', (_, options, problem) => {
    expect(() => createInternalClient(usersTable(), options)).toThrow(problem);
    expect(() => createInternalClient(usersTable(), options)).toThrow(
      "SFR1401 orders's internal client of users: the base URL",
    );
    expect(() => createInternalClient(usersTable(), options)).toThrow(
      "set USERS_URL to users's origin, e.g. `http://users:3001` (the client adds `/api`)",
    );
  });

  it.each([
    ['USERS_URL', { env: { USERS_URL: 'http://admin:s3cret@users:3001' } }],
    ['options.baseUrl', { baseUrl: 'https://admin@users' }],
    ['USERS_URL', { env: { USERS_URL: 'http://admin:s3cret@[bad' } }],
  ])('refuses a base URL with credentials from %s (SFR1401), and never prints them', (source, options) => {
    let thrown: unknown;
    try {
      createInternalClient(usersTable(), options);
    } catch (error) {
      thrown = error;
    }
    const message = (thrown as Error).message;
    expect(message).toMatch(/^SFR1401 orders's internal client of users: the base URL/);
    expect(message).not.toContain('s3cret');
    expect(message).not.toContain('admin');
    expect(message).toContain(`from ${source}`);
  });

  it.each([
    [{ timeoutMs: 0 }, 'SFR1402', 'option `timeoutMs` must be a positive integer (ms); got 0'],
    [{ timeoutMs: 1.5 }, 'SFR1402', 'option `timeoutMs` must be a positive integer (ms); got 1.5'],
    [{ retries: -1 }, 'SFR1402', 'option `retries` must be an integer from 0 to 10; got -1'],
    [{ retries: 11 }, 'SFR1402', 'option `retries` must be an integer from 0 to 10; got 11'],
    [{ retryDelayMs: 60_001 }, 'SFR1402', 'option `retryDelayMs` must be an integer from 0 to 60000 (ms); got 60001'],
    // Node runs a timer longer than 2^31 - 1 ms at once: such a limit would time every call out.
    [{ timeoutMs: 2_147_483_648 }, 'SFR1402', 'option `timeoutMs` must be a positive integer (ms); got 2147483648'],
    [{ key: '' }, 'SFR1403', 'options.key is empty'],
  ])('refuses %j at creation', (options, code, problem) => {
    expect(() => createInternalClient(usersTable(), options)).toThrow(
      `${code} orders's internal client of users: ${problem}`,
    );
  });
});

describe('createInternalClient: the largest options it takes', () => {
  it('takes retries 10, retryDelayMs 60000 and the longest timer Node keeps', () => {
    expect(() =>
      createInternalClient(usersTable(), { retries: 10, retryDelayMs: 60_000, timeoutMs: 2_147_483_647 }),
    ).not.toThrow();
  });
});

describe('createInternalClient: timeouts and aborts', () => {
  it('gives up on an attempt after timeoutMs with SFR4401, naming the callee, the operation and the limit', async () => {
    const s = await server(neverAnswer);
    const client = createInternalClient(usersTable(), { baseUrl: s.url, timeoutMs: 150 });
    const error = await rejection(client.getUser!({ params: { id: '7' } }, { requestId: 'req-1' }));
    expect(error).toBeInstanceOf(InternalCallError);
    expect(error.code).toBe('SFR4401');
    expect(error.message).toBe(
      `SFR4401 orders's call of users.getUser (GET ${s.url}/api/users/7) got no answer within 150 ms; ` +
        'users may be stuck or overloaded: look for request id req-1 in its log; a timed-out call is not retried, ' +
        'as the callee may still be acting on it; raise timeoutMs (client option or per call) if the operation is slow by design',
    );
    expect([error.caller, error.callee, error.operation, error.attempts]).toEqual(['orders', 'users', 'getUser', 1]);
    // A timeout is not retried, even for a GET.
    expect(s.requests).toHaveLength(1);
  });

  it('takes a per-call timeout over the client one', async () => {
    const s = await server(neverAnswer);
    const client = createInternalClient(usersTable(), { baseUrl: s.url, timeoutMs: 60_000 });
    const error = await rejection(client.getUser!({ params: { id: '7' } }, { timeoutMs: 100 }));
    expect(error.message).toContain('got no answer within 100 ms');
  });

  it("rejects with the caller's abort reason when its signal aborts, and does not retry", async () => {
    const s = await server(neverAnswer);
    const client = createInternalClient(usersTable(), { baseUrl: s.url });
    const abort = new AbortController();
    const pending = client.getUser!({ params: { id: '7' } }, { signal: abort.signal });
    // Abort once the callee has the request, so the abort stops a call in flight.
    for (let i = 0; i < 500 && s.requests.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 5));
    const reason = new Error('the order was cancelled');
    abort.abort(reason);
    await expect(pending).rejects.toBe(reason);
    expect(s.requests).toHaveLength(1);
  });

  it('sends nothing when the signal is already aborted', async () => {
    const s = await server((_req, res) => json(res, 200, {}));
    const client = createInternalClient(usersTable(), { baseUrl: s.url });
    const reason = new Error('too late');
    await expect(client.getUser!({ params: { id: '7' } }, { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    expect(s.requests).toHaveLength(0);
  });
});

describe('createInternalClient: retries', () => {
  it.each([
    ['getUser', 'GET', 503, 3],
    ['getUser', 'GET', 502, 3],
    ['getUser', 'GET', 504, 3],
    ['putUser', 'PUT', 503, 3],
    ['deleteUser', 'DELETE', 503, 3],
    ['headUser', 'HEAD', 503, 3],
    ['optionsUser', 'OPTIONS', 503, 3],
    ['createUser', 'POST', 503, 1],
    ['patchUser', 'PATCH', 503, 1],
  ] as const)('%s (%s) answered %i: %i attempt(s)', async (name, _method, status, attempts) => {
    const s = await server((_req, res) => json(res, status, { title: 'busy' }));
    const table = usersTable();
    const client = createInternalClient(
      {
        ...table,
        operations: {
          ...table.operations,
          deleteUser: { method: 'delete', path: '/users/{id}', statuses: ['204'] },
          headUser: { method: 'head', path: '/users/{id}', statuses: ['200'] },
          optionsUser: { method: 'options', path: '/users/{id}', statuses: ['200'] },
        },
      },
      { baseUrl: s.url, retries: 2, retryDelayMs: 0 },
    );
    const error = await rejection(client[name]!({ params: { id: '7' }, body: {} }));
    // The last answer is undeclared here: the callee could not answer, an InternalCallError.
    expect(error).toBeInstanceOf(InternalCallError);
    expect([error.code, error.attempts]).toEqual(['SFR4402', attempts]);
    expect(error.message).toContain(
      `it answered ${status}${attempts > 1 ? ` after ${attempts} attempts` : ''}, a status its spec does not declare`,
    );
    expect(s.requests).toHaveLength(attempts);
  });

  it("does not retry an undeclared 500 of a GET: it is the callee's word, an UnexpectedResponseError", async () => {
    const s = await server((_req, res) => json(res, 500, { title: 'broken' }));
    const client = createInternalClient(usersTable(), { baseUrl: s.url, retries: 2, retryDelayMs: 0 });
    const error = await rejection(client.getUser!({ params: { id: '7' } }));
    expect(error).toBeInstanceOf(UnexpectedResponseError);
    expect(s.requests).toHaveLength(1);
  });

  it('returns a declared 503 after the last attempt as the result it is', async () => {
    const s = await server((_req, res) => json(res, 503, { title: 'busy' }));
    const client = createInternalClient(
      { ...usersTable(), operations: { getUser: { method: 'get', path: '/users/{id}', statuses: ['200', '503'] } } },
      { baseUrl: s.url, retries: 1, retryDelayMs: 0 },
    );
    const result = await client.getUser!({ params: { id: '7' } });
    expect([result.status, result.body]).toEqual([503, { title: 'busy' }]);
    expect(s.requests).toHaveLength(2);
  });

  it('retries a GET that got 503 and returns the success that follows', async () => {
    let hits = 0;
    const s = await server((_req, res) => (++hits < 3 ? json(res, 503, {}) : json(res, 200, { id: '7' })));
    const client = createInternalClient(usersTable(), { baseUrl: s.url, retries: 2, retryDelayMs: 1 });
    const result = await client.getUser!({ params: { id: '7' } });
    expect([result.status, result.body]).toEqual([200, { id: '7' }]);
    expect(s.requests).toHaveLength(3);
  });

  it('does not retry a declared non-5xx answer', async () => {
    const s = await server((_req, res) => json(res, 404, { title: 'no such user' }));
    const client = createInternalClient(usersTable(), { baseUrl: s.url, retryDelayMs: 0 });
    expect((await client.getUser!({ params: { id: '7' } })).status).toBe(404);
    expect(s.requests).toHaveLength(1);
  });

  it('per call, retries can be turned off', async () => {
    const s = await server((_req, res) => json(res, 503, {}));
    const client = createInternalClient(usersTable(), { baseUrl: s.url, retries: 5, retryDelayMs: 0 });
    await rejection(client.getUser!({ params: { id: '7' } }, { retries: 0 }));
    expect(s.requests).toHaveLength(1);
  });

  it.each([
    ['getUser', 3, ' in 3 attempts'],
    ['createUser', 1, ''],
  ] as const)(
    'an unreachable callee: %s is tried %i time(s), then SFR4402 names the URL and its variable',
    async (name, attempts, tried) => {
      const url = `http://127.0.0.1:${await closedPort()}`;
      const client = createInternalClient(usersTable(), { baseUrl: url, retries: 2, retryDelayMs: 0 });
      const error = await rejection(client[name]!({ params: { id: '7' }, body: {} }));
      const method = name === 'getUser' ? 'GET' : 'POST';
      const path = name === 'getUser' ? '/api/users/7' : '/api/users';
      expect(error.code).toBe('SFR4402');
      expect(error.attempts).toBe(attempts);
      expect(error.message).toMatch(
        new RegExp(
          `^SFR4402 orders could not reach users for ${name} \\(${method} ${url.replace(/\./g, '\\.')}${path}\\)${tried}: .*ECONNREFUSED.*; ` +
            'is users running and listening there\\? Its URL comes from USERS_URL \\(when unset: http://users:3001\\)$',
        ),
      );
    },
  );
});

describe('createInternalClient: what every call carries', () => {
  it('passes the call context on: the same request id, the same trace with a new parent id', async () => {
    const s = await server((_req, res) => json(res, 200, {}));
    const client = createInternalClient(usersTable(), { baseUrl: s.url });
    await runInCallContext({ requestId: 'req-42', traceparent: TRACE }, () => client.getUser!({ params: { id: '7' } }));
    const sent = s.requests[0]!.headers;
    expect(sent['x-request-id']).toBe('req-42');
    expect(sent.traceparent).toMatch(/^00-4bf92f3577b34da6a3ce929d0e0e4736-[0-9a-f]{16}-01$/);
    expect(sent.traceparent).not.toBe(TRACE);
  });

  it('takes the request id and traceparent of the call options over the context', async () => {
    const s = await server((_req, res) => json(res, 200, {}));
    const client = createInternalClient(usersTable(), { baseUrl: s.url });
    const explicit = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00';
    await runInCallContext({ requestId: 'ctx', traceparent: TRACE }, () =>
      client.getUser!({ params: { id: '7' } }, { requestId: 'mine', traceparent: explicit }),
    );
    expect([s.requests[0]!.headers['x-request-id'], s.requests[0]!.headers.traceparent]).toEqual(['mine', explicit]);
  });

  it('does not pass on a request id of the context that is not plain (from a message), nor an invalid trace', async () => {
    const s = await server((_req, res) => json(res, 200, {}));
    const client = createInternalClient(usersTable(), { baseUrl: s.url });
    await runInCallContext({ requestId: 'two\nlines', traceparent: 'not-a-trace' }, () =>
      client.getUser!({ params: { id: '7' } }),
    );
    expect(s.requests[0]!.headers['x-request-id']).toBeUndefined();
    expect(s.requests[0]!.headers.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
  });

  it('outside any context: a new trace and no request id', async () => {
    const s = await server((_req, res) => json(res, 200, {}));
    await createInternalClient(usersTable(), { baseUrl: s.url }).getUser!({ params: { id: '7' } });
    expect(s.requests[0]!.headers['x-request-id']).toBeUndefined();
    expect(s.requests[0]!.headers.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
  });

  it.each([
    [
      { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7' },
      'option `traceparent` must be a W3C traceparent',
    ],
    [
      { traceparent: '00-00000000000000000000000000000000-00f067aa0ba902b7-01' },
      'option `traceparent` must be a W3C traceparent',
    ],
    [{ requestId: 'has space' }, 'option `requestId` must be 1 to 128 letters, digits or `_.:@-`'],
    [{ timeoutMs: -1 }, 'option `timeoutMs` must be a positive integer (ms); got -1'],
    [{ timeoutMs: 0 }, 'option `timeoutMs` must be a positive integer (ms); got 0'],
    [{ retries: 99 }, 'option `retries` must be an integer from 0 to 10; got 99'],
  ])('refuses call options %j with SFR4409 and sends nothing', async (call, problem) => {
    const s = await server((_req, res) => json(res, 200, {}));
    const client = createInternalClient(usersTable(), { baseUrl: s.url });
    const error = await rejection(client.getUser!({ params: { id: '7' } }, call));
    expect(error.code).toBe('SFR4409');
    expect(error.message).toContain(`SFR4409 the call of users.getUser: ${problem}`);
    expect(s.requests).toHaveLength(0);
  });

  it("signs each attempt with the caller's key: the callee can verify caller, method, path with query and time", async () => {
    let hits = 0;
    const s = await server((_req, res) => (++hits < 2 ? json(res, 503, {}) : json(res, 200, {})));
    const client = createInternalClient(
      { ...usersTable(), operations: { getUser: { method: 'get', path: '/users/{id}', statuses: ['200'] } } },
      { baseUrl: s.url, env: { SPECFIRST_KEY_ORDERS_TO_USERS: 'k-orders' }, retryDelayMs: 0 },
    );
    await client.getUser!({ params: { id: 'a b' }, query: { expand: ['x', 'y'] } });
    expect(s.requests).toHaveLength(2);
    expect(s.requests[0]!.headers['x-specfirst-nonce']).not.toBe(s.requests[1]!.headers['x-specfirst-nonce']);
    for (const request of s.requests) {
      const headers = request.headers;
      expect(headers['x-specfirst-caller']).toBe('orders');
      const call = {
        caller: 'orders',
        callee: 'users',
        method: 'GET',
        target: '/api/users/a%20b?expand=x&expand=y',
        timestamp: Number(headers['x-specfirst-timestamp']),
        nonce: headers['x-specfirst-nonce'] as string,
      };
      expect(request.url).toBe(call.target);
      expect(verifyCall('k-orders', call, headers['x-specfirst-signature'] as string)).toBe(true);
      expect(verifyCall('another key', call, headers['x-specfirst-signature'] as string)).toBe(false);
    }
  });

  it('without a key, names its caller unsigned (a guarded callee refuses it), whatever headers it is given', async () => {
    const s = await server((_req, res) => json(res, 200, {}));
    await createInternalClient(usersTable(), {
      baseUrl: s.url,
      env: {},
      headers: { 'x-specfirst-caller': 'billing', 'x-specfirst-signature': 'v1=00' },
    }).getUser!({ params: { id: '7' } });
    const headers = s.requests[0]!.headers;
    expect(Object.keys(headers).filter((h) => h.startsWith('x-specfirst-'))).toEqual([
      'x-specfirst-caller',
      'x-specfirst-timestamp',
      'x-specfirst-nonce',
    ]);
    expect(headers['x-specfirst-caller']).toBe('orders');
  });

  it('takes an empty key variable for no key: names its caller unsigned rather than sign with the empty key', async () => {
    const s = await server((_req, res) => json(res, 200, {}));
    await createInternalClient(usersTable(), { baseUrl: s.url, env: { SPECFIRST_KEY_ORDERS_TO_USERS: '' } }).getUser!({
      params: { id: '7' },
    });
    const headers = s.requests[0]!.headers;
    expect([headers['x-specfirst-caller'], headers['x-specfirst-signature']]).toEqual(['orders', undefined]);
  });

  it('joins a base URL with trailing slashes to the base path with one slash', async () => {
    const s = await server((_req, res) => json(res, 200, {}));
    await createInternalClient(usersTable(), { env: { USERS_URL: `${s.url}//` } }).getUser!({ params: { id: '7' } });
    expect(s.requests.map((r) => r.url)).toEqual(['/api/users/7']);
  });

  it('a signing key in options.key wins over the variable', async () => {
    const s = await server((_req, res) => json(res, 200, {}));
    await createInternalClient(usersTable(), {
      baseUrl: s.url,
      key: 'from-options',
      env: { SPECFIRST_KEY_ORDERS_TO_USERS: 'from-env' },
    }).getUser!({ params: { id: '7' } });
    const headers = s.requests[0]!.headers;
    const call = {
      caller: 'orders',
      callee: 'users',
      method: 'GET',
      target: '/api/users/7',
      timestamp: Number(headers['x-specfirst-timestamp']),
      nonce: headers['x-specfirst-nonce'] as string,
    };
    expect(verifyCall('from-options', call, headers['x-specfirst-signature'] as string)).toBe(true);
  });
});
