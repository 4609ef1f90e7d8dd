import type { IRModel, IRObjectSchema, IRSchema } from '@specfirst/spec-core';
import type { ModelIndex } from '../json-schema.js';
import { align, group, hardline, ifBreak, indent, join, line, softline, type Doc } from './doc.js';
import { comment, literal, propertyKey } from './ts.js';

/** How a type expression names a model: `User` inside models.ts, `M.User` elsewhere. */
export interface TypeNaming {
  models: ModelIndex;
  modelType(model: string): string;
}

/**
 * A type expression, kept in parts until it is printed: a union and an object type are laid out
 * differently after `=`, after `name:`, as an array element or as a function's only parameter.
 */
export type TypeExpr =
  | { readonly kind: 'union'; readonly members: readonly TypeExpr[] }
  | { readonly kind: 'object'; readonly members: readonly Doc[]; readonly expanded: boolean }
  | { readonly kind: 'text'; readonly text: string }
  /** Anything else made of parts: `(A | B)[]`, `A & { … }`. */
  | { readonly kind: 'doc'; readonly doc: Doc; readonly intersection?: boolean };

export const text = (value: string): TypeExpr => ({ kind: 'text', text: value });

/**
 * An object type: one member per entry (a member doc without its `;`). `expanded` objects are
 * written one member per line whatever their width, as Prettier keeps an object it finds broken.
 */
export function objectType(members: readonly Doc[], expanded = true): TypeExpr {
  return { kind: 'object', members, expanded };
}

export function unionOf(members: readonly TypeExpr[]): TypeExpr {
  const seen = new Set<string>();
  const unique: TypeExpr[] = [];
  for (const member of members.flatMap((m) => (m.kind === 'union' ? m.members : [m]))) {
    if (member.kind === 'text') {
      if (seen.has(member.text)) continue;
      seen.add(member.text);
    }
    unique.push(member);
  }
  if (unique.length === 1) return unique[0]!;
  return unique.length === 0 ? text('never') : { kind: 'union', members: unique };
}

/** Where a type is printed; each place lays out a union as Prettier does there. */
export type TypePosition = 'annotation' | 'alias' | 'hug' | 'argument';

/** The document of a type: `annotation` after `name: ` (and as a return type), `alias` after `type X =`, `hug` as a function's only parameter. */
export function typeDoc(type: TypeExpr, position: TypePosition = 'annotation'): Doc {
  switch (type.kind) {
    case 'text':
      return type.text;
    case 'doc':
      return type.doc;
    case 'object':
      return objectDoc(type, position === 'hug');
    case 'union': {
      if (huggable(type))
        return join(
          ' | ',
          type.members.map((m) => typeDoc(m)),
        );
      const members = group([
        ifBreak('| '),
        join(
          [line, '| '],
          type.members.map((m) => align(2, typeDoc(m))),
        ),
      ]);
      if (position === 'alias') return [' =', group(indent([line, members]))];
      if (position === 'argument') return members;
      return group(indent([softline, members]));
    }
  }
}

/** `type X = …`: the `=` and what follows, laid out as Prettier lays out a type alias. */
export function aliasDoc(type: TypeExpr): Doc {
  return type.kind === 'union' && !huggable(type) ? typeDoc(type, 'alias') : [' = ', typeDoc(type)];
}

/** `{ a: string } | null` stays on the object's lines: one object, and otherwise only `null`. */
function huggable(type: { members: readonly TypeExpr[] }): boolean {
  const objects = type.members.filter((m) => m.kind === 'object').length;
  const nulls = type.members.filter((m) => m.kind === 'text' && m.text === 'null').length;
  return objects === 1 && objects + nulls === type.members.length;
}

function objectDoc(type: Extract<TypeExpr, { kind: 'object' }>, hugged: boolean): Doc {
  const body = ['{', indent([line, join([';', line], type.members), ifBreak(';')]), line, '}'];
  // A function's only parameter is printed inside the parameter list's own group.
  return hugged ? body : group(body, { shouldBreak: type.expanded });
}

/** A type as text that must stay one token in an array or an intersection. */
function parenthesized(type: TypeExpr): Doc {
  if (type.kind === 'union') return ['(', group([indent([softline, typeDoc(type, 'argument')]), softline]), ')'];
  return typeDoc(type);
}

/** The TypeScript type of a schema. */
export function typeOf(schema: IRSchema, naming: TypeNaming): TypeExpr {
  const base = baseType(schema, naming);
  return schema.nullable && schema.kind !== 'null' && schema.kind !== 'any' ? unionOf([base, text('null')]) : base;
}

function literals(values: readonly unknown[]): TypeExpr {
  return unionOf(values.map((v) => text(literal(v))));
}

