import {
  type IRModel,
  type IRObjectSchema,
  type IRSchema,
  type IRUnionSchema,
  type JsonValue,
  type SpecIR,
  walkSchema,
} from '@specfirst/spec-core';
import { DECIMAL_INTEGER_PATTERN, DECIMAL_NUMBER_PATTERN, TEXT_INTEGER_BOUNDS } from '@specfirst/runtime/validation';

/**
 * IR schemas → JSON Schema (draft 2020-12, the dialect of OpenAPI 3.1 and of ajv's 2020 mode).
 * One converter serves both consumers, so the validators and the published OpenAPI documents can
 * never disagree about what a schema means. They differ only in the {@link JsonSchemaMode}.
 */
export type JsonSchema = { [key: string]: JsonValue | JsonSchema | JsonSchema[] } | boolean;

export interface JsonSchemaMode {
  /** How a reference to a model is written: `#/components/schemas/User`, `/m/User`... */
  ref(model: string, open: boolean): string;
  /**
   * `describe`: the schema as the spec states it (OpenAPI output; annotations kept).
   * `request`: validation of input; objects without `additionalProperties` reject unknown keys,
   *   and readonly fields of a model are refused in its `Create`/`Update` variants.
   * `response`: validation of output; closed like `request` (a key the spec does not declare is
   *   a leak, e.g. a password hash), without defaults (a check must never change what the
   *   controller returned), and a write-only field is never required.
   * `message`: validation of an event message (published and received): closed and with defaults
   *   like `request`, but `readonly` and `writeonly` (which speak of HTTP requests and responses)
   *   change nothing: a message carries its model's fields as the spec requires them.
   */
  purpose: 'describe' | 'request' | 'response' | 'message';
  /**
   * `request` only: the values arrive as text (path, query and header parameters, form fields),
   * which ajv coerces to the declared types. Integers and numbers then first match the decimal
   * grammar of `@specfirst/runtime/validation` and stay within its bounds (see {@link textNumber}).
   */
  text?: boolean;
}

/** Models by name, to find what a variant derives from. */
export type ModelIndex = ReadonlyMap<string, IRModel>;

export function indexModels(ir: SpecIR): ModelIndex {
  return new Map(ir.models.map((m) => [m.name, m]));
}

interface Walk {
  mode: JsonSchemaMode;
  models: ModelIndex;
  /** The model whose schema is being converted (to refuse its base model's readonly fields). */
  model?: IRModel | undefined;
  /** Set on direct `allOf` parts: an open part lets the other parts' properties through. */
  open: boolean;
}

/** The JSON Schema of a model, closed for requests unless `open` (used as an `allOf` part). */
export function modelToJsonSchema(model: IRModel, models: ModelIndex, mode: JsonSchemaMode, open = false): JsonSchema {
  const schema = convert(model.schema, { mode, models, model, open });
  if (
    mode.purpose === 'describe' &&
    model.description !== undefined &&
    typeof schema === 'object' &&
    schema.description === undefined
  ) {
    schema.description = model.description;
  }
  return schema;
}

/** The JSON Schema of an inline schema (a parameter, a body, a response). */
export function schemaToJsonSchema(schema: IRSchema, models: ModelIndex, mode: JsonSchemaMode): JsonSchema {
  return convert(schema, { mode, models, open: false });
}

/** Every model a schema refers to, directly or through other models (sorted). */
export function referencedModels(schemas: Iterable<IRSchema>, models: ModelIndex): string[] {
  const seen = new Set<string>();
  const name = (model: string): void => {
    if (seen.has(model)) return;
    seen.add(model);
    const target = models.get(model);
    if (target) follow(target.schema);
  };
  const mapped = (node: IRUnionSchema): void => node.discriminator?.mapping.forEach((m) => name(m.model));
  const follow = (schema: IRSchema): void =>
    void walkSchema(schema, { ref: (node) => name(node.model), oneOf: mapped, anyOf: mapped });
  for (const schema of schemas) follow(schema);
  return [...seen].sort();
}

