import type { IRModel, IRObjectSchema, IRSchema } from '@specfirst/spec-core';
import type { ModelIndex } from '../json-schema.js';
import { docComment, indent, literal, propertyKey } from './ts.js';

/** How a type expression names a model: `User` inside models.ts, `M.User` elsewhere. */
export interface TypeNaming {
  models: ModelIndex;
  modelType(model: string): string;
}

/** The TypeScript type of a schema, as an expression. */
export function typeOf(schema: IRSchema, naming: TypeNaming): string {
  const base = baseType(schema, naming);
  return schema.nullable && schema.kind !== 'null' && schema.kind !== 'any' ? `${base} | null` : base;
}

function baseType(schema: IRSchema, naming: TypeNaming): string {
  switch (schema.kind) {
    case 'string':
      if (schema.const !== undefined) return literal(schema.const);
      return schema.enum ? union(schema.enum.map(literal)) : 'string';
    case 'number':
    case 'integer':
      if (schema.const !== undefined) return literal(schema.const);
      return schema.enum ? union(schema.enum.map(literal)) : 'number';
    case 'boolean':
      return schema.const !== undefined ? literal(schema.const) : 'boolean';
    case 'null':
      return 'null';
    case 'literal':
      return union(schema.values.map(literal));
    case 'any':
      return 'unknown';
    case 'array': {
      const item = typeOf(schema.items, naming);
      return /^[\w.$]+$/.test(item) ? `${item}[]` : `(${item})[]`;
    }
    case 'ref':
      return naming.models.has(schema.model) ? naming.modelType(schema.model) : 'unknown';
    case 'object':
      return objectLiteralType(schema, naming);
    case 'allOf':
      return schema.parts.map((p) => wrap(typeOf(p, naming))).join(' & ') || 'unknown';
    case 'oneOf':
    case 'anyOf':
      return union(schema.variants.map((v) => wrap(variantType(v, schema.discriminator?.propertyName, schema.discriminator?.mapping, naming)))) || 'unknown';
  }
}

/**
 * A variant of a discriminated union names its tag: when the variant model does not already fix
 * the discriminator property to its mapping value, the type says it (`Card & { method: "card" }`),
 * so `switch (payment.method)` narrows.
 */
function variantType(variant: IRSchema, property: string | undefined, mapping: { value: string; model: string }[] | undefined, naming: TypeNaming): string {
  const type = typeOf(variant, naming);
  if (property === undefined || variant.kind !== 'ref') return type;
  const values = (mapping ?? []).filter((m) => m.model === variant.model).map((m) => m.value);
  if (values.length === 0) return type;
  const fixed = fixedValues(naming.models.get(variant.model), property);
  if (fixed !== undefined && fixed.length === values.length && fixed.every((v) => values.includes(v))) return type;
  return `${type} & { ${propertyKey(property)}: ${union(values.map(literal))} }`;
}

function fixedValues(model: IRModel | undefined, property: string): string[] | undefined {
  if (model?.schema.kind !== 'object') return undefined;
  const schema = model.schema.properties.find((p) => p.name === property)?.schema;
  if (schema?.kind !== 'string') return undefined;
  if (schema.const !== undefined) return [schema.const];
  return schema.enum;
}

function union(members: string[]): string {
  return [...new Set(members)].join(' | ');
}

function wrap(type: string): string {
  return /[|&]/.test(type) && !/^\{[\s\S]*\}$/.test(type) ? `(${type})` : type;
}

/** The members of an object type, one per line, with their docs. */
export function objectMembers(schema: IRObjectSchema, naming: TypeNaming, options: { readonlyMarks: boolean; writeonlyOptional: boolean }): string[] {
  const members: string[] = [];
  for (const property of schema.properties) {
    const optional = !property.required || (options.writeonlyOptional && property.writeonly);
    const doc = docComment([
      property.schema.description,
      property.readonly ? 'Read-only: set by the server.' : undefined,
      property.writeonly ? 'Write-only: accepted on input, never returned.' : undefined,
      property.schema.deprecated ? '@deprecated' : undefined,
    ]);
    const mark = options.readonlyMarks && property.readonly ? 'readonly ' : '';
    members.push(`${doc}${mark}${propertyKey(property.name)}${optional ? '?' : ''}: ${typeOf(property.schema, naming)};`);
  }
  const extra = schema.additionalProperties;
  if (extra !== undefined && extra !== false) {
    // An index signature must admit every declared member too, so it can only say `unknown`
    // when there are members; without members it can be exact.
    members.push(`[key: string]: unknown;`);
  }
  return members;
}

function objectLiteralType(schema: IRObjectSchema, naming: TypeNaming): string {
  const extra = schema.additionalProperties;
  if (schema.properties.length === 0) {
    if (extra === false) return 'Record<string, never>';
    if (typeof extra === 'object') return `Record<string, ${typeOf(extra, naming)}>`;
    return 'Record<string, unknown>';
  }
  const members = objectMembers(schema, naming, { readonlyMarks: false, writeonlyOptional: false });
  return `{\n${indent(members.join('\n'))}\n}`;
}
