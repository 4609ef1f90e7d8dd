/**
 * The battery's own parts, without a server: what it generates from a document, and the checks
 * that judge answers (a leak check that never fires, or a status check that accepts anything,
 * would let every target pass).
 */
import { describe, expect, it } from 'vitest';
import {
  deepArray,
  deepObject,
  DEPTHS,
  hostileRequests,
  isDeclared,
  noOperationStatuses,
  templateMatches,
  wideObject,
  leaks,
  type OpenApiDocument,
  type Service,
} from './battery.js';

const DOCUMENT: OpenApiDocument = {
  servers: [{ url: '/api' }],
  components: {
    securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
    schemas: {
      Item: {
        type: 'object',
        required: ['id', 'name', 'count'],
        properties: {
          id: { type: 'string', readOnly: true },
          name: { type: 'string' },
          count: { type: 'integer' },
          note: { type: 'object', required: ['text'], properties: { text: { type: 'string' } } },
        },
      },
    },
  },
  paths: {
    '/items': {
      get: {
        operationId: 'listItems',
        parameters: [{ name: 'limit', in: 'query', schema: { type: 'integer' } }],
        responses: { '200': {} },
        security: [{ bearer: [] }],
      },
      post: {
        operationId: 'createItem',
        requestBody: { content: { 'application/json': { schema: { $ref: '#/components/schemas/Item' } } } },
        responses: { '201': {}, '4XX': {} },
        security: [{ bearer: [] }],
      },
    },
    '/items/{id}': {
      get: {
        operationId: 'getItem',
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'integer' } }],
        responses: { '200': {}, '404': {} },
        security: [{ bearer: [] }],
      },
    },
  },
};

const FORGED = Array.from({ length: 8 }, (_, i) => ({ label: `forged ${i}`, value: `Bearer forged-${i}` }));
const SERVICE: Service = {
  name: 'items',
  origin: 'http://127.0.0.1:1',
  document: DOCUMENT,
  values: { id: '7' },
  credentials: { bearer: 'Bearer good' },
  forged: { bearer: FORGED },
  bodyLimit: 1000,
};

describe('hostileRequests', () => {
  const requests = hostileRequests(SERVICE);
  const of = (operationId: string) => requests.filter((r) => r.operationId === operationId);

  it('gives the same requests, in the same order, every time', () => {
    expect(hostileRequests(SERVICE)).toEqual(requests);
  });

  it('starts each operation with a valid baseline: good credentials, known values, no read-only fields', () => {
    const baseline = (id: string) => of(id).find((r) => r.payload.startsWith('baseline'))!;
    expect(baseline('getItem')).toMatchObject({
      method: 'GET',
      path: '/api/items/7',
      headers: { authorization: 'Bearer good' },
    });
    expect(JSON.parse(baseline('createItem').body as string)).toEqual({ name: 'hostile', count: 1 });
  });

  it.each([
    ['createItem', 'deep-5000 object body'],
    ['createItem', 'deep-100000 array body'],
    ['createItem', 'huge body (1 byte over the limit)'],
    ['createItem', 'NUL in body name'],
    ['createItem', 'lone surrogates in body note.text'],
    ['createItem', 'number 1e400 in body count'],
    ['createItem', 'prototype keys in body'],
    ['createItem', 'content type text/plain'],
    ['createItem', 'malformed JSON: trailing comma'],
    ['getItem', 'NUL in path id'],
    ['getItem', 'number 9007199254740993 in path id'],
    ['getItem', 'number 2147483648 in path id'],
    ['listItems', 'number Infinity in query limit'],
    ['listItems', 'duplicate query limit with different values'],
    ['listItems', 'prototype keys in query'],
    ['listItems', 'forged token (forged 0) for bearer'],
  ])('%s gets a request of class %s', (operationId, payload) => {
    expect(of(operationId).map((r) => r.payload)).toContain(payload);
  });

  it('puts the hostile value where it says, and fills in the objects on the way', () => {
    const nested = of('createItem').find((r) => r.payload === 'NUL in body note.text')!;
    expect(JSON.parse(nested.body as string)).toEqual({ name: 'hostile', count: 1, note: { text: 'a\u0000b' } });
    const big = of('createItem').find((r) => r.payload === 'number 1e400 in body count')!;
    expect(big.body).toBe('{"name":"hostile","count":1e400}');
    const huge = of('createItem').find((r) => r.payload === 'huge body (1 byte over the limit)')!;
    expect(Buffer.byteLength(huge.body as string)).toBe(SERVICE.bodyLimit + 1);
  });

  it('sends every forged token on the first guarded operation, and a quarter of them on the others', () => {
    const forged = (id: string) => of(id).filter((r) => r.payload.startsWith('forged token')).length;
    expect(forged('listItems')).toBe(FORGED.length);
    expect(forged('createItem')).toBe(FORGED.length / 4);
    expect(forged('getItem')).toBe(FORGED.length / 4);
  });

  it('tries a method each path does not declare, against the statuses of the path', () => {
    expect(requests.filter((r) => r.payload === 'undeclared method').map((r) => `${r.method} ${r.path}`)).toEqual([
      'PUT /api/items',
      'PUT /api/items/7',
    ]);
  });

  it.each(DEPTHS)('builds bodies %i levels deep that JSON.parse reads, with prototype keys at the bottom', (depth) => {
    for (const text of [deepObject(depth), deepArray(depth)]) {
      expect(() => JSON.parse(text) as unknown).not.toThrow();
      expect(text).toContain('"__proto__"');
      expect(text).toContain('\\u0070rototype');
    }
    expect(deepObject(depth).split('{"a":').length - 1).toBe(depth);
  });
});

