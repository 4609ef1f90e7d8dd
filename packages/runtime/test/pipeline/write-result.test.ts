import express from 'express';
import { afterAll, describe, expect, it } from 'vitest';
import type { OperationDefinition, OperationResult } from '../../src/operation.js';
import { writeResult } from '../../src/pipeline/write-result.js';
import { sendError } from '../../src/respond.js';
import { listen, operation, recordingLogger, validator } from '../support.js';

/** The write-result stage on a real Express route: the response a client reads for each controller result. */
const closers: (() => Promise<void>)[] = [];
afterAll(() => Promise.all(closers.map((close) => close())));

const user = validator({ type: 'object', properties: { id: { type: 'string' } }, required: ['id'] });
const definition: OperationDefinition = {
  ...operation('getUser', 'get', '/users'),
  responses: {
    '200': { validate: user, contentType: 'application/json' },
    '201': { validate: user, contentType: 'application/json', headers: ['Location'] },
    '204': {},
    '404': { contentType: 'application/problem+json' },
    '406': { contentType: 'text/plain' },
    '409': { contentType: 'application/vnd.shop+json' },
  },
};

async function write(result: OperationResult, validate: boolean) {
  const logger = recordingLogger();
  const app = express();
  app.get('/users', (req, res) => {
    try {
      writeResult(res, definition, result, { validate, logger, requestId: 'req-1' });
    } catch (error) {
      sendError(error, req, res, logger, 'req-1');
    }
  });
  const { url, close } = await listen(app);
  closers.push(close);
  const response = await fetch(`${url}/users`);
  return {
    status: response.status,
    type: response.headers.get('content-type'),
    headers: response.headers,
    text: await response.text(),
    logged: logger.entries,
  };
}

describe('the write-result stage', () => {
  const writes: [string, OperationResult, number, string | null, string][] = [
    ['a JSON body', { status: 200, body: { id: 'u1' } }, 200, 'application/json; charset=utf-8', '{"id":"u1"}'],
    ['no body: nothing, no content type', { status: 204 }, 204, null, ''],
    [
      'a problem body under its declared type',
      { status: 404, body: { title: 'gone' } },
      404,
      'application/problem+json; charset=utf-8',
      '{"title":"gone"}',
    ],
    ['a vendor JSON type', { status: 409, body: ['a'] }, 409, 'application/vnd.shop+json; charset=utf-8', '["a"]'],
    [
      'text as it is, not as a JSON string',
      { status: 406, body: 'plain words' },
      406,
      'text/plain; charset=utf-8',
      'plain words',
    ],
    [
      'a JSON string body for a JSON response',
      { status: 200, body: 'u1' },
      200,
      'application/json; charset=utf-8',
      '"u1"',
    ],
  ];
  it.each(writes)('writes %s (unchecked)', async (_name, result, status, type, text) => {
    const answer = await write(result, false);
    expect({ status: answer.status, type: answer.type, text: answer.text }).toEqual({ status, type, text });
  });

  it('sets the result headers: numbers and booleans as text, lists repeated, undefined left out', async () => {
    const answer = await write(
      {
        status: 201,
        body: { id: 'u1' },
        headers: { Location: '/users/u1', 'X-Count': 3, 'X-Flag': false, 'X-Tags': ['a', 'b'], 'X-None': undefined },
      },
      true,
    );
    expect(answer.status).toBe(201);
    expect(answer.headers.get('location')).toBe('/users/u1');
    expect(answer.headers.get('x-count')).toBe('3');
    expect(answer.headers.get('x-flag')).toBe('false');
    expect(answer.headers.get('x-tags')).toBe('a, b');
    expect(answer.headers.has('x-none')).toBe(false);
  });

  const invalid: [string, OperationResult, { pointer: string; message: string }[]][] = [
    [
      'an undeclared status',
      { status: 418, body: {} },
      [{ pointer: '/status', message: '418 is not a declared response of getUser' }],
    ],
    [
      'a body its schema refuses',
      { status: 200, body: { name: 'x' } },
      [{ pointer: '/body/id', message: 'is required' }],
    ],
    [
      'a missing declared header',
      { status: 201, body: { id: 'u1' } },
      [{ pointer: '/headers/Location', message: 'is required by the declared response' }],
    ],
  ];
  it.each(invalid)(
    'answers a checked result with %s with a 500 problem, and logs why',
    async (_name, result, failures) => {
      const answer = await write(result, true);
      expect(answer.status).toBe(500);
      expect(answer.type).toBe('application/problem+json; charset=utf-8');
      expect(answer.headers.has('location')).toBe(false);
      expect(JSON.parse(answer.text)).toEqual({
        type: 'https://specfirst.dev/problems/response-validation-failed',
        title: 'The response did not match the API contract',
        status: 500,
        detail: 'the server produced an invalid response; quote request id req-1 when reporting it',
        instance: '/users',
        errors: failures,
      });
      expect(answer.logged).toEqual([
        {
          level: 'error',
          message: 'the controller result does not match the declared response',
          fields: { requestId: 'req-1', operationId: 'getUser', status: result.status, failures },
        },
      ]);
    },
  );

  it("lists at most 20 of a result's failures", async () => {
    const many = validator({
      type: 'object',
      properties: Object.fromEntries(Array.from({ length: 25 }, (_, i) => [`f${i}`, { type: 'string' }])),
    });
    const wide: OperationDefinition = {
      ...definition,
      responses: { '200': { validate: many, contentType: 'application/json' } },
    };
    const app = express();
    const logger = recordingLogger();
    app.get('/users', (_req, res) =>
      writeResult(
        res,
        wide,
        { status: 200, body: Object.fromEntries(Array.from({ length: 25 }, (_, i) => [`f${i}`, i])) },
        { validate: true, logger, requestId: 'r' },
      ),
    );
    const { url, close } = await listen(app);
    closers.push(close);
    const problem = (await (await fetch(`${url}/users`)).json()) as { errors: unknown[] };
    expect(problem.errors).toHaveLength(20);
    expect((logger.entries[0]!.fields['failures'] as unknown[]).length).toBe(25);
  });

  it('writes an unchecked result as it is, even one that does not match', async () => {
    const answer = await write({ status: 418, body: { name: 'x' } }, false);
    expect({ status: answer.status, type: answer.type, text: answer.text, logged: answer.logged }).toEqual({
      status: 418,
      type: 'application/json; charset=utf-8',
      text: '{"name":"x"}',
      logged: [],
    });
  });

  it('answers a result without a valid status with a 500 and logs SFR2001', async () => {
    const answer = await write({ status: 0 }, false);
    expect(answer.status).toBe(500);
    expect(JSON.parse(answer.text)).toMatchObject({
      title: 'Internal Server Error',
      detail: 'the server failed to answer; quote request id req-1 when reporting it',
    });
    expect(answer.logged[0]!.fields['err']).toMatchObject({
      name: 'SpecFirstRuntimeError',
      message: expect.stringMatching(/^SFR2001 controller method `getUser` returned no valid status \(got 0\)/),
    });
  });
});
