import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadProjectSync } from '../src/index.js';
import { parseYamlSource } from '../src/yaml/yaml-source.js';
import { FIXTURES, tempProject } from './helpers.js';

const codes = (target: string): string[] => loadProjectSync(target, { cache: false }).diagnostics.map((d) => d.code);

const openapi = (paths: string, components = ''): string =>
  `openapi: 3.1.0\ninfo: { title: T, version: '1' }\npaths:\n${paths}\n${components === '' ? '' : `components:\n  schemas:\n${components}`}`;

describe('symbolic links', () => {
  it('never lead the loader to a file outside the project root', () => {
    const outside = tempProject({ 'secret.yaml': 'type: string\ndescription: TOP SECRET\n' });
    const dir = tempProject({
      'api.yaml': openapi(
        `  /a:\n    get:\n      operationId: a\n      responses: { '200': { description: ok, content: { application/json: { schema: { $ref: './link.yaml' } } } } }`,
      ),
    });
    symlinkSync(path.join(outside, 'secret.yaml'), path.join(dir, 'link.yaml'));
    const { diagnostics, ir } = loadProjectSync(path.join(dir, 'api.yaml'), { cache: false });
    expect(diagnostics.map((d) => [d.code, d.line])).toEqual([['SF0004', 7]]);
    expect(JSON.stringify(ir)).not.toContain('TOP SECRET');
    expect(ir.sources).toEqual(['api.yaml']);
  });

  it('refuse a spec folder that is a link to somewhere else', () => {
    const outside = tempProject({}, path.join(FIXTURES, 'small/spec'));
    const dir = tempProject({ 'specfirst.yaml': 'name: linked\n' });
    symlinkSync(outside, path.join(dir, 'spec'));
    const { diagnostics, ir } = loadProjectSync(dir, { cache: false });
    expect(diagnostics.map((d) => d.code)).toContain('SF0004');
    expect(ir.sources).toEqual(['specfirst.yaml']);
  });
});

describe('OpenAPI $refs that expand', () => {
  it('stop at a budget instead of growing exponentially', () => {
    const defs = Array.from(
      { length: 24 },
      (_, i) =>
        `    D${i}:\n      properties:\n        a: { $ref: '#/x-defs/D${i + 1}' }\n        b: { $ref: '#/x-defs/D${i + 1}' }`,
    ).join('\n');
    const dir = tempProject({
      'api.yaml': `openapi: 3.1.0\ninfo: { title: T, version: '1' }\npaths:\n  /a:\n    get:\n      operationId: a\n      responses: { '200': { description: ok, content: { application/json: { schema: { $ref: '#/x-defs/D0' } } } } }\nx-defs:\n${defs}\n    D24: { type: string }\n`,
    });
    expect(codes(path.join(dir, 'api.yaml'))).toContain('SF1003');
  });

  it('stop at a depth instead of overflowing the stack', () => {
    const defs = Array.from(
      { length: 3000 },
      (_, i) => `  D${i}: { properties: { a: { $ref: '#/x-defs/D${i + 1}' } } }`,
    ).join('\n');
    const dir = tempProject({
      'api.yaml': `openapi: 3.1.0\ninfo: { title: T, version: '1' }\npaths:\n  /a:\n    get:\n      operationId: a\n      responses: { '200': { description: ok, content: { application/json: { schema: { $ref: '#/x-defs/D0' } } } } }\nx-defs:\n${defs}\n  D3000: { type: string }\n`,
    });
    expect(codes(path.join(dir, 'api.yaml'))).toEqual(['SF1004']);
  });
});