function baseType(schema: IRSchema, naming: TypeNaming): TypeExpr {
  switch (schema.kind) {
    case 'string':
      if (schema.const !== undefined) return text(literal(schema.const));
      return schema.enum ? literals(schema.enum) : text('string');
    case 'number':
    case 'integer':
      if (schema.const !== undefined) return text(literal(schema.const));
      return schema.enum ? literals(schema.enum) : text('number');
    case 'boolean':
      return text(schema.const !== undefined ? literal(schema.const) : 'boolean');
    case 'null':
      return text('null');
    case 'literal':
      return literals(schema.values);
    case 'any':
      return text('unknown');
    case 'array': {
      const item = typeOf(schema.items, naming);
      if (item.kind === 'text' && /^[\w.$]+$/.test(item.text)) return text(`${item.text}[]`);
      return arrayOf(item);
    }
    case 'ref':
      return text(naming.models.has(schema.model) ? naming.modelType(schema.model) : 'unknown');
    case 'object':
      return objectLiteralType(schema, naming);
    case 'allOf':
      return schema.parts.length === 0 ? text('unknown') : intersection(schema.parts.map((p) => typeOf(p, naming)));
    case 'oneOf':
    case 'anyOf':
      return schema.variants.length === 0
        ? text('unknown')
        : unionOf(
            schema.variants.map((v) =>
              wrap(variantType(v, schema.discriminator?.propertyName, schema.discriminator?.mapping, naming)),
            ),
          );
  }
}

/** `(A | B)[]`, `{ … }[]`. */
function arrayOf(item: TypeExpr): TypeExpr {
  return { kind: 'doc', doc: [parenthesized(item), '[]'] };
}

function intersection(parts: readonly TypeExpr[]): TypeExpr {
  if (parts.length === 1) return parts[0]!;
  return {
    kind: 'doc',
    doc: join(
      ' & ',
      parts.map((p) => (p.kind === 'union' ? parenthesized(p) : typeDoc(p))),
    ),
    intersection: true,
  };
}

/**
 * A variant of a discriminated union names its tag: when the variant model does not already fix
 * the discriminator property to its mapping value, the type says it (`Card & { method: 'card' }`),
 * so `switch (payment.method)` narrows.
 */
function variantType(
  variant: IRSchema,
  property: string | undefined,
  mapping: { value: string; model: string }[] | undefined,
  naming: TypeNaming,
): TypeExpr {
  const type = typeOf(variant, naming);
  if (property === undefined || variant.kind !== 'ref') return type;
  const values = (mapping ?? []).filter((m) => m.model === variant.model).map((m) => m.value);
  if (values.length === 0) return type;
  const fixed = fixedValues(naming.models.get(variant.model), property);
  if (fixed !== undefined && fixed.length === values.length && fixed.every((v) => values.includes(v))) return type;
  return intersection([type, objectType([[propertyKey(property), ': ', typeDoc(literals(values))]], false)]);
}

function fixedValues(model: IRModel | undefined, property: string): string[] | undefined {
  if (model?.schema.kind !== 'object') return undefined;
  const schema = model.schema.properties.find((p) => p.name === property)?.schema;
  if (schema?.kind !== 'string') return undefined;
  if (schema.const !== undefined) return [schema.const];
  return schema.enum;
}

/** A union or an intersection inside a union member stays in parentheses. */
function wrap(type: TypeExpr): TypeExpr {
  if (type.kind === 'union') return { kind: 'doc', doc: parenthesized(type) };
  if (type.kind === 'doc' && type.intersection === true) return { kind: 'doc', doc: ['(', type.doc, ')'] };
  return type;
}

/** `name?: Type`, after its doc comment: one member of an object type or interface, without its `;`. */
export function member(
  docs: (string | undefined)[],
  key: string,
  type: TypeExpr,
  options: { optional?: boolean; readonly?: boolean } = {},
): Doc {
  return [
    comment(docs),
    options.readonly === true ? 'readonly ' : '',
    key,
    options.optional === true ? '?' : '',
    ': ',
    typeDoc(type),
  ];
}

/** The members of an object type, with their docs. */
export function objectMembers(
  schema: IRObjectSchema,
  naming: TypeNaming,
  options: { readonlyMarks: boolean; writeonlyOptional: boolean },
): Doc[] {
  const members: Doc[] = [];
  for (const property of schema.properties) {
    const docs = [
      property.schema.description,
      property.readonly ? 'Read-only: set by the server.' : undefined,
      property.writeonly ? 'Write-only: accepted on input, never returned.' : undefined,
      property.schema.deprecated ? '@deprecated' : undefined,
    ];
    members.push(
      member(docs, propertyKey(property.name), typeOf(property.schema, naming), {
        optional: !property.required || (options.writeonlyOptional && property.writeonly),
        readonly: options.readonlyMarks && property.readonly,
      }),
    );
  }
  const extra = schema.additionalProperties;
  if (extra !== undefined && extra !== false) {
    // An index signature must admit every declared member too, so it can only say `unknown`
    // when there are members; without members it can be exact.
    members.push('[key: string]: unknown');
  }
  return members;
}

function objectLiteralType(schema: IRObjectSchema, naming: TypeNaming): TypeExpr {
  const extra = schema.additionalProperties;
  if (schema.properties.length === 0) {
    if (extra === false) return text('Record<string, never>');
    if (typeof extra === 'object')
      return { kind: 'doc', doc: ['Record<string, ', typeDoc(typeOf(extra, naming), 'argument'), '>'] };
    return text('Record<string, unknown>');
  }
  return objectType(objectMembers(schema, naming, { readonlyMarks: false, writeonlyOptional: false }));
}

/** `export interface Name { … }`: members one per line, each ending in `;`. */
export function interfaceDoc(head: Doc, members: readonly Doc[]): Doc {
  if (members.length === 0) return [head, ' {}'];
  return [
    head,
    ' {',
    indent([
      hardline,
      join(
        hardline,
        members.map((m) => [m, ';']),
      ),
    ]),
    hardline,
    '}',
  ];
}