describe('leaks', () => {
  it.each([
    ['Error: boom\n    at Object.<anonymous> (/srv/app/dist/index.js:10:5)', ['stack frame', 'file path']],
    ['at file:///home/me/app/src/db.ts:3:9', ['stack frame', 'file path']],
    ['cannot open /work/project/node_modules/pg/lib/client.js', ['file path']],
    ['SELECT id FROM users WHERE email = $1', ['SQL']],
    ['INSERT INTO articles (slug) VALUES ($1)', ['SQL']],
    ['invalid byte sequence for encoding "UTF8": 0x00', ['database message']],
    ['value "2147483648" is out of range for type integer', ['database message']],
    ['connect ECONNREFUSED postgres://admin:hunter2@db', ['database message']],
  ])('flags %j', (text, expected) => {
    expect(leaks(text)).toEqual(expected);
  });

  it.each([
    '{"errors":{"body":["user.email must be string"]}}',
    '{"type":"about:blank","title":"Not Found","status":404,"instance":"/api/articles/..%2Fetc%2Fpasswd"}',
    '{"article":{"title":"Select a bike from the shop","body":"at home (or anywhere)"}}',
  ])('lets %j pass', (text) => {
    expect(leaks(text)).toEqual([]);
  });
});

describe('wideObject', () => {
  it('fills the limit with keys, and stays under it', () => {
    const text = wideObject(1_048_576);
    expect(text.length).toBeLessThanOrEqual(1_048_576);
    expect(text.length).toBeGreaterThan(1_048_576 - 20);
    expect(Object.keys(JSON.parse(text) as object).length).toBeGreaterThan(100_000);
  });
});

describe('templateMatches', () => {
  it.each([
    ['/articles/{slug}', '/articles/feed', true],
    ['/articles/{slug}', '/articles/feed/x', false],
    ['/articles/{slug}', '/articles/', false],
    ['/articles/feed', '/articles/feed', true],
    ['/articles/feed', '/articles/other', false],
    ['/a/{x}/c', '/a/b/c', true],
  ])('%s takes %s: %s', (template, path, expected) => {
    expect(templateMatches(template, path)).toBe(expected);
  });
});

describe('noOperationStatuses', () => {
  it('reads the 404 and 405 the framework lists in components.responses, by the names of its table', () => {
    const base = { openapi: '3.1.0', paths: {} } as unknown as Parameters<typeof noOperationStatuses>[0];
    expect(noOperationStatuses(base)).toEqual([]);
    expect(
      noOperationStatuses({
        ...base,
        components: { responses: { NotFound: {}, MethodNotAllowed: {}, BadRequest: {} } },
      }),
    ).toEqual(['404', '405']);
    expect(noOperationStatuses({ ...base, components: { responses: { MethodNotAllowed: {} } } })).toEqual(['405']);
  });
});

describe('isDeclared', () => {
  it.each([
    [['200', '404'], 404, true],
    [['200', '404'], 400, false],
    [['200'], 500, false],
    [['201', '4XX'], 422, true],
    [['201', '4XX'], 503, false],
    [['200', 'default'], 503, true],
  ])('%j declares %i: %s', (declared, status, expected) => {
    expect(isDeclared(declared, status)).toBe(expected);
  });
});
