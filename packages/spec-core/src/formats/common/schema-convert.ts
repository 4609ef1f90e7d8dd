/**
 * Converts a schema as written in a spec file (our dialect or OpenAPI's) into an {@link IRSchema}.
 *
 * The two dialects differ only in a few places, handled by {@link SchemaDialect}:
 * - references: `$ref: User` (ours) vs `$ref: '#/components/schemas/User'` (OpenAPI);
 * - required properties: required unless `optional`/`default` (ours; in a model, a `default` is stored
 *   and the property stays required there, see {@link ConvertContext.storedDefaults}) vs the `required` list;
 * - flags: `readonly`/`writeonly` vs `readOnly`/`writeOnly`, 3.0 `nullable` vs 3.1 type arrays.
 */
import type { Diagnostic } from '../../diagnostics/diagnostics.js';
import type { IRDiscriminator, IRLocation, IRProperty, IRSchema, IRSchemaBase, JsonValue } from '../../ir/ir.js';
import { diagnosticAt, irLoc } from '../../diagnostics/location.js';
import { modelNameForFile } from '../../util/names.js';
import { joinPointer } from '../../util/json-pointer.js';
import { isRecord } from '../../util/records.js';
import type { SourceFile } from '../../yaml/source-file.js';

export interface SchemaDialect {
  name: 'specfirst' | 'openapi';
  /**
   * Resolves a `$ref` found at `pointer` of `source`. Returns the schema to use in its place:
   * a `ref` node for named models, or the converted target for anything else.
   */
  resolveRef(ref: string, source: SourceFile, pointer: string, base: IRSchemaBase): IRSchema;
}

export interface ConvertContext {
  dialect: SchemaDialect;
  diagnostics: Diagnostic[];
  /**
   * Our format's models: a property with a `default` is always stored, so it is required in the
   * model (the read model), unless marked `optional`/`?`; its `Create`/`Update` variants make it
   * optional (checks/models.ts). Elsewhere (an inline request body or response) a `default`
   * makes a property optional. OpenAPI's `required` list is never overruled.
   */
  storedDefaults?: boolean;
}

type Raw = Record<string, unknown>;

const BUILTIN_SHORT_TYPES = new Set(['string', 'integer', 'number', 'boolean', 'object', 'any', 'null']);

/**
 * The schema without keywords that hold `.inf` or `.nan` (each reported): YAML has them, JSON has
 * not, and the IR is JSON. Our spec files' numeric keywords are checked by their JSON Schema
 * already; OpenAPI documents are not, so theirs are checked here too.
 */
function withoutNonJsonNumbers(raw: Raw, source: SourceFile, pointer: string, ctx: ConvertContext): Raw {
  let clean = raw;
  for (const key of ctx.dialect.name === 'openapi' ? VALUE_AND_NUMERIC_KEYWORDS : VALUE_KEYWORDS) {
    if (clean[key] === undefined || isJson(clean[key])) continue;
    ctx.diagnostics.push(
      diagnosticAt(source, joinPointer(pointer, key), {
        code: 'SF1202',
        message: `\`${key}\` holds a number with no JSON form (\`.inf\` or \`.nan\`)`,
        hint: 'use finite numbers: the IR and every generated file are JSON',
      }),
    );
    const { [key]: _dropped, ...rest } = clean;
    clean = rest;
  }
  return clean;
}

const NUMERIC_KEYWORDS = [
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'multipleOf',
  'minLength',
  'maxLength',
  'minItems',
  'maxItems',
  'minProperties',
  'maxProperties',
];
/** Keywords holding values, checked in every dialect; with the numeric ones, for OpenAPI (built once: this runs per schema). */
const VALUE_KEYWORDS = ['default', 'const', 'enum', 'examples', 'example'];
const VALUE_AND_NUMERIC_KEYWORDS = [...VALUE_KEYWORDS, ...NUMERIC_KEYWORDS];

/** Plain JSON: no `Infinity` or `NaN` anywhere inside. */
function isJson(value: unknown): boolean {
  if (typeof value === 'number') return Number.isFinite(value);
  if (Array.isArray(value)) return value.every(isJson);
  if (isRecord(value)) return Object.values(value).every(isJson);
  return true;
}

/**
 * Is the schema at hand marked optional? Only our dialect has this notion
 * (`optional: true`, a `default`, or the short form's trailing `?`).
 */
export function isMarkedOptional(raw: unknown): boolean {
  return isExplicitlyOptional(raw) || (isRecord(raw) && raw.default !== undefined);
}

/** Marked optional in so many words: `optional: true` or the short form's trailing `?` (our dialect). */
function isExplicitlyOptional(raw: unknown): boolean {
  if (typeof raw === 'string') return raw.endsWith('?');
  return isRecord(raw) && raw.optional === true;
}

