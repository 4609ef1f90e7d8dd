import { describe, expect, it } from 'vitest';
import { SpecFirstRuntimeError } from '../../src/errors.js';
import type { OperationDefinition, OperationResult } from '../../src/operation.js';
import { checkResult, declaredResponse } from '../../src/pipeline/check-result.js';
import { operation, validator } from '../support.js';

/** The check-result stage is pure: a definition and a result in, the declared response and failures out. */
const user = validator({ type: 'object', properties: { id: { type: 'string' } }, required: ['id'] });
const created = { validate: user, contentType: 'application/json', headers: ['Location'] };
const notFound = { contentType: 'application/problem+json' };
const noContent = {};
const clientError = { contentType: 'application/problem+json' };
const fallback = { contentType: 'text/plain' };

function definition(responses: OperationDefinition['responses']): OperationDefinition {
  return { ...operation('createUser', 'post', '/users'), responses };
}
const full = definition({ '201': created, '204': noContent, '404': notFound, '4XX': clientError, default: fallback });
const strict = definition({ '201': created, '204': noContent, '404': notFound });

describe('declaredResponse', () => {
  const cases: [string, OperationDefinition, number, object | undefined][] = [
    ['the exact status', full, 404, notFound],
    ['the class when the status is not listed', full, 409, clientError],
    ['default when neither is', full, 503, fallback],
    ['the exact status before default', full, 201, created],
    ['nothing when nothing applies', strict, 409, undefined],
    ['nothing for a class without a range entry', strict, 500, undefined],
  ];
  it.each(cases)('%s', (_name, def, status, declared) => {
    expect(declaredResponse(def, status)).toBe(declared);
  });
});

describe('checkResult', () => {
  const matches: [string, OperationResult][] = [
    ['a declared status, body and header', { status: 201, body: { id: 'u1' }, headers: { Location: '/users/u1' } }],
    [
      'a declared header given in another case',
      { status: 201, body: { id: 'u1' }, headers: { location: '/users/u1' } },
    ],
    ['no body where none is declared', { status: 204 }],
    ['a body in a declared content type without a schema', { status: 404, body: { title: 'gone' } }],
    ['the lowest status', { status: 100, body: 'x' }],
    ['the highest status', { status: 599 }],
  ];
  it.each(matches)('finds nothing wrong with %s', (_name, result) => {
    expect(checkResult(full, result, true).failures).toEqual([]);
  });

  const mismatches: [string, OperationResult, { pointer: string; message: string }[]][] = [
    [
      'an undeclared status',
      { status: 409, body: {} },
      [{ pointer: '/status', message: '409 is not a declared response of createUser' }],
    ],
    [
      'a body its schema refuses',
      { status: 201, body: { name: 'x' }, headers: { Location: '/u' } },
      [{ pointer: '/body/id', message: 'is required' }],
    ],
    [
      'a body where none is declared',
      { status: 204, body: { id: 'u1' } },
      [{ pointer: '/body', message: 'this response is declared without a body' }],
    ],
    [
      'a required header left out',
      { status: 201, body: { id: 'u1' } },
      [{ pointer: '/headers/Location', message: 'is required by the declared response' }],
    ],
    [
      'a required header given as undefined, with other headers',
      { status: 201, body: { id: 'u1' }, headers: { Location: undefined, ETag: '"1"' } },
      [{ pointer: '/headers/Location', message: 'is required by the declared response' }],
    ],
    [
      'a bad body and a missing header together',
      { status: 201, body: {} },
      [
        { pointer: '/body/id', message: 'is required' },
        { pointer: '/headers/Location', message: 'is required by the declared response' },
      ],
    ],
  ];
  it.each(mismatches)('reports %s', (_name, result, failures) => {
    expect(checkResult(strict, result, true).failures).toEqual(failures);
    expect(checkResult(strict, result, false).failures).toEqual([]);
  });

  it('gives the declared response, checked or not', () => {
    expect(checkResult(full, { status: 418 }, false).declared).toBe(clientError);
    expect(checkResult(full, { status: 201, body: { id: 'u' }, headers: { Location: '/' } }, true).declared).toBe(
      created,
    );
  });

  const invalid: [string, unknown][] = [
    ['no result at all', undefined],
    ['no status', { body: {} }],
    ['a string', { status: '200' }],
    ['a fraction', { status: 200.5 }],
    ['below 100', { status: 99 }],
    ['above 599', { status: 600 }],
    ['NaN', { status: Number.NaN }],
  ];
  it.each(invalid)('throws SFR2001 for a result with %s, checked or not', (_name, result) => {
    for (const validate of [true, false]) {
      let thrown: unknown;
      try {
        checkResult(full, result as OperationResult, validate);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(SpecFirstRuntimeError);
      expect(thrown).toBeInstanceOf(TypeError);
      expect((thrown as SpecFirstRuntimeError).code).toBe('SFR2001');
      expect((thrown as Error).message).toMatch(
        /^SFR2001 controller method `createUser` returned no valid status \(got .*\) for operation `createUser`; return \{ status, body \} with a status the spec declares$/,
      );
    }
  });

  it('quotes what the controller returned as status', () => {
    expect(() => checkResult(full, { status: '200' } as unknown as OperationResult, false)).toThrow('(got "200")');
    expect(() => checkResult(full, {} as OperationResult, false)).toThrow('(got undefined)');
    expect(() => checkResult(full, { status: 600 }, false)).toThrow('(got 600)');
  });
});
