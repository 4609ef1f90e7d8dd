import { afterAll, describe, expect, it } from 'vitest';
import { createServiceApp, type ServiceOptions } from '../../src/app.js';
import { SpecFirstRuntimeError } from '../../src/errors.js';
import { createInternalClient, InternalCallError } from '../../src/internal/client.js';
import { signCall } from '../../src/internal/signature.js';
import type { OperationDefinition } from '../../src/operation.js';
import { listen, operation, recordingLogger } from '../support.js';
import { usersTable } from './support.js';

/**
 * The caller guard (`RouterOptions.callerGuard`) of a real service app on a real port: `getUser`
 * is declared by `orders` and `billing`; this service holds the keys of orders and mailer, not
 * billing's. Calls are made by the internal client, or by hand with crafted caller headers.
 */
const closers: (() => Promise<void>)[] = [];
afterAll(() => Promise.all(closers.map((close) => close())));

const KEYS = { SPECFIRST_KEY_ORDERS: 'k-orders', SPECFIRST_KEY_MAILER: 'k-mailer' };
const getUser: OperationDefinition = { ...operation('getUser', 'get', '/users/:id'), callers: ['billing', 'orders'] };
const whoAmI: OperationDefinition = {
  ...operation('whoAmI', 'get', '/me'),
  security: [[{ scheme: 'bearer', scopes: [] }]],
  challenges: ['Bearer'],
  callers: ['orders'],
};
/** Declared by no service. */
const listUsers: OperationDefinition = operation('listUsers', 'get', '/users');

