import { afterAll, describe, expect, it } from 'vitest';
import { createServiceApp, type ServiceOptions } from '../../src/app.js';
import { SpecFirstRuntimeError } from '../../src/errors.js';
import { createInternalClient, InternalCallError } from '../../src/internal/client.js';
import { newNonce, signCall } from '../../src/internal/signature.js';
import type { OperationDefinition } from '../../src/operation.js';
import { listen, operation, recordingLogger } from '../support.js';
import { usersTable } from './support.js';

/**
 * The caller guard (`RouterOptions.callerGuard`) of a real service app on a real port: `getUser`
 * is declared by `orders` and `billing`; this service holds the keys of the edges orders → users
 * and mailer → users (mailer calls another operation of users), not billing's. Calls are made by
 * the internal client, or by hand with crafted caller headers.
 */
const closers: (() => Promise<void>)[] = [];
afterAll(() => Promise.all(closers.map((close) => close())));

const KEYS = { SPECFIRST_KEY_ORDERS_TO_USERS: 'k-orders', SPECFIRST_KEY_MAILER_TO_USERS: 'k-mailer' };
const getUser: OperationDefinition = { ...operation('getUser', 'get', '/users/:id'), callers: ['billing', 'orders'] };
const whoAmI: OperationDefinition = {
  ...operation('whoAmI', 'get', '/me'),
  security: [[{ scheme: 'bearer', scopes: [] }]],
  challenges: ['Bearer'],
  callers: ['orders'],
};

async function users(callerGuard: NonNullable<ServiceOptions['callerGuard']>) {
  const logger = recordingLogger();
  const app = createServiceApp(
    {
      basePath: '/api',
      tags: [
        {
          operations: [getUser, whoAmI],
          controller: {
            getUser: () => ({ status: 200, body: { id: '7' } }),
            whoAmI: () => ({ status: 200, body: { id: 'me' } }),
          },
        },
      ],
    },
    {
      logger,
      docs: false,
      authenticate: { bearer: (req) => (req.headers.authorization === 'Bearer good' ? {} : null) },
      callerGuard,
    },
  );
  const { url, close } = await listen(app);
  closers.push(close);
  return { url, logger };
}

const guarded = await users({ env: KEYS, service: 'users' });
const strict = await users({ env: KEYS, service: 'users', requireCaller: ['getUser'] });
const tiny = await users({ env: KEYS, service: 'users', replayCacheSize: 1 });
const off = await users(false);

interface Crafted {
  caller?: string;
  key?: string;
  timestamp?: string | number;
  /** The target the signature covers, when it differs from the one sent. */
  signedTarget?: string;
  /** The callee the signature names, when not `users`. */
  signedCallee?: string;
  signature?: string;
  /** Send the caller and timestamp without a signature, as a client without a key does. */
  unsigned?: boolean;
}

function headersOf(target: string, crafted: Crafted): Record<string, string> {
  if (crafted.caller === undefined) return {};
  const timestamp = crafted.timestamp ?? Date.now();
  const signed = signCall(crafted.key ?? 'none', {
    caller: crafted.caller,
    callee: crafted.signedCallee ?? 'users',
    method: 'GET',
    target: crafted.signedTarget ?? target,
    timestamp: Number(timestamp),
    nonce: newNonce(),
  });
  const sent: Record<string, string> = { ...signed, 'x-specfirst-timestamp': String(timestamp) };
  if (crafted.signature !== undefined) sent['x-specfirst-signature'] = crafted.signature;
  if (crafted.unsigned) delete sent['x-specfirst-signature'];
  return sent;
}

async function sendHeaders(base: string, target: string, headers: Record<string, string>) {
  const response = await fetch(`${base}${target}`, { headers });
  const body = (await response.json()) as Record<string, unknown>;
  return { status: response.status, type: response.headers.get('content-type'), body };
}

async function send(base: string, target: string, crafted: Crafted = {}, headers: Record<string, string> = {}) {
  return sendHeaders(base, target, { ...headers, ...headersOf(target, crafted) });
}

const MINUTE = 60_000;
const edge = (caller: string) => `\`${caller}: consumes.operations: [users.getUser]\``;
const FORGED_HINT =
  'give orders and this service the same SPECFIRST_KEY_ORDERS_TO_USERS; a proxy must not rewrite the path or query; otherwise the call is forged';

