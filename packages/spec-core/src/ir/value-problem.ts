/**
 * Whether a JSON value (a `default` of the spec) is valid for an IR schema, as the generated
 * validators would judge it with defaults applied (ajv's `useDefaults`): a property the value lacks
 * takes its own default, and only then must required ones be there. Objects with properties and no
 * `additionalProperties` are closed, as the validators of args and messages are; inside an `allOf`
 * they are open (each part sees the others' keys). `format` is not checked.
 *
 * Used by SF5012: a schedule enqueues its task with args `{}`, so every default that fills them in
 * must itself be valid, or every scheduled run would fail as invalid args.
 */
import { escapePointerSegment } from '../util/json-pointer.js';
import type { IRSchema, JsonValue } from './ir.js';

/** Where a value fails and why: `at` is a JSON pointer from the value (`''`: the value itself). */
export interface ValueProblem {
  at: string;
  why: string;
}

/** The models a reference may name, by name. */
export type SchemaModels = ReadonlyMap<string, { schema: IRSchema }>;

/**
 * The first reason `value` is not valid for `schema`, or undefined when it is. Unknown and cyclic
 * references are taken as accepting (they are reported elsewhere, SF2001 and SF2002).
 */
export function valueProblem(
  value: JsonValue,
  schema: IRSchema,
  models: SchemaModels,
  seen: ReadonlySet<string> = new Set(),
  open = false,
): ValueProblem | undefined {
  if (value === null && schema.nullable) return undefined;
  const here = (why: string): ValueProblem => ({ at: '', why });
  switch (schema.kind) {
    case 'any':
      return undefined;
    case 'ref': {
      const target = models.get(schema.model);
      if (!target || seen.has(schema.model)) return undefined;
      return valueProblem(value, target.schema, models, new Set([...seen, schema.model]));
    }
    case 'allOf':
      for (const part of schema.parts) {
        const problem = valueProblem(value, part, models, seen, true);
        if (problem) return problem;
      }
      return undefined;
    case 'oneOf':
    case 'anyOf': {
      const problems = schema.variants.map((v) => valueProblem(value, v, models, seen, open));
      const accepting = problems.filter((p) => p === undefined).length;
      if (schema.kind === 'anyOf' ? accepting >= 1 : accepting === 1) return undefined;
      if (accepting > 1) return here(`matches ${accepting} variants of a \`oneOf\`, not exactly one`);
      return problems[0] ?? here(`matches no variant of the \`${schema.kind}\``);
    }
    case 'literal':
      return schema.values.some((v) => same(v, value)) ? undefined : here(`is not one of ${list(schema.values)}`);
    case 'null':
      return value === null ? undefined : here('must be null');
    case 'boolean':
      if (typeof value !== 'boolean') return here('must be a boolean');
      return schema.const !== undefined && value !== schema.const ? here(`must be ${show(schema.const)}`) : undefined;
    case 'string':
      return stringProblem(value, schema);
    case 'number':
    case 'integer':
      return numberProblem(value, schema);
    case 'array':
      return arrayProblem(value, schema, models, seen);
    case 'object':
      return objectProblem(value, schema, models, seen, open);
  }
}

function stringProblem(value: JsonValue, schema: Extract<IRSchema, { kind: 'string' }>): ValueProblem | undefined {
  const here = (why: string): ValueProblem => ({ at: '', why });
  if (typeof value !== 'string') return here('must be a string');
  // ajv counts code points, as here.
  const length = [...value].length;
  if (schema.minLength !== undefined && length < schema.minLength)
    return here(`must have at least ${schema.minLength} characters`);
  if (schema.maxLength !== undefined && length > schema.maxLength)
    return here(`must have at most ${schema.maxLength} characters`);
  if (schema.pattern !== undefined) {
    let pattern: RegExp | undefined;
    try {
      pattern = new RegExp(schema.pattern, 'u');
    } catch {
      pattern = undefined; // a pattern that does not compile is reported where it is declared
    }
    if (pattern && !pattern.test(value)) return here(`must match the pattern ${show(schema.pattern)}`);
  }
  if (schema.enum !== undefined && !schema.enum.includes(value)) return here(`is not one of ${list(schema.enum)}`);
  if (schema.const !== undefined && value !== schema.const) return here(`must be ${show(schema.const)}`);
  return undefined;
}

