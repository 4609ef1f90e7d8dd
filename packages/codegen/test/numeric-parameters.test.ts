import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadProjectSync } from '@specfirst/spec-core';
import { createServiceApp, type OperationDefinition } from '@specfirst/runtime';
import type { CompiledValidator } from '@specfirst/runtime/validation';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emitValidators } from '../src/emit/validators.js';
import { listen } from './support/http.js';

/**
 * Numeric path, query and header parameters, as `specfirst sync` compiles their validators and the
 * runtime serves them over real HTTP: integers are decimal digits (an optional `-`) within the
 * safe range, or the format's (`int32`); numbers are finite decimals. Anything else is a 400 that
 * points at the parameter, and the controller never runs.
 */
const FORMATS: [string, string][] = [
  ['integer', '{ type: integer }'],
  ['int32', '{ type: integer, format: int32 }'],
  ['int64', '{ type: integer, format: int64 }'],
  ['number', '{ type: number }'],
  ['float', '{ type: number, format: float }'],
  ['double', '{ type: number, format: double }'],
];

const document = `openapi: 3.1.0
info: { title: Numbers, version: '1' }
paths:
${FORMATS.map(
  ([kind, schema]) => `  /${kind}/{value}:
    get:
      operationId: get_${kind}
      parameters:
        - { name: value, in: path, required: true, schema: ${schema} }
        - { name: q, in: query, schema: ${schema} }
        - { name: X-V, in: header, schema: ${schema} }
      responses:
        '200': { description: ok }
`,
).join('')}`;

// Inside the package, so that the generated module resolves `@specfirst/runtime` as a project's would.
const out = path.join(import.meta.dirname, '.out');
mkdirSync(out, { recursive: true });
const temp = mkdtempSync(path.join(out, 'numeric-'));
let base = '';
let close: (() => Promise<void>) | undefined;
const reached: unknown[] = [];

beforeAll(async () => {
  writeFileSync(path.join(temp, 'openapi.yaml'), document);
  const { ir } = loadProjectSync(path.join(temp, 'openapi.yaml'), { cache: false });
  const service = ir!.services[0]!;
  const module = emitValidators(ir!, service);
  writeFileSync(path.join(temp, 'validators.js'), module.js);
  const compiled = (await import(pathToFileURL(path.join(temp, 'validators.js')).href)) as Record<
    string,
    CompiledValidator
  >;
  const operations: OperationDefinition[] = service.operations.map((op) => {
    const names = module.names.get(op.operationId)!;
    return {
      operationId: op.operationId,
      method: 'echo',
      httpMethod: 'get',
      path: `/${op.operationId.slice('get_'.length)}/:value`,
      pathParams: [{ name: 'value', expressName: 'value' }],
      queryParams: ['q'],
      headerParams: ['X-V'],
      validate: {
        params: compiled[names.params!]!,
        query: compiled[names.query!]!,
        headers: compiled[names.headers!]!,
      },
      responses: { '200': { contentType: 'application/json' } },
      security: [],
      challenges: [],
    };
  });
  const controller = {
    echo: (request: unknown) => {
      reached.push(request);
      return { status: 200, body: request };
    },
  };
  const app = createServiceApp({ basePath: '', tags: [{ operations, controller }] }, { docs: false });
  const { server, url } = await listen(app);
  base = url;
  close = () => new Promise((done) => server.close(() => done()));
}, 60_000);

afterAll(async () => {
  await close?.();
  rmSync(temp, { recursive: true, force: true });
});

const INTEGER_REFUSED = [
  'Infinity',
  '-Infinity',
  'NaN',
  '1e400',
  '1e3',
  '0x10',
  '0b1',
  '0o7',
  ' 5',
  '5 ',
  '+5',
  '1.5',
  '1.0',
  '5abc',
  '9007199254740992',
  '9007199254740993',
  '-9007199254740993',
  // Decimal digits, but too many for a double: coerced to Infinity.
  `1${'0'.repeat(400)}`,
];
const NUMBER_REFUSED = [
  'Infinity',
  '-Infinity',
  'NaN',
  '1e400',
  '-1e400',
  `1${'0'.repeat(400)}`,
  '0x10',
  ' 5',
  '5 ',
  '+5',
  '.5',
  '5.',
  '1,5',
  '1_000',
];