export function convertSchema(rawInput: unknown, source: SourceFile, pointer: string, ctx: ConvertContext): IRSchema {
  const loc = irLoc(source, pointer);
  if (typeof rawInput === 'string') {
    if (ctx.dialect.name === 'specfirst') return convertShortForm(rawInput, source, pointer, loc, ctx);
    // Short forms are ours; in OpenAPI a bare string is a mistake, not a silent `any`.
    ctx.diagnostics.push(
      diagnosticAt(source, pointer, {
        code: 'SF1202',
        message: `expected a schema object, got the string ${JSON.stringify(rawInput)}`,
        hint: BUILTIN_SHORT_TYPES.has(rawInput)
          ? `write \`{ type: ${rawInput} }\``
          : `refer to a schema with \`{ $ref: '#/components/schemas/${rawInput}' }\``,
      }),
    );
    return { kind: 'any', nullable: false, loc };
  }
  if (rawInput === true || rawInput === undefined || !isRecord(rawInput)) return { kind: 'any', nullable: false, loc };
  const raw = withoutNonJsonNumbers(rawInput, source, pointer, ctx);
  checkSchemaConsistency(raw, source, pointer, ctx.diagnostics);

  const base = baseOf(raw, loc, ctx.dialect.name);

  if (typeof raw.$ref === 'string') {
    // Siblings such as `description` and `nullable` refine the reference (OpenAPI 3.1 and our
    // format allow them; 3.0 documents write them anyway and mean the same).
    return ctx.dialect.resolveRef(raw.$ref, source, joinPointer(pointer, '$ref'), base);
  }

  for (const keyword of ['oneOf', 'anyOf'] as const) {
    const list = raw[keyword];
    if (Array.isArray(list)) {
      const variants = list.map((item, i) =>
        convertSchema(item, source, joinPointer(joinPointer(pointer, keyword), i), ctx),
      );
      const discriminator = convertDiscriminator(raw.discriminator, variants);
      return { ...base, kind: keyword, variants, ...(discriminator ? { discriminator } : {}) };
    }
  }
  if (Array.isArray(raw.allOf)) {
    const parts = raw.allOf.map((item, i) =>
      convertSchema(item, source, joinPointer(joinPointer(pointer, 'allOf'), i), ctx),
    );
    // `allOf` next to `properties` is common in OpenAPI: treat the siblings as one more part.
    if (isRecord(raw.properties) || raw.type === 'object') {
      const { allOf: _ignored, ...rest } = raw;
      parts.push(convertObject(rest, source, pointer, irLoc(source, pointer), ctx));
    }
    return { ...base, kind: 'allOf', parts };
  }

  const types = typeList(raw.type);
  const nonNull = types.filter((t) => t !== 'null');
  if (types.includes('null') && nonNull.length > 0) base.nullable = true;

  if (nonNull.length > 1) {
    // `type: [string, integer]`: a union of the plain types.
    const variants = nonNull.map((t) =>
      convertTyped(t, { ...raw, type: t }, source, pointer, { ...base, nullable: false }, ctx),
    );
    return { ...base, kind: 'anyOf', variants };
  }
  const type = nonNull[0] ?? (types.length === 1 ? 'null' : inferType(raw));
  if (type === undefined) {
    if (Array.isArray(raw.enum)) return { ...base, kind: 'literal', values: raw.enum as JsonValue[] };
    if (raw.const !== undefined) return { ...base, kind: 'literal', values: [raw.const as JsonValue] };
    return { ...base, kind: 'any' };
  }
  return convertTyped(type, raw, source, pointer, base, ctx);
}

function convertTyped(
  type: string,
  raw: Raw,
  source: SourceFile,
  pointer: string,
  base: IRSchemaBase,
  ctx: ConvertContext,
): IRSchema {
  switch (type) {
    case 'string':
      return {
        ...base,
        kind: 'string',
        ...pick(raw, ['format'], 'string'),
        ...pick(raw, ['minLength', 'maxLength'], 'number'),
        ...pick(raw, ['pattern'], 'string'),
        ...(Array.isArray(raw.enum) ? { enum: raw.enum.filter((v): v is string => typeof v === 'string') } : {}),
        ...(typeof raw.const === 'string' ? { const: raw.const } : {}),
      };
    case 'number':
    case 'integer':
      return {
        ...base,
        kind: type,
        ...pick(raw, ['format'], 'string'),
        ...pick(raw, ['minimum', 'maximum', 'multipleOf'], 'number'),
        ...exclusiveBounds(raw),
        ...(Array.isArray(raw.enum) ? { enum: raw.enum.filter((v): v is number => typeof v === 'number') } : {}),
        ...(typeof raw.const === 'number' ? { const: raw.const } : {}),
      };
    case 'boolean':
      return { ...base, kind: 'boolean', ...(typeof raw.const === 'boolean' ? { const: raw.const } : {}) };
    case 'null':
      return { ...base, kind: 'null' };
    case 'array':
      return {
        ...base,
        kind: 'array',
        items: convertSchema(raw.items, source, joinPointer(pointer, 'items'), ctx),
        ...pick(raw, ['minItems', 'maxItems'], 'number'),
        ...pick(raw, ['uniqueItems'], 'boolean'),
      };
    case 'object':
      return { ...convertObject(raw, source, pointer, base.loc, ctx), ...base, kind: 'object' };
    default:
      return { ...base, kind: 'any' };
  }
}

