/**
 * The IR schema walker: which nodes a visitor sees, in which order, with which path, and what
 * `'skip'` and `'stop'` do. Expected orders and paths are written out by hand from the trees below.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatPointer } from '../src/util/json-pointer.js';
import {
  IR_SCHEMA_KINDS,
  type IRLocation,
  type IRSchema,
  type IRSchemaKind,
  loadProjectSync,
  type SchemaVisitor,
  type SpecIR,
  walkIR,
  walkSchema,
} from '../src/index.js';
import { FIXTURES } from './helpers.js';

const at = (pointer: string): IRLocation => ({ file: 'spec/models.yaml', pointer, line: 1, column: 1 });
const base = (pointer: string) => ({ nullable: false, loc: at(pointer) });

/** One node of every kind: an object whose properties hold the others. */
const EVERY_KIND: IRSchema = {
  ...base('/Everything'),
  kind: 'object',
  properties: [
    {
      name: 's',
      required: true,
      readonly: false,
      writeonly: false,
      loc: at('/Everything/s'),
      schema: { ...base('/Everything/s'), kind: 'string' },
    },
    {
      name: 'list',
      required: true,
      readonly: false,
      writeonly: false,
      loc: at('/Everything/list'),
      schema: {
        ...base('/Everything/list'),
        kind: 'array',
        items: { ...base('/Everything/list/items'), kind: 'integer' },
      },
    },
    {
      name: 'either',
      required: false,
      readonly: false,
      writeonly: false,
      loc: at('/Everything/either'),
      schema: {
        ...base('/Everything/either'),
        kind: 'oneOf',
        variants: [
          { ...base('/Everything/either/oneOf/0'), kind: 'number' },
          { ...base('/Everything/either/oneOf/1'), kind: 'boolean' },
        ],
      },
    },
    {
      name: 'some',
      required: false,
      readonly: false,
      writeonly: false,
      loc: at('/Everything/some'),
      schema: {
        ...base('/Everything/some'),
        kind: 'anyOf',
        variants: [
          { ...base('/Everything/some/anyOf/0'), kind: 'null' },
          { ...base('/Everything/some/anyOf/1'), kind: 'literal', values: [1, 'a'] },
        ],
      },
    },
    {
      name: 'both',
      required: false,
      readonly: false,
      writeonly: false,
      loc: at('/Everything/both'),
      schema: {
        ...base('/Everything/both'),
        kind: 'allOf',
        parts: [
          { ...base('/Everything/both/allOf/0'), kind: 'ref', model: 'User', target: at('/User') },
          { ...base('/Everything/both/allOf/1'), kind: 'any' },
        ],
      },
    },
  ],
  additionalProperties: { ...base('/Everything/additionalProperties'), kind: 'string' },
};

/** Every node of EVERY_KIND, parents first: kind, path (as a pointer), depth, how the parent holds it. */
const EVERY_KIND_ORDER: [IRSchemaKind, string, number, string | undefined][] = [
  ['object', '', 0, undefined],
  ['string', '/properties/0/schema', 1, 'property'],
  ['array', '/properties/1/schema', 1, 'property'],
  ['integer', '/properties/1/schema/items', 2, 'items'],
  ['oneOf', '/properties/2/schema', 1, 'property'],
  ['number', '/properties/2/schema/variants/0', 2, 'variant'],
  ['boolean', '/properties/2/schema/variants/1', 2, 'variant'],
  ['anyOf', '/properties/3/schema', 1, 'property'],
  ['null', '/properties/3/schema/variants/0', 2, 'variant'],
  ['literal', '/properties/3/schema/variants/1', 2, 'variant'],
  ['allOf', '/properties/4/schema', 1, 'property'],
  ['ref', '/properties/4/schema/parts/0', 2, 'part'],
  ['any', '/properties/4/schema/parts/1', 2, 'part'],
  ['string', '/additionalProperties', 1, 'additionalProperties'],
];

