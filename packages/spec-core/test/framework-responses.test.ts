import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  checkFrameworkResponses,
  FRAMEWORK_RESPONSES,
  frameworkResponsesFor,
  frameworkResponsesOf,
  frameworkResponsesUncovered,
  frameworkResponsesUndeclared,
  isGuarded,
  isProblemStatus,
  loadProjectSync,
  type IRResponse,
  type OperationShape,
} from '../src/index.js';
import { FIXTURES, lineOf, tempProject } from './helpers.js';

describe('the responses the runtime sends on its own', () => {
  it.each([
    [{ parameters: false, body: false, guarded: false }, [500]],
    [{ parameters: true, body: false, guarded: false }, [400, 500]],
    [{ parameters: false, body: true, guarded: false }, [400, 413, 415, 500]],
    [{ parameters: false, body: false, guarded: true }, [401, 500]],
    [{ parameters: true, body: true, guarded: true }, [400, 401, 413, 415, 500]],
  ] as [OperationShape, number[]][])('%o gets %o', (shape, statuses) => {
    expect(frameworkResponsesFor(shape).map((r) => r.status)).toEqual(statuses);
  });

  it('reads the shape of an IR operation: cookies are not read, a scheme beside the anonymous `{}` can still refuse', () => {
    const loc = { file: 'api.yaml', pointer: '', line: 1, column: 1 };
    const schema = { kind: 'string', nullable: false, loc } as const;
    const cookie = { name: 'session', in: 'cookie', required: true, schema, loc } as const;
    const query = { ...cookie, name: 'q', in: 'query' } as const;
    const statuses = (op: Parameters<typeof frameworkResponsesOf>[0]) => frameworkResponsesOf(op).map((r) => r.status);
    expect(statuses({ parameters: [cookie], security: [] })).toEqual([500]);
    expect(statuses({ parameters: [cookie, query], security: [] })).toEqual([400, 500]);
    expect(
      statuses({ parameters: [], security: [{ schemes: [] }, { schemes: [{ scheme: 'key', scopes: [] }] }] }),
    ).toEqual([401, 500]);
    expect(statuses({ parameters: [], security: [{ schemes: [] }] })).toEqual([500]);
    expect(
      statuses({
        parameters: [],
        body: { contentType: 'application/json', required: true, schema, loc },
        security: [{ schemes: [{ scheme: 'key', scopes: [] }] }],
      }),
    ).toEqual([400, 401, 413, 415, 500]);
  });

  it('never gives an operation the 404 and 405 of requests that reach no operation', () => {
    const every = frameworkResponsesFor({ parameters: true, body: true, guarded: true }).map((r) => r.status);
    expect(every).not.toContain(404);
    expect(every).not.toContain(405);
    expect(FRAMEWORK_RESPONSES[404].scope).toBe('no-operation');
    expect(FRAMEWORK_RESPONSES[405].scope).toBe('no-operation');
  });

  it.each([
    [[], false, 'public'],
    [[['bearer']], true, 'one scheme'],
    [[['bearer', 'apiKey']], true, 'an AND of schemes'],
    [[['bearer'], ['apiKey']], true, 'an OR of schemes'],
    [[[]], false, 'only the anonymous alternative `{}`: nothing is checked'],
    [[[], ['bearer']], true, 'optional: credentials that are sent can still be refused'],
    [[['bearer'], []], true, 'wherever the anonymous alternative is listed'],
  ] as [string[][], boolean, string][])('isGuarded(%j) is %s (%s)', (security, guarded) => {
    expect(isGuarded(security)).toBe(guarded);
  });

  it.each([
    ['nothing declared', [], [400, 401, 500], [400, 401, 500]],
    ['the exact statuses', ['400', '401'], [500], [500]],
    ['a 4XX range', ['4XX'], [400, 401, 500], [500]],
    ['default', ['default'], [400, 401, 500], []],
    ['a 5XX range', [500 as const, '5XX'], [400, 401], [400, 401]],
  ] as [string, (string | number)[], number[], number[]][])(
    'a guarded operation with a parameter that declares %s: undeclared %j, uncovered %j',
    (_case, statuses, undeclared, uncovered) => {
      const loc = { file: 'api.yaml', pointer: '', line: 1, column: 1 };
      const schema = { kind: 'string', nullable: false, loc } as const;
      const op = {
        parameters: [{ name: 'q', in: 'query' as const, required: true, schema, loc }],
        security: [{ schemes: [{ scheme: 'key', scopes: [] }] }],
        responses: statuses.map((status) => ({
          status: (typeof status === 'string' && /^\d+$/.test(status)
            ? Number(status)
            : status) as IRResponse['status'],
          description: 'd',
          headers: [],
          loc,
        })),
      };
      expect(frameworkResponsesUndeclared(op).map((r) => r.status)).toEqual(undeclared);
      expect(frameworkResponsesUncovered(op).map((r) => r.status)).toEqual(uncovered);
    },
  );

  it.each([
    [400, true],
    [401, true],
    [413, true],
    [415, true],
    [500, true],
    [404, false],
    [405, false],
    [403, false],
    [200, false],
    ['4XX', false],
    ['default', false],
  ] as [IRResponse['status'], boolean][])('isProblemStatus(%j) is %s', (status, expected) => {
    expect(isProblemStatus(status)).toBe(expected);
  });

  it('keys each response by its status, with a name fit for components.responses', () => {
    for (const [status, response] of Object.entries(FRAMEWORK_RESPONSES)) {
      expect(String(response.status)).toBe(status);
      expect(response.name).toMatch(/^[A-Za-z]+$/);
    }
  });
});