function convert(schema: IRSchema, walk: Walk): JsonSchema {
  const { purpose } = walk.mode;
  const out: Record<string, JsonValue | JsonSchema | JsonSchema[]> = {};
  // Values are cloned: the IR is shared through spec-core's load cache, and callers may edit the output.
  if (purpose === 'describe') {
    if (schema.title !== undefined) out.title = schema.title;
    if (schema.description !== undefined) out.description = schema.description;
    if (schema.deprecated) out.deprecated = true;
    if (schema.examples !== undefined) out.examples = structuredClone(schema.examples);
  }
  // ajv writes a default into its code as an object literal, where a `__proto__` key would set
  // the prototype of every defaulted value: validators get the value without such keys.
  if (schema.default !== undefined && purpose !== 'response')
    out.default = purpose === 'describe' ? structuredClone(schema.default) : withoutProtoKeys(schema.default);

  switch (schema.kind) {
    case 'string':
    case 'number':
    case 'integer':
    case 'boolean':
    case 'null': {
      out.type = schema.nullable && schema.kind !== 'null' ? [schema.kind, 'null'] : schema.kind;
      copy(schema, out, [
        'format',
        'minLength',
        'maxLength',
        'pattern',
        'minimum',
        'maximum',
        'exclusiveMinimum',
        'exclusiveMaximum',
        'multipleOf',
      ]);
      if ('enum' in schema && schema.enum !== undefined)
        out.enum = schema.nullable ? [...schema.enum, null] : [...schema.enum];
      if ('const' in schema && schema.const !== undefined) {
        if (schema.nullable) out.enum = [schema.const, null];
        else out.const = schema.const;
      }
      return walk.mode.text && (schema.kind === 'integer' || schema.kind === 'number') ? textNumber(out) : out;
    }
    case 'literal':
      out.enum =
        schema.nullable && !schema.values.includes(null)
          ? [...structuredClone(schema.values), null]
          : structuredClone(schema.values);
      return out;
    case 'any':
      return Object.keys(out).length === 0 ? true : out;
    case 'array':
      out.type = schema.nullable ? ['array', 'null'] : 'array';
      out.items = convert(schema.items, { ...walk, model: undefined, open: false });
      copy(schema, out, ['minItems', 'maxItems', 'uniqueItems']);
      return out;
    case 'object':
      return objectSchema(schema, walk, out);
    case 'ref': {
      const target = walk.models.get(schema.model);
      const ref = { $ref: walk.mode.ref(schema.model, walk.open && purpose !== 'describe') };
      if (schema.nullable) {
        out.anyOf = [ref, { type: 'null' }];
        return out;
      }
      // An annotation next to `$ref` is fine in 2020-12; validators want the bare reference.
      if (Object.keys(out).length === 0 || target === undefined) return ref;
      return { ...ref, ...out };
    }
    case 'allOf': {
      out.allOf = schema.parts.map((part) => convert(part, { ...walk, model: undefined, open: true }));
      // The parts are open, so the whole closes itself: keys no part knows are refused.
      if (purpose !== 'describe' && !walk.open) out.unevaluatedProperties = false;
      if (schema.nullable) return { anyOf: [out, { type: 'null' }] };
      return out;
    }
    case 'oneOf':
    case 'anyOf': {
      const variants = schema.variants.map((v) => convert(v, { ...walk, model: undefined, open: false }));
      if (schema.nullable) variants.push({ type: 'null' });
      out[schema.kind] = variants;
      if (schema.discriminator && purpose === 'describe') {
        // fromEntries defines own keys, so a discriminator value `__proto__` stays a mapping entry.
        const mapping = Object.fromEntries(
          schema.discriminator.mapping.map(({ value, model }) => [value, walk.mode.ref(model, false)]),
        );
        out.discriminator = { propertyName: schema.discriminator.propertyName, mapping };
      }
      return out;
    }
  }
}

function objectSchema(
  schema: IRObjectSchema,
  walk: Walk,
  out: Record<string, JsonValue | JsonSchema | JsonSchema[]>,
): JsonSchema {
  const { purpose } = walk.mode;
  out.type = schema.nullable ? ['object', 'null'] : 'object';
  const properties: Record<string, JsonSchema> = {};
  const required: string[] = [];
  for (const property of schema.properties) {
    let converted = convert(property.schema, { ...walk, model: undefined, open: false });
    if (purpose === 'describe' && typeof converted === 'object') {
      if (property.readonly) converted = { ...converted, readOnly: true };
      if (property.writeonly) converted = { ...converted, writeOnly: true };
    }
    // A default on `__proto__` would make a validator assign an object's prototype.
    if (property.name === '__proto__' && typeof converted === 'object') delete converted.default;
    // A read-only field is set by the server: a request that sends it is refused, never required to.
    if (property.readonly && purpose === 'request') converted = false;
    // A write-only field (a password) is never returned: a response that carries it is a leak.
    if (property.writeonly && purpose === 'response') converted = false;
    defineOwn(properties, property.name, converted);
    // A write-only field is never returned, so a response must not be required to carry it.
    const requiredHere =
      property.required &&
      !(property.writeonly && purpose === 'response') &&
      !(property.readonly && purpose === 'request');
    if (requiredHere) required.push(property.name);
  }
  if (purpose === 'request' && walk.model?.variantOf !== undefined) {
    // `UserCreate` has no `id`, and sending one is an error, not something silently dropped.
    const base = walk.models.get(walk.model.variantOf);
    if (base?.schema.kind === 'object') {
      for (const p of base.schema.properties)
        if (p.readonly && !Object.hasOwn(properties, p.name)) defineOwn(properties, p.name, false);
    }
  }
  if (Object.keys(properties).length > 0) out.properties = properties;
  if (required.length > 0) out.required = required;
  if (schema.additionalProperties !== undefined) {
    out.additionalProperties =
      typeof schema.additionalProperties === 'boolean'
        ? schema.additionalProperties
        : convert(schema.additionalProperties, { ...walk, model: undefined, open: false });
  } else if (purpose !== 'describe' && !walk.open && schema.properties.length > 0) {
    // Closed unless the spec says otherwise; a bare `type: object` is a free-form map (and typed
    // `Record<string, unknown>`), so it stays open.
    out.additionalProperties = false;
  }
  copy(schema, out, ['minProperties', 'maxProperties']);
  return out;
}