/** Follows a walker path through a value, to check that it leads to the node visited. */
function follow(value: unknown, segments: readonly (string | number)[]): unknown {
  let node = value;
  for (const segment of segments) node = (node as Record<string | number, unknown>)[segment];
  return node;
}

describe('walkSchema', () => {
  it('visits every node once, parents first, with its path, depth and edge', () => {
    const seen: [IRSchemaKind, string, number, string | undefined][] = [];
    walkSchema(EVERY_KIND, {
      enter: (node, visit) => void seen.push([node.kind, formatPointer(visit.path), visit.depth, visit.edge?.via]),
    });
    expect(seen).toEqual(EVERY_KIND_ORDER);
  });

  it('calls the visitor of each kind, for every kind the IR has', () => {
    const counts = new Map<string, number>();
    const visitor: SchemaVisitor = {};
    for (const kind of IR_SCHEMA_KINDS)
      (visitor as Record<string, () => void>)[kind] = () => void counts.set(kind, (counts.get(kind) ?? 0) + 1);
    walkSchema(EVERY_KIND, visitor);
    expect(Object.fromEntries(counts)).toEqual({
      object: 1,
      string: 2,
      array: 1,
      integer: 1,
      oneOf: 1,
      number: 1,
      boolean: 1,
      anyOf: 1,
      null: 1,
      literal: 1,
      allOf: 1,
      ref: 1,
      any: 1,
    });
    expect([...IR_SCHEMA_KINDS].sort()).toEqual([
      'allOf',
      'any',
      'anyOf',
      'array',
      'boolean',
      'integer',
      'literal',
      'null',
      'number',
      'object',
      'oneOf',
      'ref',
      'string',
    ]);
  });

  it('gives the node, its parent, its loc, and the property that holds it', () => {
    const found: string[] = [];
    walkSchema(EVERY_KIND, {
      integer: (node, visit) => {
        found.push(`${node.kind} at ${visit.loc.pointer} in ${visit.parent?.kind}`);
        expect(visit.loc).toBe(node.loc);
      },
      array: (_node, visit) => {
        if (visit.edge?.via === 'property')
          found.push(`array is property ${visit.edge.property.name} (#${visit.edge.index})`);
      },
    });
    expect(found).toEqual(['array is property list (#1)', 'integer at /Everything/list/items in array']);
  });

  it('leads each path to the node itself, from a path given as the start', () => {
    const document = { models: [{ schema: EVERY_KIND }] };
    let checked = 0;
    walkSchema(
      EVERY_KIND,
      {
        enter: (node, visit) => {
          expect(follow(document, visit.path)).toBe(node);
          checked++;
        },
      },
      { path: ['models', 0, 'schema'] },
    );
    expect(checked).toBe(EVERY_KIND_ORDER.length);
  });

  it.each([
    ['object', ['object']],
    [
      'array',
      [
        'object',
        'string',
        'array',
        'oneOf',
        'number',
        'boolean',
        'anyOf',
        'null',
        'literal',
        'allOf',
        'ref',
        'any',
        'string',
      ],
    ],
    [
      'oneOf',
      ['object', 'string', 'array', 'integer', 'oneOf', 'anyOf', 'null', 'literal', 'allOf', 'ref', 'any', 'string'],
    ],
    [
      'allOf',
      [
        'object',
        'string',
        'array',
        'integer',
        'oneOf',
        'number',
        'boolean',
        'anyOf',
        'null',
        'literal',
        'allOf',
        'string',
      ],
    ],
  ] as const)("returning 'skip' from the %s visitor leaves out its children, and only those", (kind, expected) => {
    const seen: string[] = [];
    walkSchema(EVERY_KIND, { enter: (node) => void seen.push(node.kind), [kind]: () => 'skip' });
    expect(seen).toEqual(expected);
  });

  it("'skip' from enter skips the kind's visitor too", () => {
    const arrays: string[] = [];
    walkSchema(EVERY_KIND, {
      enter: (node) => (node.kind === 'array' ? 'skip' : undefined),
      array: () => void arrays.push('array'),
      integer: () => void arrays.push('integer'),
    });
    expect(arrays).toEqual([]);
  });

  it("'stop' ends the walk at once and says so", () => {
    const seen: string[] = [];
    const completed = walkSchema(EVERY_KIND, { enter: (node) => void seen.push(node.kind), number: () => 'stop' });
    expect(completed).toBe(false);
    expect(seen).toEqual(['object', 'string', 'array', 'integer', 'oneOf', 'number']);
    expect(walkSchema(EVERY_KIND, {})).toBe(true);
  });

  it('calls leave after the children, innermost first', () => {
    const events: string[] = [];
    const tree: IRSchema = {
      ...base('/A'),
      kind: 'array',
      items: { ...base('/A/items'), kind: 'array', items: { ...base('/A/items/items'), kind: 'string' } },
    };
    walkSchema(tree, {
      enter: (node, v) => void events.push(`enter ${node.kind}@${v.depth}`),
      leave: (node, v) => void events.push(`leave ${node.kind}@${v.depth}`),
    });
    expect(events).toEqual([
      'enter array@0',
      'enter array@1',
      'enter string@2',
      'leave string@2',
      'leave array@1',
      'leave array@0',
    ]);
  });

  it('does not follow references to their model', () => {
    const refs: string[] = [];
    walkSchema(EVERY_KIND, { ref: (node, visit) => void refs.push(`${node.model} at ${formatPointer(visit.path)}`) });
    expect(refs).toEqual(['User at /properties/4/schema/parts/0']);
  });
});

