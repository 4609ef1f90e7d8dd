import type { Request } from 'express';
import { afterAll, describe, expect, it } from 'vitest';
import type { Authenticator } from '../../src/auth.js';
import type { OperationDefinition } from '../../src/operation.js';
import { authenticateStage } from '../../src/pipeline/authenticate.js';
import { HttpProblem } from '../../src/problem.js';
import { operation, serveStage } from '../support.js';

/** The authenticate stage on a real Express route: what a client sees for each security setup. */
const closers: (() => Promise<void>)[] = [];
afterAll(() => Promise.all(closers.map((close) => close())));

/** Passes when the request carries `x-<scheme>: ok`, as the principal `{ scheme, scopes }`; `x-<scheme>: deny` throws a 403. */
const byHeader: Authenticator = (req: Request, { scheme, scopes }) => {
  const given = req.headers[`x-${scheme.toLowerCase()}`];
  if (given === 'deny') throw new HttpProblem(403, 'Forbidden', { detail: `${scheme} lacks a scope` });
  return given === 'ok' ? { scheme, scopes } : null;
};
const authenticators = {
  bearer: byHeader,
  basic: byHeader,
  apiKey: async (req: Request, requirement: { scheme: string; scopes: readonly string[] }) =>
    byHeader(req, requirement),
};

function secured(security: OperationDefinition['security'], challenges: string[] = []): OperationDefinition {
  return { ...operation('getThing', 'get', '/thing'), security, challenges };
}

async function ask(
  definition: OperationDefinition,
  headers: Record<string, string> = {},
  auth: Record<string, Authenticator> = authenticators,
) {
  const { url, close } = await serveStage('get', '/thing', authenticateStage(definition, auth));
  closers.push(close);
  const response = await fetch(`${url}/thing`, { headers });
  return {
    status: response.status,
    challenge: response.headers.get('www-authenticate'),
    type: response.headers.get('content-type'),
    body: (await response.json()) as Record<string, unknown>,
  };
}

const bearer = [{ scheme: 'bearer', scopes: [] }];
const apiKeyRead = [{ scheme: 'apiKey', scopes: ['read'] }];

describe('the authenticate stage', () => {
  const passes: [string, OperationDefinition, Record<string, string>, unknown][] = [
    ['a public operation, whatever the request carries', secured([]), { 'x-bearer': 'deny' }, {}],
    ['the one scheme passes', secured([bearer]), { 'x-bearer': 'ok' }, { bearer: { scheme: 'bearer', scopes: [] } }],
    [
      'an asynchronous authenticator, with the scopes the spec asks for',
      secured([apiKeyRead]),
      { 'x-apiKey': 'ok' },
      { apiKey: { scheme: 'apiKey', scopes: ['read'] } },
    ],
    [
      'the second alternative, when the first fails: only its principals',
      secured([bearer, apiKeyRead]),
      { 'x-apiKey': 'ok' },
      { apiKey: { scheme: 'apiKey', scopes: ['read'] } },
    ],
    [
      'both schemes of one alternative',
      secured([[...bearer, { scheme: 'basic', scopes: [] }]]),
      { 'x-bearer': 'ok', 'x-basic': 'ok' },
      { bearer: { scheme: 'bearer', scopes: [] }, basic: { scheme: 'basic', scopes: [] } },
    ],
    ['optional authentication without credentials', secured([[], bearer]), {}, {}],
    [
      'optional authentication with credentials: they are checked and kept',
      secured([[], bearer]),
      { 'x-bearer': 'ok' },
      { bearer: { scheme: 'bearer', scopes: [] } },
    ],
  ];
  it.each(passes)('goes on with the principals: %s', async (_name, definition, headers, principals) => {
    const answer = await ask(definition, headers);
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ value: principals, failures: [] });
  });

  const refusals: [string, OperationDefinition, Record<string, string>, string | null][] = [
    ['no credentials', secured([bearer], ['Bearer']), {}, 'Bearer'],
    ['credentials that do not pass', secured([bearer], ['Bearer']), { 'x-bearer': 'wrong' }, 'Bearer'],
    [
      'one scheme of an alternative that needs two',
      secured([[...bearer, { scheme: 'basic', scopes: [] }]], ['Bearer', 'Basic realm="shop"']),
      { 'x-bearer': 'ok' },
      'Bearer, Basic realm="shop"',
    ],
    ['no challenge declared: no WWW-Authenticate', secured([apiKeyRead]), {}, null],
  ];
  it.each(refusals)('stops with a 401 problem: %s', async (_name, definition, headers, challenge) => {
    const answer = await ask(definition, headers);
    expect(answer).toEqual({
      status: 401,
      challenge,
      type: 'application/problem+json; charset=utf-8',
      body: {
        type: 'about:blank',
        title: 'Unauthorized',
        status: 401,
        detail: 'this operation needs valid credentials',
        instance: '/thing',
      },
    });
  });

  it('lets an authenticator answer with its own problem (a 403)', async () => {
    const answer = await ask(secured([bearer]), { 'x-bearer': 'deny' });
    expect(answer.status).toBe(403);
    expect(answer.body).toMatchObject({ title: 'Forbidden', detail: 'bearer lacks a scope' });
  });

  it('asks each scheme once per request and scope set, and never for a public operation', async () => {
    const calls: string[] = [];
    const counting: Authenticator = (req, requirement) => {
      calls.push(`${requirement.scheme}:${requirement.scopes.join(',')}`);
      return byHeader(req, requirement);
    };
    const twice = secured([
      [...bearer, { scheme: 'basic', scopes: [] }],
      [...bearer, { scheme: 'apiKey', scopes: [] }],
    ]);
    expect(
      (
        await ask(
          twice,
          { 'x-bearer': 'ok', 'x-apiKey': 'ok' },
          { bearer: counting, basic: counting, apiKey: counting },
        )
      ).status,
    ).toBe(200);
    expect(calls).toEqual(['bearer:', 'basic:', 'apiKey:']);
    calls.length = 0;
    expect((await ask(secured([]), {}, { bearer: counting })).status).toBe(200);
    expect(calls).toEqual([]);
  });
});
