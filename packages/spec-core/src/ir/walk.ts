/**
 * The IR schema walker: the one recursion over schema trees. Checks, emitters and fuzz strategies
 * are written as visitors on it, keyed by node kind, instead of as new `switch (schema.kind)`
 * recursions that each must remember every place a schema nests (docs/ir.md, "Walking schemas").
 *
 *   walkSchema(model.schema, {
 *     ref: (node) => { used.add(node.model); },
 *     object: (node, at) => (at.depth > 3 ? 'skip' : undefined),
 *   });
 *
 * A visitor is called once per node, parents before children, children in the IR's order (object
 * properties in source order, then `additionalProperties`; array `items`; `allOf` parts; union
 * variants). It is given the node and a {@link SchemaVisit}: where the node is in the IR (`path`),
 * where it was written (`loc`), its parent and how the parent holds it, and the root it hangs from.
 * Returning `'skip'` leaves out the node's children; `'stop'` ends the whole walk. References
 * (`kind: 'ref'`) are nodes like the others: the walker never follows them to their model.
 */
import type {
  IRBody,
  IRLocation,
  IRModel,
  IROperation,
  IRParameter,
  IRProperty,
  IRResponse,
  IRResponseHeader,
  IRSchema,
  IRService,
  SpecIR,
} from './ir.js';

/** Every kind of schema node: `string`, `number`, `integer`, `boolean`, `null`, `array`, `object`, `ref`, `oneOf`, `anyOf`, `allOf`, `literal`, `any`. */
export type IRSchemaKind = IRSchema['kind'];

/** The schema type of one kind: `IRSchemaOfKind<'object'>` is `IRObjectSchema`; `'integer'` gives an `IRNumberSchema` whose kind is `'integer'`. */
export type IRSchemaOfKind<K extends IRSchemaKind> = IRSchema extends infer S
  ? S extends { kind: infer SK }
    ? K extends SK
      ? S & { kind: K }
      : never
    : never
  : never;

/** Every schema kind, in the order ir.ts declares them: for tables and exhaustive tests. */
export const IR_SCHEMA_KINDS: readonly IRSchemaKind[] = [
  'string',
  'number',
  'integer',
  'boolean',
  'null',
  'array',
  'object',
  'ref',
  'oneOf',
  'anyOf',
  'allOf',
  'literal',
  'any',
];

/** How a schema holds a child schema. */
export type SchemaEdge =
  | { via: 'items' }
  | { via: 'property'; property: IRProperty; index: number }
  | { via: 'additionalProperties' }
  | { via: 'part'; index: number }
  | { via: 'variant'; index: number };

/** What a schema tree of the IR belongs to (what {@link walkIR} starts from). */
export type SchemaOwner =
  | { kind: 'model'; model: IRModel }
  | { kind: 'parameter'; service: IRService; operation: IROperation; parameter: IRParameter }
  | { kind: 'body'; service: IRService; operation: IROperation; body: IRBody }
  | { kind: 'response'; service: IRService; operation: IROperation; response: IRResponse }
  | { kind: 'header'; service: IRService; operation: IROperation; response: IRResponse; header: IRResponseHeader }
  /** A schema given to {@link walkSchema} directly. */
  | { kind: 'schema' };

/** Where a visited node is. */
export interface SchemaVisit {
  /**
   * Where the node is in the IR, as keys and array indexes from the IR's root (for {@link walkIR},
   * e.g. `['models', 2, 'schema', 'properties', 0, 'schema']`) or from the schema the walk started
   * at, after the `path` option. `formatPointer(path)` (`@specfirst/spec-core/json-pointer`) turns
   * it into a JSON pointer into `JSON.stringify(ir)`. Unique per node, stable between runs.
   */
  path: readonly (string | number)[];
  /** Where the node was written in the spec (the node's own `loc`): file, pointer, line, column. */
  loc: IRLocation;
  /** The schema that holds this node; undefined at the root of a tree. */
  parent: IRSchema | undefined;
  /** How `parent` holds it; undefined at the root of a tree. */
  edge: SchemaEdge | undefined;
  /** 0 at the root of a tree, +1 per nesting. */
  depth: number;
  /** What the tree belongs to. */
  owner: SchemaOwner;
}

/**
 * What a visitor returns: nothing to go on, `'skip'` to leave out the node's children, `'stop'` to end the walk.
 * `void` so that any function declared to return nothing can be a visitor as it is.
 */
// eslint-disable-next-line @typescript-eslint/no-invalid-void-type -- a `(): void` function must be assignable
export type WalkControl = 'skip' | 'stop' | undefined | void;

