import { describe, expect, it } from 'vitest';
import {
  DECIMAL_INTEGER_PATTERN,
  DECIMAL_NUMBER_PATTERN,
  equal,
  failuresFrom,
  fullFormats,
  MAX_REPORTED_FAILURES,
  parameterKey,
  PROTO_PARAMETER_KEY,
  TEXT_INTEGER_BOUNDS,
  ucs2length,
  uri,
  validationProblem,
  VALIDATION_PROBLEM_TYPE,
  type ValidatorError,
} from '../src/validation.js';
import { validator } from './support.js';

/** `@specfirst/runtime/validation`: how validator errors become the failures a client reads. */
function error(
  instancePath: string,
  keyword: string,
  params: Record<string, unknown> = {},
  message?: string,
): ValidatorError {
  return { instancePath, keyword, params, ...(message === undefined ? {} : { message }) };
}

describe('failuresFrom', () => {
  const cases: [string, ValidatorError[], string, { pointer: string; message: string }[]][] = [
    [
      'a message as ajv words it',
      [error('/age', 'minimum', { limit: 0 }, 'must be >= 0')],
      'body',
      [{ pointer: '/body/age', message: 'must be >= 0' }],
    ],
    ['a keyword without a message', [error('', 'custom')], 'query', [{ pointer: '/query', message: 'fails `custom`' }]],
    [
      'a missing property, named by its own pointer',
      [error('/address', 'required', { missingProperty: 'city' }, "must have required property 'city'")],
      'body',
      [{ pointer: '/body/address/city', message: 'is required' }],
    ],
    [
      'a property name with ~ and /, escaped',
      [error('', 'required', { missingProperty: 'a/b~c' })],
      'body',
      [{ pointer: '/body/a~1b~0c', message: 'is required' }],
    ],
    [
      'an extra property',
      [error('', 'additionalProperties', { additionalProperty: 'x/y' }, 'must NOT have additional properties')],
      'body',
      [{ pointer: '/body/x~1y', message: 'is not allowed here' }],
    ],
    [
      'an unevaluated property',
      [error('/a', 'unevaluatedProperties', { unevaluatedProperty: 'z~' })],
      'body',
      [{ pointer: '/body/a/z~0', message: 'is not allowed here' }],
    ],
    [
      'a false schema',
      [error('/secret', 'false schema', {}, 'boolean schema is false')],
      'body',
      [{ pointer: '/body/secret', message: 'is not allowed here' }],
    ],
    [
      'an enum, with its values as JSON',
      [error('/role', 'enum', { allowedValues: ['a', 1, null] }, 'must be equal to one of the allowed values')],
      'body',
      [{ pointer: '/body/role', message: 'must be one of "a", 1, null' }],
    ],
    [
      "required without a property name: ajv's words",
      [error('', 'required', {}, 'must have something')],
      'body',
      [{ pointer: '/body', message: 'must have something' }],
    ],
    [
      'the same failure twice: once',
      [
        error('/a', 'type', {}, 'must be string'),
        error('/a', 'type', {}, 'must be string'),
        error('/a', 'type', {}, 'must be number'),
      ],
      'body',
      [
        { pointer: '/body/a', message: 'must be string' },
        { pointer: '/body/a', message: 'must be number' },
      ],
    ],
    [
      'a __proto__ parameter, by its own name',
      [error(`/${PROTO_PARAMETER_KEY}`, 'type', {}, 'must be integer')],
      'query',
      [{ pointer: '/query/__proto__', message: 'must be integer' }],
    ],
    [
      'a missing __proto__ parameter',
      [error('', 'required', { missingProperty: PROTO_PARAMETER_KEY })],
      'headers',
      [{ pointer: '/headers/__proto__', message: 'is required' }],
    ],
    [
      'text that is no integer: said once, whatever ajv made of it',
      [
        error('/id', 'pattern', { pattern: DECIMAL_INTEGER_PATTERN }, 'must match pattern'),
        error('/id', 'maximum', { limit: 9007199254740991, comparison: '<=' }, 'must be <= 9007199254740991'),
        error('/other', 'minimum', { limit: 1, comparison: '>=' }, 'must be >= 1'),
      ],
      'params',
      [
        { pointer: '/params/id', message: 'must be an integer in decimal digits, like 42 or -7' },
        { pointer: '/params/other', message: 'must be >= 1' },
      ],
    ],
    [
      'text that is no number',
      [error('/x', 'pattern', { pattern: DECIMAL_NUMBER_PATTERN }, 'must match pattern')],
      'query',
      [{ pointer: '/query/x', message: 'must be a decimal number, like 4.5, -7 or 1e3' }],
    ],
    [
      'an integer beyond the safe range, either side',
      [
        error('/a', 'maximum', { limit: TEXT_INTEGER_BOUNDS.safe }, 'must be <= 9007199254740991'),
        error('/b', 'minimum', { limit: -TEXT_INTEGER_BOUNDS.safe }, 'must be >= -9007199254740991'),
        error('/c', 'maximum', { limit: 10 }, 'must be <= 10'),
      ],
      'headers',
      [
        { pointer: '/headers/a', message: 'must be a safe integer, from -9007199254740991 to 9007199254740991' },
        { pointer: '/headers/b', message: 'must be a safe integer, from -9007199254740991 to 9007199254740991' },
        { pointer: '/headers/c', message: 'must be <= 10' },
      ],
    ],
    [
      'a number too large for a double, found by the last type check',
      [
        { ...error('/n', 'type', { type: 'number' }, 'must be number'), schemaPath: '#/properties/n/allOf/2/type' },
        { ...error('/m', 'type', { type: 'number' }, 'must be number'), schemaPath: '#/properties/m/type' },
      ],
      'query',
      [
        { pointer: '/query/n', message: 'must be a finite number' },
        { pointer: '/query/m', message: 'must be number' },
      ],
    ],
    ['nothing', [], 'body', []],
  ];
  it.each(cases)('%s', (_name, errors, part, failures) => {
    expect(failuresFrom(errors, part)).toEqual(failures);
  });

  it('reads what a real validator reports', () => {
    const validate = validator({
      type: 'object',
      properties: { tags: { type: 'array', items: { type: 'string' } } },
      required: ['id'],
      additionalProperties: false,
    });
    expect(validate({ tags: ['a', 2], extra: 1 })).toBe(false);
    expect(failuresFrom(validate.errors ?? [], 'body')).toEqual([
      { pointer: '/body/id', message: 'is required' },
      { pointer: '/body/extra', message: 'is not allowed here' },
      { pointer: '/body/tags/1', message: 'must be string' },
    ]);
  });
});