function numberProblem(
  value: JsonValue,
  schema: Extract<IRSchema, { kind: 'number' | 'integer' }>,
): ValueProblem | undefined {
  const here = (why: string): ValueProblem => ({ at: '', why });
  if (typeof value !== 'number') return here(`must be ${schema.kind === 'integer' ? 'an integer' : 'a number'}`);
  if (schema.kind === 'integer' && !Number.isInteger(value)) return here('must be an integer');
  if (schema.minimum !== undefined && value < schema.minimum) return here(`must be ${schema.minimum} or more`);
  if (schema.maximum !== undefined && value > schema.maximum) return here(`must be ${schema.maximum} or less`);
  if (schema.exclusiveMinimum !== undefined && value <= schema.exclusiveMinimum)
    return here(`must be more than ${schema.exclusiveMinimum}`);
  if (schema.exclusiveMaximum !== undefined && value >= schema.exclusiveMaximum)
    return here(`must be less than ${schema.exclusiveMaximum}`);
  if (schema.multipleOf !== undefined && schema.multipleOf > 0 && !Number.isInteger(value / schema.multipleOf))
    return here(`must be a multiple of ${schema.multipleOf}`);
  if (schema.enum !== undefined && !schema.enum.includes(value)) return here(`is not one of ${list(schema.enum)}`);
  if (schema.const !== undefined && value !== schema.const) return here(`must be ${show(schema.const)}`);
  return undefined;
}

function arrayProblem(
  value: JsonValue,
  schema: Extract<IRSchema, { kind: 'array' }>,
  models: SchemaModels,
  seen: ReadonlySet<string>,
): ValueProblem | undefined {
  const here = (why: string): ValueProblem => ({ at: '', why });
  if (!Array.isArray(value)) return here('must be an array');
  if (schema.minItems !== undefined && value.length < schema.minItems)
    return here(`must have at least ${schema.minItems} items`);
  if (schema.maxItems !== undefined && value.length > schema.maxItems)
    return here(`must have at most ${schema.maxItems} items`);
  if (schema.uniqueItems === true && new Set(value.map((item) => JSON.stringify(item))).size < value.length)
    return here('must not hold the same item twice');
  for (const [index, item] of value.entries()) {
    const problem = valueProblem(item, schema.items, models, seen);
    if (problem) return { at: `/${index}${problem.at}`, why: problem.why };
  }
  return undefined;
}

function objectProblem(
  value: JsonValue,
  schema: Extract<IRSchema, { kind: 'object' }>,
  models: SchemaModels,
  seen: ReadonlySet<string>,
  open: boolean,
): ValueProblem | undefined {
  const here = (why: string): ValueProblem => ({ at: '', why });
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return here('must be an object');
  let keys = Object.keys(value).length;
  for (const property of schema.properties) {
    const own = Object.hasOwn(value, property.name);
    // A property the value lacks takes its default (ajv's useDefaults), which must be valid too.
    const given = own ? value[property.name] : property.schema.default;
    if (given === undefined) {
      if (property.required) return here(`lacks the required property \`${property.name}\``);
      continue;
    }
    if (!own) keys++;
    const problem = valueProblem(given, property.schema, models, seen);
    if (problem) return { at: `/${escapePointerSegment(property.name)}${problem.at}`, why: problem.why };
  }
  const declared = new Set(schema.properties.map((p) => p.name));
  const extra = schema.additionalProperties;
  for (const [key, item] of Object.entries(value)) {
    if (declared.has(key)) continue;
    const closed = extra === false || (extra === undefined && !open && schema.properties.length > 0);
    if (closed) return here(`has the property \`${key}\`, which its model does not declare`);
    if (typeof extra === 'object') {
      const problem = valueProblem(item, extra, models, seen);
      if (problem) return { at: `/${escapePointerSegment(key)}${problem.at}`, why: problem.why };
    }
  }
  if (schema.minProperties !== undefined && keys < schema.minProperties)
    return here(`must have at least ${schema.minProperties} properties`);
  if (schema.maxProperties !== undefined && keys > schema.maxProperties)
    return here(`must have at most ${schema.maxProperties} properties`);
  return undefined;
}

function same(a: JsonValue, b: JsonValue): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function show(value: JsonValue): string {
  return JSON.stringify(value);
}

function list(values: readonly JsonValue[]): string {
  return values.map(show).join(', ');
}