function convertObject(
  raw: Raw,
  source: SourceFile,
  pointer: string,
  loc: IRLocation,
  ctx: ConvertContext,
): IRSchema & { kind: 'object' } {
  const openapi = ctx.dialect.name === 'openapi';
  const requiredList = new Set(Array.isArray(raw.required) ? raw.required.map(String) : []);
  const properties: IRProperty[] = [];
  const propsPointer = joinPointer(pointer, 'properties');
  if (isRecord(raw.properties)) {
    for (const [name, propRaw] of Object.entries(raw.properties)) {
      const propPointer = joinPointer(propsPointer, name);
      const schema = convertSchema(propRaw, source, propPointer, ctx);
      const flags = isRecord(propRaw) ? propRaw : {};
      properties.push({
        name,
        schema,
        required: openapi
          ? requiredList.has(name)
          : ctx.storedDefaults
            ? !isExplicitlyOptional(propRaw)
            : !isMarkedOptional(propRaw),
        readonly: (openapi ? flags.readOnly : flags.readonly) === true,
        writeonly: (openapi ? flags.writeOnly : flags.writeonly) === true,
        loc: irLoc(source, propPointer),
      });
    }
  }
  let additionalProperties: boolean | IRSchema | undefined;
  if (typeof raw.additionalProperties === 'boolean') additionalProperties = raw.additionalProperties;
  else if (raw.additionalProperties !== undefined) {
    additionalProperties = convertSchema(
      raw.additionalProperties,
      source,
      joinPointer(pointer, 'additionalProperties'),
      ctx,
    );
  }
  return {
    kind: 'object',
    nullable: false,
    loc,
    properties,
    ...(additionalProperties !== undefined ? { additionalProperties } : {}),
    ...pick(raw, ['minProperties', 'maxProperties'], 'number'),
  };
}

function convertShortForm(
  text: string,
  source: SourceFile,
  pointer: string,
  loc: IRLocation,
  ctx: ConvertContext,
): IRSchema {
  let name = text.endsWith('?') ? text.slice(0, -1) : text;
  let arrays = 0;
  while (name.endsWith('[]')) {
    name = name.slice(0, -2);
    arrays++;
  }
  let schema: IRSchema;
  if (BUILTIN_SHORT_TYPES.has(name)) {
    schema =
      name === 'any'
        ? { kind: 'any', nullable: false, loc }
        : name === 'object'
          ? { kind: 'object', nullable: false, loc, properties: [], additionalProperties: true }
          : (convertTyped(name, {}, source, pointer, { nullable: false, loc }, ctx) as IRSchema);
  } else {
    schema = ctx.dialect.resolveRef(name, source, pointer, { nullable: false, loc });
  }
  for (let i = 0; i < arrays; i++) schema = { kind: 'array', nullable: false, loc, items: schema };
  return schema;
}

function baseOf(raw: Raw, loc: IRLocation, dialect: SchemaDialect['name']): IRSchemaBase {
  const base: IRSchemaBase = { nullable: raw.nullable === true, loc };
  if (typeof raw.description === 'string') base.description = raw.description;
  if (typeof raw.title === 'string') base.title = raw.title;
  if (raw.default !== undefined) base.default = raw.default as JsonValue;
  if (Array.isArray(raw.examples)) base.examples = raw.examples as JsonValue[];
  else if (dialect === 'openapi' && raw.example !== undefined) base.examples = [raw.example as JsonValue];
  if (raw.deprecated === true) base.deprecated = true;
  return base;
}

function convertDiscriminator(raw: unknown, variants: IRSchema[]): IRDiscriminator | undefined {
  if (!isRecord(raw) || typeof raw.propertyName !== 'string') return undefined;
  const mapping: IRDiscriminator['mapping'] = [];
  if (isRecord(raw.mapping)) {
    for (const [value, target] of Object.entries(raw.mapping)) {
      const model = mappingTarget(String(target));
      mapping.push({ value, model });
    }
  } else {
    // Without a mapping, the discriminator value is the model name (OpenAPI's implicit rule).
    for (const variant of variants)
      if (variant.kind === 'ref') mapping.push({ value: variant.model, model: variant.model });
  }
  return { propertyName: raw.propertyName, mapping };
}