describe('odd but harmless input', () => {
  it('reads schema names and $refs with % as names, never as a crash', () => {
    const dir = tempProject({
      'api.yaml': openapi(
        `  /a:\n    get:\n      operationId: a\n      responses: { '200': { description: ok, content: { application/json: { schema: { $ref: '#/components/schemas/Bad%' } } } } }`,
        `    Off%100: { type: object }\n`,
      ),
    });
    const { diagnostics, ir } = loadProjectSync(path.join(dir, 'api.yaml'), { cache: false });
    // `Off%100` breaks OpenAPI's rule for component names (SF6005), but is still read as a name.
    expect(diagnostics.map((d) => d.code)).toEqual(['SF6003', 'SF6005']);
    expect(ir.models.find((m) => m.name === 'Off%100')).toMatchObject({ identifier: 'Off100' });
  });

  it('treats brackets in prose as text, not as nesting', () => {
    const props = Array.from(
      { length: 200 },
      (_, i) =>
        `    p${i}: { type: number, description: 'A ratio in [0, 1) of the total' }\n    q${i}:\n      type: number\n      description: A ratio in [0, 1) of the total`,
    ).join('\n');
    const source = parseYamlSource('m.yaml', '/m.yaml', `properties:\n${props}\n`);
    expect(source.diagnostics).toEqual([]);
  });

  it('refuses keys that differ only by quoting instead of silently keeping one', () => {
    const source = parseYamlSource('r.yaml', '/r.yaml', "responses:\n  201: User\n  '201': Problem\n");
    expect(source.diagnostics.map((d) => [d.code, d.line])).toEqual([['SF1002', 3]]);
  });

  it('refuses .inf and .nan where a number is expected, so the IR stays JSON', () => {
    const dir = tempProject({}, path.join(FIXTURES, 'small'));
    writeFileSync(
      path.join(dir, 'spec/models.yaml'),
      'models:\n  Todo: { properties: { n: { type: number, maximum: .inf } } }\n  Problem: { properties: { title: string } }\n',
    );
    expect(codes(dir)).toEqual(['SF1202']);
  });

  it('reports a broken models.yaml once, not once per use of each model', () => {
    const dir = tempProject({ 'spec/models.yaml': 'models:\n  Todo: [unclosed\n' }, path.join(FIXTURES, 'small'));
    expect(codes(dir).every((c) => c === 'SF1001')).toBe(true);
  });

  it('refuses paths with blanks, quotes or control characters', () => {
    const dir = tempProject({
      'api.yaml': openapi(
        `  "/a'+require('x')+'":\n    get: { operationId: a, responses: { '200': { description: ok } } }`,
      ),
    });
    expect(codes(path.join(dir, 'api.yaml'))).toEqual(['SF3010']);
  });

  it('reads one OpenAPI document shared by two services as one set of models', () => {
    const dir = tempProject(
      {
        'spec/services.yaml':
          'services:\n  a: { type: http, port: 1, openapi: shared.yaml }\n  b: { type: http, port: 2, openapi: shared.yaml }\n',
        'spec/shared.yaml': openapi(
          `  /x:\n    get: { operationId: getX, responses: { '200': { description: ok, content: { application/json: { schema: { $ref: '#/components/schemas/X' } } } } } }`,
          '    X: { type: string }\n',
        ),
      },
      path.join(FIXTURES, 'small'),
    );
    mkdirSync(path.join(dir, 'spec/rest'), { recursive: true });
    writeFileSync(path.join(dir, 'spec/models.yaml'), 'models: {}\n');
    const { diagnostics, ir } = loadProjectSync(dir, { cache: false });
    expect(diagnostics).toEqual([]);
    expect(ir.models.filter((m) => m.name === 'X')).toHaveLength(1);
  });
});

describe('numbers with no JSON form', () => {
  it('are refused in OpenAPI documents too, so the IR never holds Infinity or NaN', () => {
    const dir = tempProject({
      'api.yaml': openapi(
        `  /a:\n    get: { operationId: a, responses: { '200': { description: ok } } }`,
        '    A: { type: number, default: .nan, maximum: .inf, enum: [1, .inf] }\n',
      ),
    });
    const { diagnostics, ir } = loadProjectSync(path.join(dir, 'api.yaml'), { cache: false });
    expect(diagnostics.map((d) => d.code)).toEqual(['SF1202', 'SF1202', 'SF1202']);
    expect(JSON.parse(JSON.stringify(ir))).toEqual(ir);
  });
});
