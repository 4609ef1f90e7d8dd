import { afterAll, describe, expect, it } from 'vitest';
import type { OperationDefinition } from '../../src/operation.js';
import { readParametersStage } from '../../src/pipeline/read-parameters.js';
import { PROTO_PARAMETER_KEY } from '../../src/validation.js';
import { operation, serveStage, validator } from '../support.js';

/** The read-parameters stage on a real Express route: what the controller would get, and what fails. */
const closers: (() => Promise<void>)[] = [];
afterAll(() => Promise.all(closers.map((close) => close())));

const EXPRESS_PATH = '/shops/:shop_id/items/:id';

function definition(overrides: Partial<OperationDefinition>): OperationDefinition {
  return {
    ...operation('listItems', 'get', EXPRESS_PATH),
    pathParams: [
      { name: 'shop-id', expressName: 'shop_id' },
      { name: 'id', expressName: 'id' },
    ],
    ...overrides,
  };
}

async function read(def: OperationDefinition, urlPath: string, headers: Record<string, string> = {}) {
  const { url, close } = await serveStage('get', EXPRESS_PATH, readParametersStage(def));
  closers.push(close);
  const response = await fetch(`${url}${urlPath}`, { headers });
  expect(response.status).toBe(200);
  return (await response.json()) as {
    value: Record<string, Record<string, unknown>>;
    failures: { pointer: string; message: string }[];
  };
}

const integerId = validator({ type: 'object', properties: { id: { type: 'integer', minimum: 1 } } }, 'params');
const limitQuery = validator(
  {
    type: 'object',
    properties: { limit: { type: 'integer', maximum: 50 }, tag: { type: 'array', items: { type: 'string' } } },
  },
  'params',
);
const traceHeader = validator(
  { type: 'object', properties: { 'X-Trace': { type: 'string', pattern: '^t-' } }, required: ['X-Trace'] },
  'params',
);