describe('the caller guard lets through', () => {
  it.each<[string, Crafted]>([
    ['a declared caller whose signature holds', { caller: 'orders', key: 'k-orders' }],
    [
      'a declared caller signed 4 minutes ago (within the 5 allowed)',
      { caller: 'orders', key: 'k-orders', timestamp: Date.now() - 4 * MINUTE },
    ],
    ['a request that names no caller (outside traffic)', {}],
  ])('%s', async (_, crafted) => {
    const answer = await send(guarded.url, '/api/users/7?expand=a', crafted);
    expect([answer.status, answer.body]).toEqual([200, { id: '7' }]);
  });

  it('anything when it is off, even a forged caller', async () => {
    const answer = await send(off.url, '/api/users/7', { caller: 'mailer', key: 'wrong' });
    expect(answer.status).toBe(200);
  });
});

describe('the caller guard refuses with 403', () => {
  it('a verified caller with no edge to the operation, telling it the services.yaml line to add (SFR4403)', async () => {
    const answer = await send(guarded.url, '/api/users/7?expand=a', { caller: 'mailer', key: 'k-mailer' });
    const hint = `add ${edge('mailer')} to spec/services.yaml and run specfirst sync, or do not make this call`;
    expect([answer.status, answer.type]).toEqual([403, 'application/problem+json; charset=utf-8']);
    expect(answer.body).toEqual({
      type: 'about:blank',
      title: 'Forbidden',
      status: 403,
      detail: `SFR4403 caller \`mailer\` declares no edge to operation \`getUser\` of \`users\`; ${hint}`,
      code: 'SFR4403',
      hint,
      caller: 'mailer',
      instance: '/api/users/7?expand=a',
    });
  });

  // Whoever sent these may not be a service: the answer says only the code; the log says why.
  it.each<[string, Crafted, string, string | RegExp, string]>([
    [
      'a signature made with another key (forged)',
      { caller: 'orders', key: 'k-mailer' },
      'SFR4406',
      'the signature of the call from `orders` does not hold for GET /api/users/7?expand=a (caller header: orders)',
      FORGED_HINT,
    ],
    [
      'a signature of another path (replayed to another endpoint)',
      { caller: 'orders', key: 'k-orders', signedTarget: '/api/users/8?expand=a' },
      'SFR4406',
      'the signature of the call from `orders` does not hold for GET /api/users/7?expand=a (caller header: orders)',
      FORGED_HINT,
    ],
    [
      'a signature made for another callee (a callee signing as its caller)',
      { caller: 'orders', key: 'k-orders', signedCallee: 'billing' },
      'SFR4406',
      'the signature of the call from `orders` does not hold for GET /api/users/7?expand=a (caller header: orders)',
      FORGED_HINT,
    ],
    [
      'a signature that is not v1 hex',
      { caller: 'orders', key: 'k-orders', signature: 'v1=zz' },
      'SFR4406',
      'the signature of the call from `orders` does not hold for GET /api/users/7?expand=a (caller header: orders)',
      FORGED_HINT,
    ],
    [
      'a caller with no signature (a client without its key)',
      { caller: 'orders', unsigned: true },
      'SFR4406',
      'the call from `orders` is not signed: its client has no key (SPECFIRST_KEY_ORDERS_TO_USERS) (caller header: orders)',
      FORGED_HINT,
    ],
    [
      'an unknown caller (no edge, no key here)',
      { caller: 'stranger', key: 'k-stranger' },
      'SFR4404',
      'caller `stranger` is not known here: it declares no edge to `getUser` (declared callers: billing, orders), and this service has no key for it (SPECFIRST_KEY_STRANGER_TO_USERS) (caller header: stranger)',
      `if stranger should call it, add ${edge('stranger')} to spec/services.yaml, run specfirst sync, and give stranger and this service SPECFIRST_KEY_STRANGER_TO_USERS`,
    ],
    [
      'a caller header that is no service name',
      { caller: 'Orders!', key: 'k-orders' },
      'SFR4404',
      'the caller header `x-specfirst-caller` does not hold one service name',
      'send the name of one service of spec/services.yaml, as the generated internal clients do',
    ],
    [
      'a declared caller whose key this service lacks',
      { caller: 'billing', key: 'k-billing' },
      'SFR4405',
      'caller `billing` declares an edge to `getUser`, but this service has no key to check its calls (SPECFIRST_KEY_BILLING_TO_USERS is unset) (caller header: billing)',
      "set SPECFIRST_KEY_BILLING_TO_USERS in this service's environment to the key billing signs with (the deployment files do)",
    ],
    [
      'a timestamp 10 minutes old (stale)',
      { caller: 'orders', key: 'k-orders', timestamp: Date.now() - 10 * MINUTE },
      'SFR4407',
      /^the call from `orders` was signed (59\d|60\d) s away from this service's clock \(at most 300 s allowed\) \(caller header: orders\)$/,
      "synchronise the services' clocks (NTP); a call signed long ago may be a replay",
    ],
    [
      'a timestamp 10 minutes ahead',
      { caller: 'orders', key: 'k-orders', timestamp: Date.now() + 10 * MINUTE },
      'SFR4407',
      /^the call from `orders` was signed (59\d|60\d) s away from this service's clock \(at most 300 s allowed\) \(caller header: orders\)$/,
      "synchronise the services' clocks (NTP); a call signed long ago may be a replay",
    ],
    [
      'a timestamp that is not a number',
      { caller: 'orders', key: 'k-orders', timestamp: '12e5' },
      'SFR4407',
      'the call from `orders` has no valid timestamp (x-specfirst-timestamp: ms since the epoch) (caller header: orders)',
      "call through the caller's generated internal client, which signs each call",
    ],
  ])('%s: a generic %s, the detail in the log', async (_, crafted, code, detail, hint) => {
    const before = guarded.logger.entries.length;
    const answer = await send(guarded.url, '/api/users/7?expand=a', crafted, { 'x-request-id': 'r-refused' });
    expect(answer.status).toBe(403);
    expect(answer.body).toEqual({
      type: 'about:blank',
      title: 'Forbidden',
      status: 403,
      detail: `${code} the caller guard refused this request`,
      code,
      instance: '/api/users/7?expand=a',
    });
    expect(guarded.logger.entries.slice(before)).toEqual([
      {
        level: 'warn',
        message: 'refused an internal call',
        fields: {
          requestId: 'r-refused',
          method: 'GET',
          url: '/api/users/7?expand=a',
          code,
          detail: typeof detail === 'string' ? detail : expect.stringMatching(detail),
          hint,
        },
      },
    ]);
  });

  it('the same signed call a second time (a replay), however soon (SFR4406)', async () => {
    const headers = headersOf('/api/users/7', { caller: 'orders', key: 'k-orders' });
    expect((await sendHeaders(guarded.url, '/api/users/7', headers)).status).toBe(200);
    const replayed = await sendHeaders(guarded.url, '/api/users/7', headers);
    expect([replayed.status, replayed.body.code]).toEqual([403, 'SFR4406']);
    expect(guarded.logger.entries.at(-1)?.fields).toMatchObject({
      detail: 'the signed call from `orders` (GET /api/users/7) was already received: a replay (caller header: orders)',
    });
  });

  it('a signed call when the replay cache is full, until its entries expire (SFR4406)', async () => {
    expect((await send(tiny.url, '/api/users/7', { caller: 'orders', key: 'k-orders' })).status).toBe(200);
    const refused = await send(tiny.url, '/api/users/7', { caller: 'orders', key: 'k-orders' });
    expect([refused.status, refused.body.code]).toEqual([403, 'SFR4406']);
    expect(tiny.logger.entries.at(-1)?.fields).toMatchObject({
      detail: 'the replay cache is full (1 signed calls within 300 s) (caller header: orders)',
    });
  });

  it('a request with no caller to an operation requireCaller names (SFR4408); the others go on to their security', async () => {
    const answer = await send(strict.url, '/api/users/7');
    expect([answer.status, answer.body.code]).toEqual([403, 'SFR4408']);
    expect(strict.logger.entries.at(-1)?.fields).toMatchObject({
      detail:
        'operation `getUser` answers only calls from services that declare it (billing, orders), and this request names no caller (x-specfirst-caller)',
    });
    expect((await send(strict.url, '/api/users/7', { caller: 'orders', key: 'k-orders' })).status).toBe(200);
    expect((await send(strict.url, '/api/me')).status).toBe(401);
  });

  it('runs before authentication: an undeclared caller gets 403, a declared one still needs credentials', async () => {
    expect((await send(guarded.url, '/api/me', { caller: 'mailer', key: 'k-mailer' })).status).toBe(403);
    expect((await send(guarded.url, '/api/me', { caller: 'orders', key: 'k-orders' })).status).toBe(401);
    const passed = await send(
      guarded.url,
      '/api/me',
      { caller: 'orders', key: 'k-orders' },
      { authorization: 'Bearer good' },
    );
    expect(passed.status).toBe(200);
  });
});