describe('walkIR', () => {
  const shop = loadProjectSync(path.join(FIXTURES, 'shop'));

  it('reaches every schema of a real project, each path leading to the node visited', () => {
    const ir: SpecIR = shop.ir;
    const owners = new Map<string, number>();
    walkIR(ir, {
      enter: (node, visit) => {
        expect(follow(ir, visit.path)).toBe(node);
        if (visit.depth === 0) owners.set(visit.owner.kind, (owners.get(visit.owner.kind) ?? 0) + 1);
      },
    });
    // Counted from the IR by hand-written loops: one tree per model, parameter, body, response body and header.
    const operations = ir.services.flatMap((s) => s.operations);
    expect(Object.fromEntries(owners)).toEqual({
      model: ir.models.length,
      parameter: operations.reduce((n, op) => n + op.parameters.length, 0),
      body: operations.filter((op) => op.body).length,
      response: operations.reduce((n, op) => n + op.responses.filter((r) => r.schema).length, 0),
      header: operations.reduce((n, op) => n + op.responses.reduce((m, r) => m + r.headers.length, 0), 0),
    });
    expect(owners.get('header')).toBeGreaterThan(0);
  });

  it('tells each tree its owner: the model, or the service and operation', () => {
    const roots: string[] = [];
    walkIR(shop.ir, {
      enter: (_node, { owner, depth }) => {
        if (depth !== 0) return 'skip';
        if (owner.kind === 'model') roots.push(`model ${owner.model.name}`);
        else if (owner.kind === 'parameter')
          roots.push(
            `${owner.service.name}.${owner.operation.operationId} ${owner.parameter.in} ${owner.parameter.name}`,
          );
        return 'skip';
      },
    });
    expect(roots).toContain('model User');
    expect(roots).toContain('model UserCreate');
    expect(roots.filter((r) => r.includes(' path '))).not.toEqual([]);
  });

  it("stops the whole walk on 'stop', across trees", () => {
    let visited = 0;
    expect(walkIR(shop.ir, { enter: () => (++visited === 3 ? 'stop' : undefined) })).toBe(false);
    expect(visited).toBe(3);
  });
});