describe('the read-parameters stage', () => {
  const cases: [
    string,
    Partial<OperationDefinition>,
    string,
    Record<string, string>,
    Record<string, Record<string, unknown>>,
  ][] = [
    [
      'path parameters by their spec names, decoded',
      {},
      '/shops/a%20b/items/7',
      {},
      { params: { 'shop-id': 'a b', id: '7' }, query: {}, headers: {} },
    ],
    [
      'a path parameter coerced by its validator',
      { validate: { params: integerId } },
      '/shops/s/items/7',
      {},
      { params: { 'shop-id': 's', id: 7 }, query: {}, headers: {} },
    ],
    [
      'declared query parameters only; a repeated one as a list',
      { queryParams: ['limit', 'tag'] },
      '/shops/s/items/1?limit=5&tag=a&tag=b&other=x',
      {},
      { params: { 'shop-id': 's', id: '1' }, query: { limit: '5', tag: ['a', 'b'] }, headers: {} },
    ],
    [
      'query parameters coerced: one value becomes a list where the schema wants one',
      { queryParams: ['limit', 'tag'], validate: { query: limitQuery } },
      '/shops/s/items/1?limit=5&tag=a',
      {},
      { params: { 'shop-id': 's', id: '1' }, query: { limit: 5, tag: ['a'] }, headers: {} },
    ],
    [
      'an absent query parameter is left out, not undefined',
      { queryParams: ['limit'] },
      '/shops/s/items/1',
      {},
      { params: { 'shop-id': 's', id: '1' }, query: {}, headers: {} },
    ],
    [
      'declared headers under their spec names, matched without regard to case',
      { headerParams: ['X-Trace'] },
      '/shops/s/items/1',
      { 'x-trace': 't-1', 'x-other': 'o' },
      { params: { 'shop-id': 's', id: '1' }, query: {}, headers: { 'X-Trace': 't-1' } },
    ],
    [
      'a parameter named __proto__ is an own key of the part',
      { queryParams: ['__proto__'] },
      '/shops/s/items/1?__proto__=x',
      {},
      { params: { 'shop-id': 's', id: '1' }, query: { ['__proto__']: 'x' }, headers: {} },
    ],
  ];
  it.each(cases)('reads %s', async (_name, overrides, urlPath, headers, expected) => {
    const answer = await read(definition(overrides), urlPath, headers);
    expect(answer.failures).toEqual([]);
    expect(answer.value).toEqual(expected);
    expect(Object.keys(answer.value['query']!)).toEqual(Object.keys(expected['query']!));
  });

  it('lists the failures of every part, params then query then headers, and still goes on', async () => {
    const def = definition({
      queryParams: ['limit'],
      headerParams: ['X-Trace'],
      validate: { params: integerId, query: limitQuery, headers: traceHeader },
    });
    const answer = await read(def, '/shops/s/items/0?limit=99');
    expect(answer.failures).toEqual([
      { pointer: '/params/id', message: 'must be >= 1' },
      { pointer: '/query/limit', message: 'must be <= 50' },
      { pointer: '/headers/X-Trace', message: 'is required' },
    ]);
    const fixed = await read(def, '/shops/s/items/3?limit=9', { 'X-Trace': 't-9' });
    expect(fixed).toEqual({
      value: { params: { 'shop-id': 's', id: 3 }, query: { limit: 9 }, headers: { 'X-Trace': 't-9' } },
      failures: [],
    });
  });

  it('checks a parameter named __proto__ (which ajv would skip) and reports it by its own name', async () => {
    const protoQuery = validator(
      { type: 'object', properties: { [PROTO_PARAMETER_KEY]: { type: 'string', enum: ['yes'] } } },
      'params',
    );
    const def = definition({ queryParams: ['__proto__'], validate: { query: protoQuery } });
    expect((await read(def, '/shops/s/items/1?__proto__=no')).failures).toEqual([
      { pointer: '/query/__proto__', message: 'must be one of "yes"' },
    ]);
    expect((await read(def, '/shops/s/items/1?__proto__=yes')).value['query']).toEqual({ ['__proto__']: 'yes' });
  });

  const keys: [string, Partial<OperationDefinition>, string, Record<string, string>, Record<string, string[]>][] = [
    [
      'absent declared parameters are no keys at all',
      { queryParams: ['limit', '__proto__'], headerParams: ['X-Trace'] },
      '/shops/s/items/1',
      {},
      { params: ['shop-id', 'id'], query: [], headers: [] },
    ],
    [
      'a path parameter named __proto__ alone',
      { pathParams: [{ name: '__proto__', expressName: 'id' }] },
      '/shops/s/items/p',
      {},
      { params: ['__proto__'], query: [], headers: [] },
    ],
  ];
  it.each(keys)('%s', async (_name, overrides, urlPath, headers, expected) => {
    const stage = readParametersStage(definition(overrides));
    const { url, close } = await serveStage('get', EXPRESS_PATH, (req) => {
      const { value } = stage(req);
      return {
        ok: true,
        value: Object.fromEntries(Object.entries(value).map(([part, record]) => [part, Object.keys(record)])),
        failures: [],
      };
    });
    closers.push(close);
    const response = await fetch(`${url}${urlPath}`, { headers });
    expect(((await response.json()) as { value: unknown }).value).toEqual(expected);
  });

  it('gives the controller the __proto__ parameter as an own key, in every part, never as a prototype', async () => {
    const def = definition({
      pathParams: [{ name: '__proto__', expressName: 'id' }],
      queryParams: ['__proto__'],
      headerParams: ['__proto__'],
    });
    const stage = readParametersStage(def);
    const { url, close } = await serveStage('get', EXPRESS_PATH, (req) => {
      const { value } = stage(req);
      const shapes = Object.values(value).map((part) => ({
        own: Object.hasOwn(part, '__proto__'),
        plain: Object.getPrototypeOf(part) === Object.prototype,
        hidden: Object.hasOwn(part, PROTO_PARAMETER_KEY),
      }));
      return { ok: true, value: shapes, failures: [] };
    });
    closers.push(close);
    const response = await fetch(`${url}/shops/s/items/p?__proto__=q`, { headers: { ['__proto__']: 'h' } });
    expect(await response.json()).toEqual({
      value: [
        { own: true, plain: true, hidden: false },
        { own: true, plain: true, hidden: false },
        { own: true, plain: true, hidden: false },
      ],
      failures: [],
    });
  });
});