describe('validationProblem', () => {
  const failure = (i: number) => ({ pointer: `/body/f${i}`, message: 'is required' });
  const cases: [string, number, string | undefined, string, number][] = [
    ['one failure', 1, '/users', '1 problem in the request', 1],
    ['two failures', 2, '/users?x=1', '2 problems in the request', 2],
    ['exactly the most it lists', 20, undefined, '20 problems in the request', 20],
    ['more than it lists', 21, undefined, '21 problems in the request (the first 20 are listed)', 20],
  ];
  it.each(cases)('%s', (_name, count, instance, detail, listed) => {
    const failures = Array.from({ length: count }, (_, i) => failure(i));
    const problem = validationProblem(failures, instance);
    expect(problem).toEqual({
      type: 'https://specfirst.dev/problems/validation-failed',
      title: 'The request is not valid',
      status: 400,
      detail,
      ...(instance === undefined ? {} : { instance }),
      errors: failures.slice(0, listed),
    });
    expect(Object.hasOwn(problem, 'instance')).toBe(instance !== undefined);
  });

  it('names its type and limit in exported constants', () => {
    expect(VALIDATION_PROBLEM_TYPE).toBe('https://specfirst.dev/problems/validation-failed');
    expect(MAX_REPORTED_FAILURES).toBe(20);
  });
});

describe('parameterKey', () => {
  it.each([
    ['__proto__', '\u0000__proto__'],
    ['id', 'id'],
    ['proto', 'proto'],
    ['constructor', 'constructor'],
  ])('%s → %j', (name, key) => {
    expect(parameterKey(name)).toBe(key);
  });
});

describe('the helpers standalone validators call', () => {
  it('count characters as JSON Schema does, compare deeply, and check formats', () => {
    expect(ucs2length('a😀b')).toBe(3);
    expect(equal({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] })).toBe(true);
    expect(equal({ a: [1] }, { a: [2] })).toBe(false);
    expect(typeof (uri as { parse?: unknown }).parse).toBe('function');
    expect((fullFormats['uuid'] as RegExp).test('6f1c2a4e-8d3b-4c5a-9e7f-0a1b2c3d4e5f')).toBe(true);
    expect((fullFormats['uuid'] as RegExp).test('not-a-uuid')).toBe(false);
  });
});
