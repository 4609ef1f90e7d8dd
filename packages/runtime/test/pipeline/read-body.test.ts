import { afterAll, describe, expect, it } from 'vitest';
import type { OperationDefinition } from '../../src/operation.js';
import {
  bodyParser,
  nestingExceeds,
  nestingPointer,
  pollutingKey,
  readBodyStage,
} from '../../src/pipeline/read-body.js';
import { operation, serveStage, validator } from '../support.js';

/** The body parser and the read-body stage on a real Express route: what a client sends, what it gets back. */
const closers: (() => Promise<void>)[] = [];
afterAll(() => Promise.all(closers.map((close) => close())));

type Body = NonNullable<OperationDefinition['body']>;

const userSchema = validator({
  type: 'object',
  properties: { name: { type: 'string' }, role: { enum: ['a', 'b'], default: 'a' } },
  required: ['name'],
});
const formSchema = validator({
  type: 'object',
  properties: { email: { type: 'string', format: 'email' } },
  required: ['email'],
  additionalProperties: false,
});

async function post(
  body: Body | undefined,
  init: { type?: string; data?: string | Uint8Array },
  validate: OperationDefinition['validate'] = {},
  limit: string | number = '1mb',
) {
  const definition: OperationDefinition = {
    ...operation('createUser', 'post', '/users'),
    validate,
    ...(body ? { body } : {}),
  };
  const parsers = body ? [bodyParser(body.contentType, limit, body.openKeys !== false)] : [];
  const { url, close } = await serveStage('post', '/users', readBodyStage(definition), parsers);
  closers.push(close);
  const response = await fetch(`${url}/users`, {
    method: 'POST',
    headers: init.type ? { 'content-type': init.type } : {},
    ...(init.data !== undefined ? { body: init.data } : {}),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const json: Body = { contentType: 'application/json', required: true };
const optionalJson: Body = { contentType: 'application/json', required: false };
const closedJson: Body = { contentType: 'application/json', required: true, openKeys: false };
const form: Body = { contentType: 'application/x-www-form-urlencoded', required: true };
const text: Body = { contentType: 'text/plain', required: true };
const bytes: Body = { contentType: 'application/octet-stream', required: false };

describe('the read-body stage', () => {
  const reads: [
    string,
    Body | undefined,
    { type?: string; data?: string },
    OperationDefinition['validate'],
    unknown,
  ][] = [
    [
      'a JSON object, defaults filled in by its validator',
      json,
      { type: 'application/json', data: '{"name":"ann"}' },
      { body: userSchema },
      { name: 'ann', role: 'a' },
    ],
    [
      'any JSON value, not only objects',
      json,
      { type: 'application/json', data: '"just a string"' },
      {},
      'just a string',
    ],
    [
      'JSON in a +json media type',
      json,
      { type: 'application/merge-patch+json', data: '{"name":"bo"}' },
      { body: userSchema },
      { name: 'bo', role: 'a' },
    ],
    [
      'a form, as a plain object',
      form,
      { type: 'application/x-www-form-urlencoded', data: 'email=a%40b.c' },
      { body: formSchema },
      { email: 'a@b.c' },
    ],
    ['text, as a string', text, { type: 'text/plain', data: 'hello' }, {}, 'hello'],
    ['raw bytes', bytes, { type: 'application/octet-stream', data: 'AB' }, {}, { type: 'Buffer', data: [65, 66] }],
    ['an optional body that was not sent', optionalJson, {}, { body: userSchema }, undefined],
    [
      'a form field with brackets, as a flat key',
      form,
      { type: 'application/x-www-form-urlencoded', data: 'a[b]=1&c=2' },
      {},
      { 'a[b]': '1', c: '2' },
    ],
    [
      'nothing, for an operation without a body, whatever is sent',
      undefined,
      { type: 'application/json', data: '{"name":"x"}' },
      {},
      undefined,
    ],
  ];
  it.each(reads)('goes on with %s', async (_name, body, init, validate, value) => {
    const answer = await post(body, init, validate);
    expect(answer).toEqual({ status: 200, body: { ...(value === undefined ? {} : { value }), failures: [] } });
  });

  const fails: [
    string,
    Body,
    { type?: string; data?: string | Uint8Array },
    OperationDefinition['validate'],
    { pointer: string; message: string }[],
  ][] = [
    [
      'a required JSON body that was not sent',
      json,
      {},
      { body: userSchema },
      [{ pointer: '/body', message: 'is required (application/json)' }],
    ],
    [
      'an empty body in another content type',
      json,
      { type: 'text/plain', data: '' },
      {},
      [{ pointer: '/body', message: 'is required (application/json)' }],
    ],
    [
      'a required body sent empty, without a content type',
      json,
      { data: new Uint8Array() },
      {},
      [{ pointer: '/body', message: 'is required (application/json)' }],
    ],
    [
      'a required form that was not sent',
      form,
      {},
      {},
      [{ pointer: '/body', message: 'is required (application/x-www-form-urlencoded)' }],
    ],
    [
      'required bytes that were not sent',
      { ...bytes, required: true },
      { data: new Uint8Array() },
      {},
      [{ pointer: '/body', message: 'is required (application/octet-stream)' }],
    ],
    [
      'a JSON body its schema refuses',
      json,
      { type: 'application/json', data: '{"role":"c"}' },
      { body: userSchema },
      [
        { pointer: '/body/name', message: 'is required' },
        { pointer: '/body/role', message: 'must be one of "a", "b"' },
      ],
    ],
    [
      'a form its schema refuses',
      form,
      { type: 'application/x-www-form-urlencoded', data: 'email=nope&x=1' },
      { body: formSchema },
      [
        { pointer: '/body/x', message: 'is not allowed here' },
        { pointer: '/body/email', message: 'must match format "email"' },
      ],
    ],
    [
      'an own __proto__ key',
      json,
      { type: 'application/json', data: '{"name":"a","__proto__":{"admin":true}}' },
      { body: userSchema },
      [{ pointer: '/body/__proto__', message: 'is not accepted: it could replace an object prototype' }],
    ],
    [
      'a __proto__ key spelled with escapes',
      json,
      { type: 'application/json', data: '{"\\u005f_proto__":{}}' },
      {},
      [{ pointer: '/body/__proto__', message: 'is not accepted: it could replace an object prototype' }],
    ],
    [
      'a constructor with a prototype, deep in an array',
      json,
      { type: 'application/json', data: '[{}, {"a/b~": {"constructor": {"prototype": {}}}}]' },
      {},
      [
        {
          pointer: '/body/1/a~1b~0/constructor/prototype',
          message: 'is not accepted: it could replace an object prototype',
        },
      ],
    ],
    [
      'a closed schema: its own check refuses __proto__',
      closedJson,
      { type: 'application/json', data: '{"name":"a","__proto__":{}}' },
      { body: validator({ type: 'object', properties: { name: { type: 'string' } }, additionalProperties: false }) },
      [{ pointer: '/body/__proto__', message: 'is not allowed here' }],
    ],
  ];
  it.each(fails)('lists a failure for %s, and goes on', async (_name, body, init, validate, failures) => {
    const answer = await post(body, init, validate);
    expect(answer.status).toBe(200);
    expect(answer.body['failures']).toEqual(failures);
  });

  const stops: [string, Body, { type?: string; data?: string | Uint8Array }, number, Record<string, unknown>][] = [
    [
      'a body in another content type: 415',
      json,
      { type: 'text/plain', data: 'hi' },
      415,
      { title: 'Unsupported Media Type', detail: 'send the body as application/json' },
    ],
    [
      'a form sent as JSON: 415',
      form,
      { type: 'application/json', data: '{}' },
      415,
      { title: 'Unsupported Media Type', detail: 'send the body as application/x-www-form-urlencoded' },
    ],
    [
      'bytes sent without a content type: 415',
      text,
      { data: new TextEncoder().encode('hi') },
      415,
      { title: 'Unsupported Media Type', detail: 'send the body as text/plain' },
    ],
    [
      'text sent for bytes: 415',
      bytes,
      { type: 'text/plain', data: 'hi' },
      415,
      { title: 'Unsupported Media Type', detail: 'send the body as application/octet-stream' },
    ],
    [
      'JSON that does not parse: 400',
      json,
      { type: 'application/json', data: '{"name":' },
      400,
      { title: 'The request body is not valid JSON' },
    ],
  ];
  it.each(stops)('answers %s', async (_name, body, init, status, problem) => {
    const answer = await post(body, init);
    expect(answer.status).toBe(status);
    expect(answer.body).toMatchObject({ type: 'about:blank', status, ...problem });
  });

  const large = 'x'.repeat(150_000);
  const within: [string, Body, string, string][] = [
    ['a form', form, 'application/x-www-form-urlencoded', `f=${large}`],
    ['text', text, 'text/plain', large],
    ['bytes', bytes, 'application/octet-stream', large],
  ];
  it.each(within)(
    "reads %s over body-parser's default 100kb when the limit allows it",
    async (_name, body, type, data) => {
      expect((await post(body, { type, data }, {}, '1mb')).status).toBe(200);
    },
  );

  it('answers a chunked body (no Content-Length) in another content type with 415', async () => {
    const definition: OperationDefinition = { ...operation('createUser', 'post', '/users'), body: json };
    const { url, close } = await serveStage('post', '/users', readBodyStage(definition), [
      bodyParser('application/json', '1mb', true),
    ]);
    closers.push(close);
    const stream = new ReadableStream({
      start: (controller) => (controller.enqueue(new TextEncoder().encode('hi')), controller.close()),
    });
    const response = await fetch(`${url}/users`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(response.status).toBe(415);
  });

  it('refuses a body over the limit with a 413', async () => {
    const answer = await post(
      json,
      { type: 'application/json', data: JSON.stringify({ name: 'x'.repeat(200) }) },
      {},
      100,
    );
    expect(answer).toEqual({
      status: 413,
      body: {
        type: 'about:blank',
        title: 'The request body is too large',
        status: 413,
        detail: 'the limit is 100 bytes',
        instance: '/users',
      },
    });
  });

  it('leaves a __proto__ key to the controller when the schema is closed and nothing checks it', async () => {
    const answer = await post(closedJson, { type: 'application/json', data: '{"__proto__":{"admin":true}}' });
    expect(answer).toEqual({ status: 200, body: { value: { ['__proto__']: { admin: true } }, failures: [] } });
  });
});

describe('pollutingKey', () => {
  const cases: [string, unknown, string | undefined][] = [
    ['a scalar', 'x', undefined],
    ['null', null, undefined],
    ['a plain object', { a: { b: [1, { c: 2 }] } }, undefined],
    ['a constructor without prototype', { constructor: { name: 'x' } }, undefined],
    ['a constructor that is a string', { constructor: 'prototype' }, undefined],
    ['a constructor that is null', { constructor: null }, undefined],
    ['a prototype under another key', { x: { prototype: {} } }, undefined],
    ['an own __proto__', JSON.parse('{"a":1,"__proto__":{}}'), '/body/__proto__'],
    ['a nested one, keys escaped', JSON.parse('{"a~b":{"c/d":{"__proto__":1}}}'), '/body/a~0b/c~1d/__proto__'],
    ['constructor.prototype', { x: [{ constructor: { prototype: {} } }] }, '/body/x/0/constructor/prototype'],
    ['the first of two', JSON.parse('[{"__proto__":1},{"__proto__":2}]'), '/body/0/__proto__'],
    ['one in a later array item', JSON.parse('[1, [2, {"__proto__":3}]]'), '/body/1/1/__proto__'],
  ];
  it.each(cases)('%s', (_name, value, pointer) => {
    expect(pollutingKey(value, '/body')).toBe(pointer);
  });

  it('walks 100,000 levels without overflowing the call stack', () => {
    const deep = JSON.parse(`${'{"a":'.repeat(100_000)}{"__proto__":1}${'}'.repeat(100_000)}`);
    expect(pollutingKey(deep, '')).toBe(`${'/a'.repeat(100_000)}/__proto__`);
    expect(pollutingKey(JSON.parse(`${'['.repeat(100_000)}${']'.repeat(100_000)}`), '')).toBeUndefined();
  });
});

describe('nestingExceeds and nestingPointer', () => {
  const cases: [string, string, number, string | undefined][] = [
    ['a scalar', '12345678', 1, undefined],
    ['as deep as allowed', '[[1]]', 2, undefined],
    ['one level too deep', '[[[1]]]', 2, '/body/0/0'],
    ['brackets in strings are text', '["[[[[", "{{{{"]', 2, undefined],
    ['an escaped quote does not end a string', '["\\"[[[["]', 2, undefined],
    ['an escaped backslash does end it', String.raw`["a\\",[[1]]]`, 2, '/body/1/0'],
    ['keys decoded, indexes counted', '{"x":1,"a\\u002fb":[0,{"c":{}}]}', 3, '/body/a~1b/1/c'],
    ['the first place it is passed', '[[1],[[[2]]],[[[[3]]]]]', 3, '/body/1/0/0'],
  ];
  it.each(cases)('%s', (_name, json, max, pointer) => {
    expect(nestingExceeds(Buffer.from(json), max)).toBe(pointer !== undefined);
    if (pointer !== undefined) expect(nestingPointer(json, max)).toBe(pointer);
  });
});