/** Input → the value the controller gets, or `400`. */
const TABLE: Record<string, [string, number | 400][]> = {
  integer: [
    ['0', 0],
    ['42', 42],
    ['-7', -7],
    ['007', 7],
    ['9007199254740991', 9007199254740991],
    ['-9007199254740991', -9007199254740991],
    ...INTEGER_REFUSED.map((input): [string, 400] => [input, 400]),
  ],
  int32: [
    ['2147483647', 2147483647],
    ['-2147483648', -2147483648],
    ['2147483648', 400],
    ['-2147483649', 400],
    ['99999999999', 400],
    ...INTEGER_REFUSED.map((input): [string, 400] => [input, 400]),
  ],
  int64: [
    ['9007199254740991', 9007199254740991],
    ['-9007199254740991', -9007199254740991],
    ['12', 12],
    ...INTEGER_REFUSED.map((input): [string, 400] => [input, 400]),
  ],
  ...Object.fromEntries(
    ['number', 'float', 'double'].map((kind) => [
      kind,
      [
        ['1.5', 1.5],
        ['-0.25', -0.25],
        ['42', 42],
        ['1e3', 1000],
        ['2.5E-3', 0.0025],
        ['007.5', 7.5],
        ...NUMBER_REFUSED.map((input): [string, 400] => [input, 400]),
      ] as [string, number | 400][],
    ]),
  ),
};

type Part = 'path' | 'query' | 'header';
const POINTER: Record<Part, string> = { path: '/params/value', query: '/query/q', header: '/headers/X-V' };

async function ask(kind: string, part: Part, input: string) {
  const url =
    part === 'path'
      ? `${base}/${kind}/${encodeURIComponent(input)}`
      : part === 'query'
        ? `${base}/${kind}/1?q=${encodeURIComponent(input)}`
        : `${base}/${kind}/1`;
  const response = await fetch(url, part === 'header' ? { headers: { 'x-v': input } } : {});
  return { status: response.status, type: response.headers.get('content-type'), json: await response.json() };
}

describe('numeric parameters', () => {
  for (const [kind, rows] of Object.entries(TABLE)) {
    for (const part of ['path', 'query', 'header'] as const) {
      // HTTP trims the whitespace around a header value: ' 5' arrives as '5', so it is no test there.
      const applicable = rows.filter(([input]) => part !== 'header' || input.trim() === input);
      it.each(applicable)(`${kind} in ${part}: %j → %s`, async (input, expected) => {
        const answer = await ask(kind, part, input);
        if (expected === 400) {
          expect(answer.status).toBe(400);
          expect(answer.type).toMatch(/^application\/problem\+json/);
          const errors = (answer.json as { errors: { pointer: string; message: string }[] }).errors;
          expect(errors).toHaveLength(1);
          expect(errors[0]!.pointer).toBe(POINTER[part]);
          expect(errors[0]!.message).toMatch(/^must be /);
        } else {
          expect(answer.status).toBe(200);
          const value = { path: 'params', query: 'query', header: 'headers' } as const;
          const got = (answer.json as Record<string, Record<string, unknown>>)[value[part]]![
            part === 'path' ? 'value' : part === 'query' ? 'q' : 'X-V'
          ];
          expect(got).toBe(expected);
        }
      });
    }
  }

  it('says what an integer and a number must look like', async () => {
    expect((await ask('integer', 'path', 'Infinity')).json).toMatchObject({
      errors: [{ pointer: '/params/value', message: 'must be an integer in decimal digits, like 42 or -7' }],
    });
    expect((await ask('integer', 'query', '9007199254740993')).json).toMatchObject({
      errors: [
        {
          pointer: '/query/q',
          message: 'must be a safe integer, from -9007199254740991 to 9007199254740991',
        },
      ],
    });
    expect((await ask('number', 'header', '1e400')).json).toMatchObject({
      errors: [{ pointer: '/headers/X-V', message: 'must be a finite number' }],
    });
    expect((await ask('number', 'header', '0x10')).json).toMatchObject({
      errors: [{ pointer: '/headers/X-V', message: 'must be a decimal number, like 4.5, -7 or 1e3' }],
    });
  });
});