async function failure(promise: Promise<unknown>): Promise<InternalCallError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(InternalCallError);
  return error as InternalCallError;
}

describe('the guard seen from the internal client', () => {
  it('a declared caller gets its answer; an undeclared one an InternalCallError naming the line to add', async () => {
    const orders = createInternalClient(usersTable(), { baseUrl: guarded.url, env: KEYS });
    expect((await orders.getUser!({ params: { id: '7' } })).body).toEqual({ id: '7' });
    const mailer = createInternalClient(usersTable({ caller: 'mailer', keyEnv: 'SPECFIRST_KEY_MAILER_TO_USERS' }), {
      baseUrl: guarded.url,
      env: KEYS,
    });
    const error = await failure(mailer.getUser!({ params: { id: '7' } }));
    expect(error.message).toBe(
      "SFR4403 users refused mailer's call of getUser: caller `mailer` declares no edge to operation `getUser` of `users`; " +
        "users's spec does not list mailer as a caller: add `mailer: consumes.operations: [users.getUser]` to spec/services.yaml, run specfirst sync and deploy users again",
    );
  });

  it.each<[string, { key?: string }]>([
    ["a key other than the callee's", { key: 'not-the-key' }],
    ['no key: the call names its caller unsigned, never passing as outside traffic', {}],
  ])('%s: SFR4406 with what to check', async (_, options) => {
    const orders = createInternalClient(usersTable(), { baseUrl: guarded.url, env: {}, ...options });
    const error = await failure(orders.getUser!({ params: { id: '7' } }));
    expect([error.code, error.attempts]).toEqual(['SFR4406', 1]);
    expect(error.hint).toBe(
      "the signature did not hold: give the caller and the callee the same key of this edge; a proxy must not rewrite the path or query; see the callee's log (key: SPECFIRST_KEY_ORDERS_TO_USERS)",
    );
  });
});