/**
 * A discriminator mapping names a model directly, by `#/components/schemas/Name`, or by a file
 * (`./cat.yaml` is the model `Cat`, as a whole-file `$ref` is).
 */
function mappingTarget(target: string): string {
  const hash = target.indexOf('#');
  if (hash !== -1) return target.slice(target.lastIndexOf('/') + 1);
  if (/\.(ya?ml|json)$/i.test(target)) return modelNameForFile(target);
  return target;
}

function typeList(type: unknown): string[] {
  if (typeof type === 'string') return [type];
  if (Array.isArray(type)) return type.filter((t): t is string => typeof t === 'string');
  return [];
}

/** Schemas without `type` that still clearly describe one (`properties`, `items`, string enums). */
function inferType(raw: Raw): string | undefined {
  if (isRecord(raw.properties) || raw.additionalProperties !== undefined) return 'object';
  if (raw.items !== undefined) return 'array';
  const values = Array.isArray(raw.enum) ? raw.enum : raw.const !== undefined ? [raw.const] : undefined;
  if (values && values.length > 0) {
    if (values.every((v) => typeof v === 'string')) return 'string';
    if (values.every((v) => typeof v === 'number'))
      return values.every((v) => Number.isInteger(v)) ? 'integer' : 'number';
    if (values.every((v) => typeof v === 'boolean')) return 'boolean';
  }
  if (raw.pattern !== undefined || raw.minLength !== undefined || raw.maxLength !== undefined) return 'string';
  if (raw.minimum !== undefined || raw.maximum !== undefined) return 'number';
  return undefined;
}

/** OpenAPI 3.0 writes `exclusiveMinimum: true` next to `minimum`; 2020-12 writes the bound itself. */
function exclusiveBounds(raw: Raw): { exclusiveMinimum?: number; exclusiveMaximum?: number } {
  const out: { exclusiveMinimum?: number; exclusiveMaximum?: number } = {};
  if (typeof raw.exclusiveMinimum === 'number') out.exclusiveMinimum = raw.exclusiveMinimum;
  else if (raw.exclusiveMinimum === true && typeof raw.minimum === 'number') out.exclusiveMinimum = raw.minimum;
  if (typeof raw.exclusiveMaximum === 'number') out.exclusiveMaximum = raw.exclusiveMaximum;
  else if (raw.exclusiveMaximum === true && typeof raw.maximum === 'number') out.exclusiveMaximum = raw.maximum;
  return out;
}

function pick(raw: Raw, keys: string[], type: 'string' | 'number' | 'boolean'): Record<string, never> {
  const out: Record<string, unknown> = {};
  // Numbers must be finite: `.inf` in YAML has no JSON form.
  for (const key of keys)
    if (typeof raw[key] === type && (type !== 'number' || Number.isFinite(raw[key]))) out[key] = raw[key];
  return out as Record<string, never>;
}

/**
 * Reports what no value could satisfy (`minimum` above `maximum`) or what cannot run (an invalid
 * `pattern`). Called by {@link convertSchema} for each schema object, so every schema (bodies,
 * parameters, headers, models) is checked exactly once, where it is converted.
 */
function checkSchemaConsistency(raw: Raw, source: SourceFile, pointer: string, diagnostics: Diagnostic[]): void {
  const pairs: [string, string][] = [
    ['minimum', 'maximum'],
    ['minLength', 'maxLength'],
    ['minItems', 'maxItems'],
    ['minProperties', 'maxProperties'],
  ];
  for (const [low, high] of pairs) {
    const a = raw[low];
    const b = raw[high];
    if (typeof a === 'number' && typeof b === 'number' && a > b) {
      diagnostics.push(
        diagnosticAt(source, joinPointer(pointer, low), {
          code: 'SF2006',
          message: `\`${low}\` (${a}) is greater than \`${high}\` (${b}): no value can match`,
          hint: `swap them or lower \`${low}\``,
        }),
      );
    }
  }
  if (typeof raw.pattern === 'string') {
    try {
      new RegExp(raw.pattern, 'u');
    } catch (error) {
      diagnostics.push(
        diagnosticAt(source, joinPointer(pointer, 'pattern'), {
          code: 'SF2006',
          message: `\`pattern\` is not a valid regular expression: ${(error as Error).message}`,
          hint: 'patterns use ECMAScript regular expression syntax with the `u` flag',
        }),
      );
    }
  }
}