async function users(callerGuard: NonNullable<ServiceOptions['callerGuard']>) {
  const logger = recordingLogger();
  const app = createServiceApp(
    {
      basePath: '/api',
      tags: [
        {
          operations: [getUser, whoAmI, listUsers],
          controller: {
            getUser: () => ({ status: 200, body: { id: '7' } }),
            whoAmI: () => ({ status: 200, body: { id: 'me' } }),
            listUsers: () => ({ status: 200, body: [] }),
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
const strict = await users({ env: KEYS, service: 'users', requireCaller: true });
const anonymous = await users({ env: KEYS });

interface Crafted {
  caller?: string;
  key?: string;
  /** The timestamp header as sent; when absent, now minus `ageMs` (negative: ahead), read when the call is sent. */
  timestamp?: string;
  ageMs?: number;
  /** The target the signature covers, when it differs from the one sent. */
  signedTarget?: string;
  signature?: string;
}

async function send(base: string, target: string, crafted: Crafted = {}, headers: Record<string, string> = {}) {
  const sent: Record<string, string> = { ...headers };
  if (crafted.caller !== undefined) {
    const timestamp = crafted.timestamp ?? Date.now() - (crafted.ageMs ?? 0);
    const signed = signCall(crafted.key ?? 'none', {
      caller: crafted.caller,
      method: 'GET',
      target: crafted.signedTarget ?? target,
      timestamp: Number(timestamp),
    });
    Object.assign(sent, signed, {
      'x-specfirst-timestamp': String(timestamp),
      ...(crafted.signature !== undefined ? { 'x-specfirst-signature': crafted.signature } : {}),
    });
  }
  const response = await fetch(`${base}${target}`, { headers: sent });
  const body = (await response.json()) as Record<string, unknown>;
  return { status: response.status, type: response.headers.get('content-type'), body };
}

const MINUTE = 60_000;
const edge = (caller: string) => `\`${caller}: consumes.operations: [users.getUser]\``;

describe('the caller guard lets through', () => {
  it.each<[string, Crafted]>([
    ['a declared caller whose signature holds', { caller: 'orders', key: 'k-orders' }],
    [
      'a declared caller signed 4 minutes ago (within the 5 allowed)',
      { caller: 'orders', key: 'k-orders', ageMs: 4 * MINUTE },
    ],
    ['a request that names no caller (outside traffic)', {}],
  ])('%s', async (_, crafted) => {
    const answer = await send(guarded.url, '/api/users/7?expand=a', crafted);
    expect([answer.status, answer.body]).toEqual([200, { id: '7' }]);
  });

  it('anything when it is off, even a forged caller', async () => {
    // Built here, not when the file loads: a start-up that throws must fail a test.
    const off = await users(false);
    const answer = await send(off.url, '/api/users/7', { caller: 'mailer', key: 'wrong' });
    expect(answer.status).toBe(200);
  });
});

describe('the caller guard refuses with 403', () => {
  it.each<[string, Crafted, string, string, string]>([
    [
      'a caller with a valid signature and no edge to the operation',
      { caller: 'mailer', key: 'k-mailer' },
      'SFR4403',
      'caller `mailer` declares no edge to operation `getUser` (declared callers: billing, orders)',
      `add ${edge('mailer')} to spec/services.yaml and run specfirst sync, or do not make this call`,
    ],
    [
      'a signature made with another key (forged)',
      { caller: 'orders', key: 'k-mailer' },
      'SFR4406',
      'the signature of the call from `orders` does not hold for GET /api/users/7?expand=a',
      'give orders and this service the same SPECFIRST_KEY_ORDERS; a proxy must not rewrite the path or query; otherwise the call is forged',
    ],
    [
      'a signature of another path (replayed to another endpoint)',
      { caller: 'orders', key: 'k-orders', signedTarget: '/api/users/8?expand=a' },
      'SFR4406',
      'the signature of the call from `orders` does not hold for GET /api/users/7?expand=a',
      'give orders and this service the same SPECFIRST_KEY_ORDERS; a proxy must not rewrite the path or query; otherwise the call is forged',
    ],
    [
      'a signature that is not v1 hex',
      { caller: 'orders', key: 'k-orders', signature: 'v1=zz' },
      'SFR4406',
      'the signature of the call from `orders` does not hold for GET /api/users/7?expand=a',
      'give orders and this service the same SPECFIRST_KEY_ORDERS; a proxy must not rewrite the path or query; otherwise the call is forged',
    ],
    [
      'an unknown caller (no edge, no key here)',
      { caller: 'stranger', key: 'k-stranger' },
      'SFR4404',
      'caller `stranger` is not known here: it declares no edge to `getUser` (declared callers: billing, orders), and this service has no key for it (SPECFIRST_KEY_STRANGER)',
      `if stranger should call it, add ${edge('stranger')} to spec/services.yaml, run specfirst sync, and give this service SPECFIRST_KEY_STRANGER`,
    ],
    [
      'a caller header that is no service name',
      { caller: 'Orders!', key: 'k-orders' },
      'SFR4404',
      'the caller header `x-specfirst-caller` does not hold one service name',
      'send the name of one service of spec/services.yaml, as the generated internal clients do',
    ],
    [
      'two caller headers (joined into one value)',
      { caller: 'orders, mailer', key: 'k-orders' },
      'SFR4404',
      'the caller header `x-specfirst-caller` does not hold one service name',
      'send the name of one service of spec/services.yaml, as the generated internal clients do',
    ],
    [
      'a caller header that only ends in a service name',
      { caller: '1orders', key: 'k-orders' },
      'SFR4404',
      'the caller header `x-specfirst-caller` does not hold one service name',
      'send the name of one service of spec/services.yaml, as the generated internal clients do',
    ],
    [
      'a declared caller whose key this service lacks',
      { caller: 'billing', key: 'k-billing' },
      'SFR4405',
      'caller `billing` declares an edge to `getUser`, but this service has no key to check its calls (SPECFIRST_KEY_BILLING is unset)',
      "set SPECFIRST_KEY_BILLING in this service's environment to the key billing signs with (the deployment files do)",
    ],
    [
      'a timestamp 10 minutes old (stale)',
      { caller: 'orders', key: 'k-orders', ageMs: 10 * MINUTE },
      'SFR4407',
      "the call from `orders` was signed 600 s away from this service's clock (at most 300 s allowed)",
      "synchronise the services' clocks (NTP); a call signed long ago may be a replay",
    ],
    [
      'a timestamp 10 minutes ahead',
      { caller: 'orders', key: 'k-orders', ageMs: -10 * MINUTE },
      'SFR4407',
      "the call from `orders` was signed 600 s away from this service's clock (at most 300 s allowed)",
      "synchronise the services' clocks (NTP); a call signed long ago may be a replay",
    ],
    [
      'a timestamp that is not a number',
      { caller: 'orders', key: 'k-orders', timestamp: '12e5' },
      'SFR4407',
      'the call from `orders` has no valid timestamp (x-specfirst-timestamp: ms since the epoch)',
      "call through the caller's generated internal client, which signs each call",
    ],
  ])('%s: %s', async (_, crafted, code, problem, hint) => {
    const answer = await send(guarded.url, '/api/users/7?expand=a', crafted);
    expect(answer.status).toBe(403);
    expect(answer.type).toBe('application/problem+json; charset=utf-8');
    // A header that names no service is not repeated back as a caller.
    const caller = problem.includes('does not hold one service name') ? {} : { caller: crafted.caller };
    expect(answer.body).toEqual({
      type: 'about:blank',
      title: 'Forbidden',
      status: 403,
      detail: `${code} ${problem}; ${hint}`,
      code,
      hint,
      ...caller,
      instance: '/api/users/7?expand=a',
    });
  });

  it('a request with no caller when requireCaller is on (SFR4408)', async () => {
    const answer = await send(strict.url, '/api/users/7');
    expect([answer.status, answer.body.code, answer.body.detail]).toEqual([
      403,
      'SFR4408',
      'SFR4408 operation `getUser` answers only calls from services that declare it (billing, orders), and this request names no caller (x-specfirst-caller); ' +
        "call it through the caller's generated internal client, with the caller's key set",
    ]);
    expect((await send(strict.url, '/api/users/7', { caller: 'orders', key: 'k-orders' })).status).toBe(200);
  });

  it('says `none` when no service declares the operation', async () => {
    const answer = await send(guarded.url, '/api/users', { caller: 'orders', key: 'k-orders' });
    expect([answer.status, answer.body.detail]).toEqual([
      403,
      'SFR4403 caller `orders` declares no edge to operation `listUsers` (declared callers: none); ' +
        'add `orders: consumes.operations: [users.listUsers]` to spec/services.yaml and run specfirst sync, or do not make this call',
    ]);
  });

  it('takes an empty key for no key: a call signed with the empty key is refused (SFR4405)', async () => {
    const emptyKey = await users({ env: { ...KEYS, SPECFIRST_KEY_ORDERS: '' }, service: 'users' });
    const answer = await send(emptyKey.url, '/api/users/7', { caller: 'orders', key: '' });
    expect([answer.status, answer.body.code]).toEqual([403, 'SFR4405']);
  });

  it('names `<this service>` in the line to add when it is not told its name', async () => {
    const answer = await send(anonymous.url, '/api/users/7', { caller: 'mailer', key: 'k-mailer' });
    expect(answer.body.hint).toBe(
      'add `mailer: consumes.operations: [<this service>.getUser]` to spec/services.yaml and run specfirst sync, or do not make this call',
    );
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

  it('logs each refusal with its code and caller', async () => {
    const before = guarded.logger.entries.length;
    await send(guarded.url, '/api/users/7', { caller: 'mailer', key: 'k-mailer' }, { 'x-request-id': 'r-refused' });
    expect(guarded.logger.entries.slice(before)).toEqual([
      {
        level: 'warn',
        message: 'refused an internal call',
        fields: { requestId: 'r-refused', method: 'GET', url: '/api/users/7', code: 'SFR4403', caller: 'mailer' },
      },
    ]);
  });
});

describe('the guard seen from the internal client', () => {
  it('a declared caller gets its answer; an undeclared one an InternalCallError naming the line to add', async () => {
    const orders = createInternalClient(usersTable(), { baseUrl: guarded.url, env: KEYS });
    expect((await orders.getUser!({ params: { id: '7' } })).body).toEqual({ id: '7' });
    const mailer = createInternalClient(usersTable({ caller: 'mailer', keyEnv: 'SPECFIRST_KEY_MAILER' }), {
      baseUrl: guarded.url,
      env: KEYS,
    });
    const error = await mailer.getUser!({ params: { id: '7' } }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(InternalCallError);
    expect((error as InternalCallError).message).toBe(
      "SFR4403 users refused mailer's call of getUser: caller `mailer` declares no edge to operation `getUser` (declared callers: billing, orders); " +
        "users's spec does not list mailer as a caller: add `mailer: consumes.operations: [users.getUser]` to spec/services.yaml, run specfirst sync and deploy users again",
    );
  });

  it.each<[string, 'guarded' | 'strict', Partial<Parameters<typeof usersTable>[0]>, Record<string, string>, string]>([
    [
      'SFR4404',
      'guarded',
      { caller: 'stranger', keyEnv: 'SPECFIRST_KEY_STRANGER' },
      { SPECFIRST_KEY_STRANGER: 'k-stranger' },
      "SFR4404 users refused stranger's call of getUser: caller `stranger` is not known here: it declares no edge to `getUser` (declared callers: billing, orders), and this service has no key for it (SPECFIRST_KEY_STRANGER); " +
        `if stranger should call it, add ${edge('stranger')} to spec/services.yaml, run specfirst sync, and give this service SPECFIRST_KEY_STRANGER`,
    ],
    [
      'SFR4405',
      'guarded',
      { caller: 'billing', keyEnv: 'SPECFIRST_KEY_BILLING' },
      { SPECFIRST_KEY_BILLING: 'k-billing' },
      "SFR4405 users refused billing's call of getUser: caller `billing` declares an edge to `getUser`, but this service has no key to check its calls (SPECFIRST_KEY_BILLING is unset); " +
        "set SPECFIRST_KEY_BILLING in this service's environment to the key billing signs with (the deployment files do)",
    ],
    [
      'SFR4408',
      'strict',
      {},
      {},
      "SFR4408 users refused orders's call of getUser: operation `getUser` answers only calls from services that declare it (billing, orders), and this request names no caller (x-specfirst-caller); " +
        "call it through the caller's generated internal client, with the caller's key set",
    ],
  ])(
    'a refusal %s reaches the caller as an InternalCallError with the callee’s words',
    async (code, callee, table, env, message) => {
      const client = createInternalClient(usersTable(table), {
        baseUrl: (callee === 'strict' ? strict : guarded).url,
        env,
      });
      const error = (await client.getUser!({ params: { id: '7' } }).then(
        () => undefined,
        (e: unknown) => e,
      )) as InternalCallError;
      expect(error).toBeInstanceOf(InternalCallError);
      expect([error.code, error.attempts, error.message]).toEqual([code, 1, message]);
    },
  );

  it("a client with another key than the callee's gets SFR4406 with the callee's hint", async () => {
    const orders = createInternalClient(usersTable(), { baseUrl: guarded.url, key: 'not-the-key' });
    const error = (await orders.getUser!({ params: { id: '7' } }).then(
      () => undefined,
      (e: unknown) => e,
    )) as InternalCallError;
    expect([error.code, error.attempts]).toEqual(['SFR4406', 1]);
    expect(error.hint).toBe(
      'give orders and this service the same SPECFIRST_KEY_ORDERS; a proxy must not rewrite the path or query; otherwise the call is forged',
    );
  });
});

describe('callerGuard options', () => {
  it.each([
    [{ maxSkewMs: 0 }, 'options.callerGuard.maxSkewMs must be a positive integer (ms); got 0'],
    [{ maxSkewMs: 1.5 }, 'options.callerGuard.maxSkewMs must be a positive integer (ms); got 1.5'],
    [
      { service: 'Users' },
      'options.callerGuard.service must be this service\'s name in spec/services.yaml; got "Users"',
    ],
  ])('refuses %j at start-up with SFR1404', (callerGuard, problem) => {
    let thrown: unknown;
    try {
      createServiceApp({ basePath: '', tags: [] }, { logger: recordingLogger(), docs: false, callerGuard });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(SpecFirstRuntimeError);
    expect((thrown as SpecFirstRuntimeError).message).toContain(`SFR1404 ${problem}; `);
  });
});