describe('callerGuard options', () => {
  it('refuses a requireCaller that names an operation the service does not have (a typo would leave it open)', () => {
    expect(() =>
      createServiceApp(
        { basePath: '', tags: [{ operations: [getUser, whoAmI], controller: {} }] },
        { logger: recordingLogger(), docs: false, callerGuard: { service: 'users', requireCaller: ['getUsr'] } },
      ),
    ).toThrow(
      'SFR1404 options.callerGuard.requireCaller names `getUsr`, which this service does not have; list operationIds of this service: getUser, whoAmI',
    );
  });

  it.each<[unknown, string]>([
    [
      { service: 'users', maxSkewMs: 0 },
      'SFR1404 options.callerGuard.maxSkewMs must be a positive integer (ms); got 0',
    ],
    [
      { service: 'users', maxSkewMs: 1.5 },
      'SFR1404 options.callerGuard.maxSkewMs must be a positive integer (ms); got 1.5',
    ],
    [
      { service: 'users', requireCaller: 'yes' },
      'SFR1404 options.callerGuard.requireCaller must be true, false or a list of operationIds; got "yes"',
    ],
    [
      { service: 'users', replayCacheSize: 0 },
      'SFR1404 options.callerGuard.replayCacheSize must be a positive integer; got 0',
    ],
    [
      { service: 'Users' },
      'SFR1405 options.callerGuard.service must be this service\'s name in spec/services.yaml; got "Users"',
    ],
    [
      true,
      'SFR1405 options.callerGuard needs `service`: the name of this service, the second half of the key of each edge it checks (SPECFIRST_KEY_<CALLER>_TO_<SERVICE>)',
    ],
    [
      {},
      'SFR1405 options.callerGuard needs `service`: the name of this service, the second half of the key of each edge it checks (SPECFIRST_KEY_<CALLER>_TO_<SERVICE>)',
    ],
  ])('refuses %j at start-up', (callerGuard, problem) => {
    let thrown: unknown;
    try {
      createServiceApp(
        { basePath: '', tags: [] },
        {
          logger: recordingLogger(),
          docs: false,
          callerGuard: callerGuard as NonNullable<ServiceOptions['callerGuard']>,
        },
      );
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(SpecFirstRuntimeError);
    expect((thrown as SpecFirstRuntimeError).message).toContain(`${problem}; `);
  });
});