/**
 * A number that arrives as text: ajv coerces whatever `+text` reads (`Infinity`, `0x10`, ` 5`), so
 * the text must first match the decimal grammar. ajv coerces at the start of a schema, before any
 * keyword, hence the `allOf`: the pattern (which only strings meet) runs on the text, the type
 * then coerces it and the schema's checks run on the number, and the type once more refuses what
 * is too large for a double (`1e400` coerces to Infinity, which no other keyword looks at).
 * Integers stay exact: within the safe range (`int64` too, since they are JavaScript numbers), or
 * 32 bits for `int32`, unless the schema's own bounds are tighter. `default` stays outside, where
 * ajv fills it in.
 */
function textNumber(schema: Record<string, JsonValue | JsonSchema | JsonSchema[]>): JsonSchema {
  const { default: fallback, ...checks } = schema;
  const integer = checks.type === 'integer' || (Array.isArray(checks.type) && checks.type.some((t) => t === 'integer'));
  if (integer) {
    const int32 = checks.format === 'int32';
    const [lowest, highest] = int32
      ? [-TEXT_INTEGER_BOUNDS.int32, TEXT_INTEGER_BOUNDS.int32 - 1]
      : [-TEXT_INTEGER_BOUNDS.safe, TEXT_INTEGER_BOUNDS.safe];
    if (typeof checks.maximum !== 'number' || checks.maximum > highest) checks.maximum = highest;
    if (typeof checks.minimum !== 'number' || checks.minimum < lowest) checks.minimum = lowest;
    // The bounds say all `int32` and `int64` do, in a clearer message than a second failure would.
    if (int32 || checks.format === 'int64') delete checks.format;
  }
  // The last part sits at TEXT_NUMBER_FINITE_CHECK, by which the runtime words its failure.
  const allOf: JsonSchema[] = [
    { pattern: integer ? DECIMAL_INTEGER_PATTERN : DECIMAL_NUMBER_PATTERN },
    checks,
    { type: checks.type! },
  ];
  return { ...(fallback !== undefined ? { default: fallback } : {}), allOf };
}

function copy<T extends object>(from: T, to: Record<string, unknown>, keys: string[]): void {
  for (const key of keys) {
    const value = (from as Record<string, unknown>)[key];
    if (value !== undefined) to[key] = value;
  }
}

/** Spec property names may be `__proto__`: define, never assign. */
function defineOwn(target: Record<string, JsonSchema>, key: string, value: JsonSchema): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/**
 * What a client sends where the spec names a model with read-only fields: its `Create` variant,
 * which leaves them out (an imported OpenAPI body `$ref: User` means "a User, without `id`").
 * Applied to a body and to the items of an array body.
 */
export function inputView(schema: IRSchema, models: ModelIndex): IRSchema {
  if (schema.kind === 'array') {
    const items = inputView(schema.items, models);
    return items === schema.items ? schema : { ...schema, items };
  }
  if (schema.kind !== 'ref') return schema;
  const model = models.get(schema.model);
  if (model?.variant !== 'model' || model.schema.kind !== 'object' || !model.schema.properties.some((p) => p.readonly))
    return schema;
  const create = models.get(`${model.name}Create`);
  return create?.variant === 'create' && create.variantOf === model.name ? { ...schema, model: create.name } : schema;
}

/** A deep copy of a JSON value without any `__proto__` key. */
function withoutProtoKeys(value: JsonValue): JsonValue {
  if (Array.isArray(value)) return value.map(withoutProtoKeys);
  if (typeof value !== 'object' || value === null) return value;
  const copy: Record<string, JsonValue> = {};
  for (const [key, inner] of Object.entries(value)) if (key !== '__proto__') copy[key] = withoutProtoKeys(inner);
  return copy;
}

/**
 * Whether a value valid against the schema (as a request validator closes it) may hold an object
 * key the spec does not name: an open object, a map, a free-form value, anywhere inside it.
 */
export function admitsUnnamedKeys(schema: IRSchema, models: ModelIndex): boolean {
  let open = false;
  const check = (node: IRSchema): void => {
    if (
      node.kind === 'any' ||
      (node.kind === 'literal' && node.values.some((v) => typeof v === 'object' && v !== null))
    )
      open = true;
    if (
      node.kind === 'object' &&
      (node.properties.length === 0
        ? node.additionalProperties !== false
        : node.additionalProperties !== undefined && node.additionalProperties !== false)
    )
      open = true;
    // A closed object may still name the keys that matter: such a body gets the scan too.
    if (
      node.kind === 'object' &&
      node.properties.some((p) => p.name === '__proto__' || p.name === 'constructor' || p.name === 'prototype')
    )
      open = true;
  };
  walkSchema(schema, { enter: check });
  for (const name of referencedModels([schema], models)) {
    const model = models.get(name);
    if (model) walkSchema(model.schema, { enter: check });
  }
  return open;
}