describe('SF6008: an imported operation that leaves out a response the runtime sends', () => {
  /** The operation `op` of a document, `get /x`, with the given fields. */
  function warningsFor(operation: string, extra = ''): string[] {
    const text = `openapi: 3.1.0
info: { title: t, version: '1' }
paths:
  /x/{id}:
    post:
      operationId: op
${operation
  .split('\n')
  .map((line) => `      ${line}`)
  .join('\n')}
components:
  securitySchemes:
    key: { type: apiKey, in: header, name: X-Key }
${extra}`;
    const root = tempProject({ 'api.yaml': text });
    const { ir, diagnostics } = loadProjectSync(path.join(root, 'api.yaml'), { cache: false });
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const advice = checkFrameworkResponses(ir);
    for (const d of advice) {
      expect(d).toMatchObject({ code: 'SF6008', severity: 'warning', file: 'api.yaml', line: lineOf(text, 'post:') });
      expect(d.message).toContain('`POST /x/{id}` (`op`)');
    }
    return advice.map((d) => (d.message.match(/\b[45]\d\d\b/g) ?? []).join(' '));
  }
  const PATH_ID = 'parameters: [{ name: id, in: path, required: true, schema: { type: string } }]';
  const BODY = 'requestBody: { content: { application/json: { schema: { type: object } } } }';
  const OK = "responses: { '200': { description: ok } }";

  it.each([
    ['a path parameter', [PATH_ID, OK], ['400']],
    ['a body too', [PATH_ID, BODY, OK], ['400 413 415']],
    ['a guard', [PATH_ID, 'security: [{ key: [] }]', OK], ['400 401']],
    ['a guard with an anonymous alternative', [PATH_ID, 'security: [{}, { key: [] }]', OK], ['400 401']],
    ['only the anonymous alternative', [PATH_ID, 'security: [{}]', OK], ['400']],
    [
      'the statuses it declares itself',
      [
        PATH_ID,
        BODY,
        "responses: { '200': { description: ok }, '400': { description: bad }, '415': { description: no } }",
      ],
      ['413'],
    ],
    ['a 4XX response', [PATH_ID, BODY, "responses: { '200': { description: ok }, 4XX: { description: bad } }"], []],
    [
      'a default response',
      [PATH_ID, BODY, "responses: { '200': { description: ok }, default: { description: any } }"],
      [],
    ],
  ] as [string, string[], string[]][])('%s', (_case, lines, expected) => {
    expect(warningsFor(lines.join('\n'))).toEqual(expected);
  });

  it.each([
    [
      'a path parameter',
      [PATH_ID, OK],
      '`POST /x/{id}` (`op`) declares no response for 400 (a parameter or the body is not valid), which the SpecFirst runtime sends',
      "declare `'400'` with an `application/problem+json` body, or a `4XX` response; the OpenAPI document `specfirst sync` publishes for `api` declares them already",
    ],
    [
      'a body and a guard',
      [PATH_ID, BODY, 'security: [{ key: [] }]', OK],
      '`POST /x/{id}` (`op`) declares no response for 400 (a parameter or the body is not valid), 401 (credentials are missing or refused), 413 (the body is too large), 415 (the body is in another media type), which the SpecFirst runtime sends',
      "declare `'400'`, `'401'`, `'413'`, `'415'` with an `application/problem+json` body, or a `4XX` response; the OpenAPI document `specfirst sync` publishes for `api` declares them already",
    ],
  ] as [string, string[], string, string][])('%s: the exact message and hint', (_case, lines, message, hint) => {
    const text = `openapi: 3.1.0
info: { title: t, version: '1' }
paths:
  /x/{id}:
    post:
      operationId: op
${lines.map((line) => `      ${line}`).join('\n')}
components:
  securitySchemes:
    key: { type: apiKey, in: header, name: X-Key }
`;
    const root = tempProject({ 'api.yaml': text });
    const advice = checkFrameworkResponses(loadProjectSync(path.join(root, 'api.yaml'), { cache: false }).ir);
    expect(advice.map((d) => [d.code, d.line, d.column, d.message, d.hint])).toEqual([
      ['SF6008', lineOf(text, 'post:'), 5, message, hint],
    ]);
  });

  it('leaves our own format alone: its published document is the one clients read', () => {
    const { ir } = loadProjectSync(path.join(FIXTURES, 'shop'), { cache: false });
    expect(checkFrameworkResponses(ir)).toEqual([]);
  });
});