/** Visitors keyed by schema kind, plus `enter` (every node, before its kind's visitor) and `leave` (every node, after its children). */
export type SchemaVisitor = {
  [K in IRSchemaKind]?: (node: IRSchemaOfKind<K>, at: SchemaVisit) => WalkControl;
} & {
  enter?: (node: IRSchema, at: SchemaVisit) => WalkControl;
  leave?: (node: IRSchema, at: SchemaVisit) => WalkControl;
};

export interface WalkOptions {
  /** Path of the root schema (default `[]`): where it sits in a larger document. */
  path?: readonly (string | number)[];
  /** What the root schema belongs to (default `{ kind: 'schema' }`). */
  owner?: SchemaOwner;
}

const STOP = Symbol('stop');

/**
 * Walks `schema` and every schema nested in it (see the top of this file). Returns false when a
 * visitor stopped the walk, true when it went through.
 */
export function walkSchema(schema: IRSchema, visitor: SchemaVisitor, options: WalkOptions = {}): boolean {
  const owner = options.owner ?? { kind: 'schema' };
  return (
    visit(schema, visitor, {
      path: options.path ?? [],
      loc: schema.loc,
      parent: undefined,
      edge: undefined,
      depth: 0,
      owner,
    }) !== STOP
  );
}

/**
 * Walks every schema tree of the IR, in the IR's order: each model's schema, then per service and
 * operation the parameters, the request body, and each response's body and headers. Topics and tasks
 * name their payload models (`message`, `args`, `result`) and hold no schema of their own.
 * Returns false when a visitor stopped the walk.
 */
export function walkIR(ir: SpecIR, visitor: SchemaVisitor): boolean {
  for (const [m, model] of ir.models.entries()) {
    if (!walkSchema(model.schema, visitor, { path: ['models', m, 'schema'], owner: { kind: 'model', model } }))
      return false;
  }
  for (const [s, service] of ir.services.entries()) {
    for (const [o, operation] of service.operations.entries()) {
      const at = ['services', s, 'operations', o];
      for (const [p, parameter] of operation.parameters.entries()) {
        const owner: SchemaOwner = { kind: 'parameter', service, operation, parameter };
        if (!walkSchema(parameter.schema, visitor, { path: [...at, 'parameters', p, 'schema'], owner })) return false;
      }
      const { body } = operation;
      if (
        body &&
        !walkSchema(body.schema, visitor, {
          path: [...at, 'body', 'schema'],
          owner: { kind: 'body', service, operation, body },
        })
      )
        return false;
      for (const [r, response] of operation.responses.entries()) {
        const owner: SchemaOwner = { kind: 'response', service, operation, response };
        if (
          response.schema &&
          !walkSchema(response.schema, visitor, { path: [...at, 'responses', r, 'schema'], owner })
        )
          return false;
        for (const [h, header] of response.headers.entries()) {
          const headerOwner: SchemaOwner = { kind: 'header', service, operation, response, header };
          if (
            !walkSchema(header.schema, visitor, {
              path: [...at, 'responses', r, 'headers', h, 'schema'],
              owner: headerOwner,
            })
          )
            return false;
        }
      }
    }
  }
  return true;
}

function visit(node: IRSchema, visitor: SchemaVisitor, at: SchemaVisit): typeof STOP | undefined {
  const entered = visitor.enter?.(node, at);
  if (entered === 'stop') return STOP;
  const own =
    entered === 'skip'
      ? undefined
      : (visitor[node.kind] as ((n: IRSchema, a: SchemaVisit) => WalkControl) | undefined)?.(node, at);
  if (own === 'stop') return STOP;
  if (entered !== 'skip' && own !== 'skip') {
    const child = (schema: IRSchema, edge: SchemaEdge, ...segments: (string | number)[]): typeof STOP | undefined =>
      visit(schema, visitor, {
        path: [...at.path, ...segments],
        loc: schema.loc,
        parent: node,
        edge,
        depth: at.depth + 1,
        owner: at.owner,
      });
    switch (node.kind) {
      case 'array':
        if (child(node.items, { via: 'items' }, 'items') === STOP) return STOP;
        break;
      case 'object':
        for (const [index, property] of node.properties.entries()) {
          if (child(property.schema, { via: 'property', property, index }, 'properties', index, 'schema') === STOP)
            return STOP;
        }
        if (
          typeof node.additionalProperties === 'object' &&
          child(node.additionalProperties, { via: 'additionalProperties' }, 'additionalProperties') === STOP
        )
          return STOP;
        break;
      case 'allOf':
        for (const [index, part] of node.parts.entries())
          if (child(part, { via: 'part', index }, 'parts', index) === STOP) return STOP;
        break;
      case 'oneOf':
      case 'anyOf':
        for (const [index, variant] of node.variants.entries())
          if (child(variant, { via: 'variant', index }, 'variants', index) === STOP) return STOP;
        break;
      default:
        break;
    }
  }
  return visitor.leave?.(node, at) === 'stop' ? STOP : undefined;
}
