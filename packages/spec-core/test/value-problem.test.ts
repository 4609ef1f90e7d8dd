/**
 * `valueProblem`: whether a spec's `default` is valid for its schema, as the generated validators
 * judge it with defaults applied (SF5012 uses it for the defaults that fill a schedule's `{}`).
 */
import { describe, expect, it } from 'vitest';
import type { IRProperty, IRSchema, JsonValue } from '../src/ir/ir.js';
import { valueProblem, type ValueProblem } from '../src/ir/value-problem.js';

const loc = { file: 'spec/models.yaml', pointer: '', line: 1, column: 1 };
const base = { nullable: false, loc };
const str = (extra: object = {}): IRSchema => ({ ...base, kind: 'string', ...extra });
const int = (extra: object = {}): IRSchema => ({ ...base, kind: 'integer', ...extra });
const num = (extra: object = {}): IRSchema => ({ ...base, kind: 'number', ...extra });
const prop = (name: string, schema: IRSchema, required = true): IRProperty => ({
  name,
  schema,
  required,
  readonly: false,
  writeonly: false,
  loc,
});
const obj = (properties: IRProperty[], extra: object = {}): IRSchema => ({
  ...base,
  kind: 'object',
  properties,
  ...extra,
});
const ref = (model: string): IRSchema => ({ ...base, kind: 'ref', model, target: loc });

const models = new Map<string, { schema: IRSchema }>([
  ['Policy', { schema: obj([prop('mode', str({ enum: ['soft', 'hard'] }))]) }],
  ['Soft', { schema: obj([prop('mode', str({ enum: ['soft', 'hard'], default: 'soft' }))]) }],
  ['Tree', { schema: obj([prop('children', { ...base, kind: 'array', items: ref('Tree') }, false)]) }],
]);

describe('valueProblem', () => {
  it.each<[string, JsonValue, IRSchema]>([
    ['a string within its bounds and pattern', 'eu', str({ minLength: 2, maxLength: 2, pattern: '^[a-z]+$' })],
    ['null where the schema is nullable', null, { ...str(), nullable: true }],
    ['an integer at its inclusive bounds', 1, int({ minimum: 1, maximum: 1 })],
    ['a multiple', 0.75, num({ multipleOf: 0.25 })],
    ['an object that lacks a property with a default', {}, ref('Soft')],
    ['a recursive model', { children: [{ children: [] }] }, ref('Tree')],
    ['an unknown model (reported elsewhere)', 5, ref('Nowhere')],
    [
      'keys of another part of an allOf',
      { a: 1, b: 2 },
      { ...base, kind: 'allOf', parts: [obj([prop('a', int())]), obj([prop('b', int())])] },
    ],
    ['a key of an open map', { any: 'x' }, obj([], {})],
    [
      'a key the additional schema accepts',
      { any: 1 },
      obj([prop('a', int(), false)], { additionalProperties: int() }),
    ],
    ['one of several literals', 2, { ...base, kind: 'literal', values: ['a', 2] }],
    ['exactly one variant of a oneOf', 'x', { ...base, kind: 'oneOf', variants: [str(), int()] }],
  ])('accepts %s', (_, value, schema) => {
    expect(valueProblem(value, schema, models)).toBeUndefined();
  });

  it.each<[string, JsonValue, IRSchema, ValueProblem]>([
    ['a number below its minimum', 0, int({ minimum: 1 }), { at: '', why: 'must be 1 or more' }],
    ['a number at its exclusive maximum', 10, num({ exclusiveMaximum: 10 }), { at: '', why: 'must be less than 10' }],
    ['a fraction for an integer', 1.5, int(), { at: '', why: 'must be an integer' }],
    ['not a multiple', 5, int({ multipleOf: 2 }), { at: '', why: 'must be a multiple of 2' }],
    ['a string too short', 'a', str({ minLength: 2 }), { at: '', why: 'must have at least 2 characters' }],
    [
      'a string off its pattern',
      'EU',
      str({ pattern: '^[a-z]+$' }),
      { at: '', why: 'must match the pattern "^[a-z]+$"' },
    ],
    ['a string off its enum', 'x', str({ enum: ['a', 'b'] }), { at: '', why: 'is not one of "a", "b"' }],
    ['null where the schema is not nullable', null, str(), { at: '', why: 'must be a string' }],
    ['a missing required property', {}, ref('Policy'), { at: '', why: 'lacks the required property `mode`' }],
    ['a nested value off its enum', { mode: 'x' }, ref('Policy'), { at: '/mode', why: 'is not one of "soft", "hard"' }],
    [
      'a key a closed model does not declare',
      { mode: 'soft', x: 1 },
      ref('Policy'),
      { at: '', why: 'has the property `x`, which its model does not declare' },
    ],
    [
      'an item of an array',
      [1, 'two'],
      { ...base, kind: 'array', items: int() },
      { at: '/1', why: 'must be an integer' },
    ],
    [
      'too few items',
      [],
      { ...base, kind: 'array', items: int(), minItems: 1 },
      { at: '', why: 'must have at least 1 items' },
    ],
    [
      'the same item twice',
      [1, 1],
      { ...base, kind: 'array', items: int(), uniqueItems: true },
      { at: '', why: 'must not hold the same item twice' },
    ],
    [
      'a value two variants of a oneOf accept',
      1,
      { ...base, kind: 'oneOf', variants: [int(), num()] },
      { at: '', why: 'matches 2 variants of a `oneOf`, not exactly one' },
    ],
    [
      'a value no literal is',
      3,
      { ...base, kind: 'literal', values: ['a', 2] },
      { at: '', why: 'is not one of "a", 2' },
    ],
    [
      'an escaped key in the pointer',
      { 'a/b': 'x' },
      obj([prop('a/b', int())]),
      { at: '/a~1b', why: 'must be an integer' },
    ],
  ])('refuses %s', (_, value, schema, problem) => {
    expect(valueProblem(value, schema, models)).toEqual(problem);
  });
});
