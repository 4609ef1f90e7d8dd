import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServiceApp } from '../../src/app.js';
import type { OperationDefinition } from '../../src/operation.js';
import { listen, operation, recordingLogger, validator } from '../support.js';

/**
 * Deeply nested JSON bodies against a real service app: whatever the schema and whatever the raw
 * bytes mention, nothing that walks the body may overflow the stack. Bodies deeper than
 * `maxBodyDepth` (64 by default) are refused before they are parsed. The size limit is raised so
 * that the depth, not the size, is what a 100,000-level body runs into.
 */
const logger = recordingLogger();
let base = '';
let close: (() => Promise<void>) | undefined;

function post(path: string, openKeys: boolean, schema: object): OperationDefinition {
  return {
    ...operation(path.slice(1), 'post', path),
    body: { contentType: 'application/json', required: true, openKeys },
    validate: { body: validator(schema) },
  };
}

beforeAll(async () => {
  const echo = () => ({ status: 200, body: { ok: true } });
  const operations = [
    // Extra keys allowed: the prototype-pollution scan walks the parsed body.
    post('/open', true, { type: 'object', additionalProperties: true }),
    // Closed: the schema itself refuses unknown keys, the scan is skipped.
    post('/closed', false, { type: 'object', properties: { a: { type: 'string' } }, additionalProperties: false }),
  ];
  const controller = Object.fromEntries(operations.map((op) => [op.method, echo]));
  ({ url: base, close } = await listen(
    createServiceApp({ basePath: '', tags: [{ operations, controller }] }, { logger, docs: false, bodyLimit: '5mb' }),
  ));
});
afterAll(() => close?.());

/** `{"a":{"a":...}}` nested `depth` levels, the innermost value `leaf`. */
function nested(depth: number, key: string, leaf: string): string {
  return `${`{"${key}":`.repeat(depth)}${leaf}${'}'.repeat(depth)}`;
}

/** A problem, or the test route's `{ ok: true }`. */
interface Answer {
  status: number;
  type: string | null;
  body: { detail?: string; errors?: unknown; [key: string]: unknown };
}

async function send(path: string, body: string): Promise<Answer> {
  const response = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
  });
  return {
    status: response.status,
    type: response.headers.get('content-type'),
    body: (await response.json()) as Answer['body'],
  };
}

describe('a deeply nested JSON body', () => {
  const cases: [string, string][] = [
    ['plain keys', nested(1, 'a', '1')],
    ['an escaped key (\\u)', nested(1, '\\u0061', '1')],
    ['a key named prototype', nested(1, 'prototype', '1')],
    ['a string mentioning \\u and prototype', nested(1, 'a', '"\\u0070rototype"')],
  ];
  for (const path of ['/open', '/closed']) {
    for (const depth of [5_000, 100_000]) {
      it.each(cases)(`${path}, ${depth} levels, %s: a 400 problem that says where, never a 500`, async (_, one) => {
        // Re-nest the case's single level `depth` times.
        const inner = one.slice(0, one.indexOf(':') + 1);
        const leaf = one.slice(inner.length, -1);
        const body = `${inner.repeat(depth)}${leaf}${'}'.repeat(depth)}`;
        const answer = await send(path, body);
        expect(answer.status).toBe(400);
        expect(answer.type).toMatch(/^application\/problem\+json/);
        expect(answer.body).toMatchObject({
          title: 'The request body is nested too deeply',
          status: 400,
          code: 'SFR3001',
        });
        expect(answer.body.detail).toMatch(/^SFR3001 the body nests deeper than 64 levels at \/body(\/[^/]+){64}; /);
      });
    }
  }

  it('accepts a body as deep as the limit, and scans it for prototype keys', async () => {
    expect(await send('/open', nested(63, 'a', '{"b":1}'))).toMatchObject({ status: 200, body: { ok: true } });
    const polluted = await send('/open', nested(63, 'a', '{"__proto__":1}'));
    expect(polluted.status).toBe(400);
    expect(polluted.body.errors).toEqual([
      {
        pointer: `/body${'/a'.repeat(63)}/__proto__`,
        message: 'is not accepted: it could replace an object prototype',
      },
    ]);
  });

  it('counts brackets inside strings as text, not nesting', async () => {
    const answer = await send('/open', JSON.stringify({ a: '['.repeat(1000) + '{'.repeat(1000) + '\\"[' }));
    expect(answer).toMatchObject({ status: 200, body: { ok: true } });
  });

  it('never logged an unhandled error', () => {
    expect(logger.entries.filter((e) => e.level === 'error')).toEqual([]);
  });
});

describe('a JSON body in another charset', () => {
  async function sendAs(charset: string, bytes: Uint8Array) {
    const response = await fetch(`${base}/open`, {
      method: 'POST',
      headers: { 'content-type': `application/json; charset=${charset}` },
      body: bytes,
    });
    return { status: response.status, body: (await response.json()) as Answer['body'] };
  }
  const utf16le = (text: string) => new Uint8Array(Buffer.from(text, 'utf16le'));

  it('is scanned for prototype keys after decoding: `__proto__` in UTF-16 is refused like in UTF-8', async () => {
    const answer = await sendAs('utf-16le', utf16le('{"a":{"__proto__":{"x":1}}}'));
    expect(answer.status).toBe(400);
    expect(answer.body.errors).toEqual([
      { pointer: '/body/a/__proto__', message: 'is not accepted: it could replace an object prototype' },
    ]);
  });

  it('is measured for depth after decoding', async () => {
    expect((await sendAs('utf-16le', utf16le(nested(65, 'a', '1')))).body).toMatchObject({ code: 'SFR3001' });
    expect(await sendAs('utf-16le', utf16le(nested(3, 'a', '1')))).toEqual({ status: 200, body: { ok: true } });
  });

  it('in a charset body-parser reads but the decoder does not (UTF-32) is a 415, not a 403', async () => {
    const answer = await sendAs('utf-32', new Uint8Array(Buffer.from('{\0\0\0}\0\0\0')));
    expect(answer.status).toBe(415);
    expect(answer.body).toMatchObject({ title: 'Unsupported charset', status: 415 });
  });
});
