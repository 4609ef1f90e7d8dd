import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadProjectSync } from '@specfirst/spec-core';
import { afterAll, describe, expect, it } from 'vitest';
import { graphDot, graphMermaid, serviceGraph, type ServiceGraph } from '../src/graph-output.js';
import { runCli } from './support/run-cli.js';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const SHOP = path.join(REPO, 'fixtures/shop');
const HOSTILE = path.join(REPO, 'fixtures/hostile/openapi.yaml');

const temp = mkdtempSync(path.join(tmpdir(), 'specfirst-graph-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

function writeProject(name: string, files: Record<string, string>): string {
  const root = path.join(temp, name);
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), text);
  }
  return root;
}

/**
 * Names the spec allows that are keywords of the diagram languages (Mermaid's `end` and
 * `subgraph`, DOT's `node`), and `o`, which Mermaid reads as a circle edge after `--`.
 */
const KEYWORDS = writeProject('keywords', {
  'specfirst.yaml': 'name: keywords\n',
  'spec/models.yaml': 'models:\n  Thing:\n    properties:\n      id: string\n',
  'spec/services.yaml': [
    'services:',
    '  end: { type: http, port: 3000, rest: rest/end.yaml, exposes: [getThing] }',
    '  o: { type: http, port: 3001, rest: rest/o.yaml, consumes: { operations: [end.getThing], tasks: [style] } }',
    '  node: { type: http, port: 3002, rest: rest/node.yaml, consumes: { operations: [end.getThing] } }',
    '  subgraph: { type: worker, consumes: { topics: [click.x] } }',
    '',
  ].join('\n'),
  'spec/rest/end.yaml':
    'tags:\n  things:\n    operations:\n      getThing: { method: get, path: /things, responses: { 200: Thing } }\n',
  'spec/rest/o.yaml':
    'tags:\n  os:\n    operations:\n      listOs: { method: get, path: /os, responses: { 200: "Thing[]" } }\n',
  'spec/rest/node.yaml':
    'tags:\n  nodes:\n    operations:\n      listNodes: { method: get, path: /nodes, responses: { 200: "Thing[]" } }\n',
  'spec/events.yaml': 'topics:\n  click.x: { message: Thing, producers: [end] }\n',
  'spec/tasks.yaml': 'tasks:\n  style: { worker: subgraph, args: Thing }\n',
});

/** Names no spec-core pattern would let through, to show the escaping holds whatever comes in. */
const HOSTILE_NAMES = [
  'a"b',
  'x\ny',
  '];evil',
  '<script>alert(1)</script>',
  '#quot;',
  'back\\slash\\N\\G\\l',
  '%% comment',
  '--> z',
  'é ü 漢',
  '\u001b[2J',
  '|pipe|',
  '`tick`',
  '{brace}',
  'semi;colon',
  '"] ; s0 -> s1 [label="pwned',
];
const hostileGraph: ServiceGraph = {
  services: HOSTILE_NAMES.map((name, i) => ({
    name,
    type: i % 2 === 0 ? 'http' : 'worker',
    port: i % 2 === 0 ? 3000 + i : null,
    operations: [],
    access: [],
  })),
  edges: HOSTILE_NAMES.map((name, i) => ({
    from: name,
    to: HOSTILE_NAMES[(i + 1) % HOSTILE_NAMES.length]!,
    kind: (['operation', 'topic', 'task'] as const)[i % 3]!,
    via: name,
  })),
};

/** The labels a graph's diagram must show: one per service, one per edge. */
function expectedLabels(graph: ServiceGraph): {
  nodes: string[];
  edges: { from: number; to: number; label: string; kind: string }[];
} {
  const verbs = { operation: 'calls', topic: 'publishes', task: 'enqueues' };
  const index = new Map(graph.services.map((s, i) => [s.name, i]));
  return {
    nodes: graph.services.map((s) => `${s.name} (${s.type === 'http' ? `http :${s.port ?? '?'}` : 'worker'})`),
    edges: graph.edges.map((e) => ({
      from: index.get(e.from)!,
      to: index.get(e.to)!,
      label: `${verbs[e.kind]} ${e.via}`,
      kind: e.kind,
    })),
  };
}

interface Parsed {
  /** Which way the diagram is laid out: Mermaid's direction, DOT's graph attributes. */
  graph: Record<string, string>;
  /** Node ids in order, with their label and shape. */
  nodes: { id: string; label: string; shape: string }[];
  edges: { from: string; to: string; label: string; style: string }[];
}

/**
 * Reads a Mermaid flowchart as `graphMermaid` must write it, refusing any line that is not
 * exactly a node or an edge: ids of `[A-Za-z0-9_]` (no keyword can be one: they start `s<n>_`),
 * labels in double quotes holding only letters, digits, a few marks and `#<decimal>;` codes.
 */
function parseMermaid(text: string): Parsed {
  const lines = text.split('\n');
  const header = /^flowchart (TB|TD|BT|RL|LR)$/.exec(lines[0]!);
  if (!header) throw new Error(`not a flowchart: ${JSON.stringify(lines[0])}`);
  const id = 's\\d+_[A-Za-z0-9_]*';
  const label = '"((?:[\\p{L}\\p{N} _.,:()/-]|#\\d+;)*)"';
  const node = new RegExp(`^  (${id})(?:\\[${label}\\]|\\(\\[${label}\\]\\))$`, 'u');
  const edge = new RegExp(`^  (${id}) (-->|-\\.->|==>)\\|${label}\\| (${id})$`, 'u');
  const decode = (s: string) => s.replace(/#(\d+);/g, (_, code: string) => String.fromCodePoint(Number(code)));
  const parsed: Parsed = { graph: { direction: header[1]! }, nodes: [], edges: [] };
  for (const line of lines.slice(1)) {
    const n = node.exec(line);
    const e = edge.exec(line);
    if (n)
      parsed.nodes.push({
        id: n[1]!,
        label: decode(n[2] ?? n[3]!),
        shape: n[2] !== undefined ? 'rectangle' : 'stadium',
      });
    else if (e) parsed.edges.push({ from: e[1]!, to: e[4]!, label: decode(e[3]!), style: e[2]! });
    else throw new Error(`not a node or an edge of the flowchart: ${JSON.stringify(line)}`);
  }
  return parsed;
}

interface DotToken {
  kind: 'id' | 'string' | 'punct';
  text: string;
}

/** DOT's lexical grammar (https://graphviz.org/doc/info/lang.html), for what a graph may hold. */
function tokenizeDot(text: string): DotToken[] {
  const tokens: DotToken[] = [];
  let i = 0;
  while (i < text.length) {
    const rest = text.slice(i);
    const space = /^\s+/.exec(rest);
    if (space) {
      i += space[0].length;
      continue;
    }
    const id = /^[A-Za-z_][A-Za-z0-9_]*/.exec(rest);
    const punct = /^(->|[{}[\];,=])/.exec(rest);
    if (id) {
      tokens.push({ kind: 'id', text: id[0] });
      i += id[0].length;
    } else if (punct) {
      tokens.push({ kind: 'punct', text: punct[0] });
      i += punct[0].length;
    } else if (rest.startsWith('"')) {
      // A quoted string ends at the first `"` not escaped by a backslash.
      let j = 1;
      while (j < rest.length && rest[j] !== '"') j += rest[j] === '\\' ? 2 : 1;
      if (j >= rest.length) throw new Error('unterminated string');
      tokens.push({ kind: 'string', text: rest.slice(1, j) });
      i += j + 1;
    } else {
      throw new Error(`unexpected ${JSON.stringify(rest.slice(0, 20))}`);
    }
  }
  return tokens;
}

/**
 * Parses the DOT `graphDot` writes (a digraph of graph attributes, node defaults, node statements
 * and edge statements, each ended by `;`) and decodes its labels as Graphviz would: only `\\` and
 * `\"` may be escapes; any other backslash escape would be a Graphviz directive (`\N`, `\G`, `\l`).
 * A node's shape is what Graphviz draws: its own `shape`, else the default's, else an ellipse.
 */
function parseDot(text: string): Parsed {
  const tokens = tokenizeDot(text);
  let at = 0;
  const next = (): DotToken => {
    const token = tokens[at++];
    if (!token) throw new Error('unexpected end of the graph');
    return token;
  };
  const expectToken = (t: string) => {
    const token = next();
    if (token.text !== t || token.kind === 'string')
      throw new Error(`expected ${t}, got ${JSON.stringify(token.text)}`);
  };
  const decode = (s: string): string => {
    if (/\\[^\\"]/.test(s.replace(/\\\\/g, ''))) throw new Error(`a Graphviz escape in ${JSON.stringify(s)}`);
    return s.replace(/\\([\\"])/g, '$1');
  };
  const attributes = (): Record<string, string> => {
    const attrs: Record<string, string> = {};
    expectToken('[');
    for (;;) {
      const key = next();
      if (key.kind !== 'id') throw new Error(`attribute name expected, got ${JSON.stringify(key.text)}`);
      expectToken('=');
      const value = next();
      if (value.kind === 'punct') throw new Error(`attribute value expected, got ${value.text}`);
      attrs[key.text] = value.kind === 'string' ? decode(value.text) : value.text;
      const sep = next();
      if (sep.text === ']') return attrs;
      if (sep.text !== ',') throw new Error(`, or ] expected, got ${JSON.stringify(sep.text)}`);
    }
  };
  expectToken('digraph');
  if (next().kind !== 'id') throw new Error('graph name expected');
  expectToken('{');
  const parsed: Parsed = { graph: {}, nodes: [], edges: [] };
  let nodeDefaults: Record<string, string> = {};
  const keywords = new Set(['node', 'edge', 'graph', 'digraph', 'subgraph', 'strict']);
  for (;;) {
    const first = next();
    if (first.text === '}' && first.kind === 'punct') break;
    if (first.kind !== 'id') throw new Error(`statement expected, got ${JSON.stringify(first.text)}`);
    const second = tokens[at];
    if (first.text === 'node' && second?.text === '[') nodeDefaults = { ...nodeDefaults, ...attributes() };
    else if (second?.text === '=') {
      next();
      parsed.graph[first.text] = next().text;
    } else if (keywords.has(first.text.toLowerCase())) throw new Error(`a keyword as a node id: ${first.text}`);
    else if (second?.text === '->') {
      next();
      const to = next();
      if (to.kind !== 'id' || keywords.has(to.text.toLowerCase()))
        throw new Error(`node id expected, got ${JSON.stringify(to.text)}`);
      const attrs = attributes();
      parsed.edges.push({ from: first.text, to: to.text, label: attrs['label'] ?? '', style: attrs['style'] ?? '' });
    } else {
      const attrs = attributes();
      const shape = attrs['shape'] ?? nodeDefaults['shape'] ?? 'ellipse';
      parsed.nodes.push({
        id: first.text,
        label: attrs['label'] ?? '',
        shape: attrs['style'] === 'rounded' ? `rounded ${shape}` : shape,
      });
    }
    expectToken(';');
  }
  if (at !== tokens.length) throw new Error('text after the graph');
  return parsed;
}

/** The printable form the CLI shows control characters in (`\x1b`), also in diagrams' labels. */
const shown = (s: string) =>
  // eslint-disable-next-line no-control-regex -- control characters are what it shows
  s.replace(/[\u0000-\u001f\u007f-\u009f]/g, (ch) => `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`);

/** Checks a parsed diagram against its graph: every service once, every edge between the right two, labels intact. */
function expectDiagram(
  parsed: Parsed,
  graph: ServiceGraph,
  options: {
    graph: Record<string, string>;
    printable: boolean;
    styles: Record<string, string>;
    shapes: Record<string, string>;
  },
): void {
  const expected = expectedLabels(graph);
  expect(parsed.graph).toEqual(options.graph);
  const show = options.printable ? shown : (s: string) => s;
  expect(parsed.nodes.map((n) => n.label)).toEqual(expected.nodes.map(show));
  expect(new Set(parsed.nodes.map((n) => n.id)).size).toBe(graph.services.length);
  expect(parsed.nodes.map((n) => n.shape)).toEqual(graph.services.map((s) => options.shapes[s.type]));
  const ids = parsed.nodes.map((n) => n.id);
  expect(parsed.edges).toEqual(
    expected.edges.map((e) => ({
      from: ids[e.from],
      to: ids[e.to],
      label: show(e.label),
      style: options.styles[e.kind],
    })),
  );
}

// Left to right, as the services call each other; an HTTP service a box, a worker a rounded one.
const MERMAID = {
  graph: { direction: 'LR' },
  printable: false,
  styles: { operation: '-->', topic: '-.->', task: '==>' },
  shapes: { http: 'rectangle', worker: 'stadium' },
};
const DOT = {
  graph: { rankdir: 'LR' },
  printable: true,
  styles: { operation: 'solid', topic: 'dashed', task: 'bold' },
  shapes: { http: 'box', worker: 'rounded box' },
};

describe('specfirst graph --format', () => {
  it('text (the default): one block per service, one line per edge, counts in the singular when there is one', async () => {
    const shop = await runCli(['graph', SHOP]);
    expect(shop.code).toBe(0);
    expect(shop.stderr).toBe('');
    expect(shop.stdout).toBe(
      [
        'billing (http :3003, 3 operations)  access: database, redis, internet',
        '  publishes to mailer via invoice.paid',
        '  publishes to orders via invoice.paid',
        'mailer (worker, 0 operations)  access: redis, smtp',
        'orders (http :3002, 5 operations)  access: database, redis',
        '  calls billing via createInvoice',
        '  publishes to billing via order.created',
        '  enqueues on mailer via sendReceipt',
        '  calls users via getUser',
        'users (http :3001, 5 operations)  access: database',
        '',
      ].join('\n'),
    );
    const keywords = await runCli(['graph', KEYWORDS, '--format', 'text']);
    expect(keywords.stdout).toContain('end (http :3000, 1 operation)\n');
    // The service of a standalone OpenAPI document has no port.
    expect((await runCli(['graph', HOSTILE])).stdout).toBe('api (http :?, 4 operations)\n');
  });

  it('json: services and edges, in a documented shape, and nothing else on standard output', async () => {
    const { code, stdout, stderr } = await runCli(['graph', SHOP, '--format', 'json']);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    const graph = JSON.parse(stdout) as ServiceGraph;
    expect(Object.keys(graph)).toEqual(['services', 'edges']);
    expect(graph.services.map((s) => [s.name, s.type, s.port, s.operations.length])).toEqual([
      ['billing', 'http', 3003, 3],
      ['mailer', 'worker', null, 0],
      ['orders', 'http', 3002, 5],
      ['users', 'http', 3001, 5],
    ]);
    expect(graph.services.find((s) => s.name === 'users')!.operations).toContain('getUser');
    expect(graph.services.find((s) => s.name === 'mailer')!.access).toEqual(['redis', 'smtp']);
    expect(graph.edges).toEqual(
      loadProjectSync(SHOP).ir.graph.map(({ from, to, kind, via }) => ({ from, to, kind, via })),
    );
    expect(graph.edges).toContainEqual({ from: 'orders', to: 'mailer', kind: 'task', via: 'sendReceipt' });
  });

  it.each([
    ['the shop', SHOP],
    ['names that are keywords of Mermaid and DOT', KEYWORDS],
    ['the hostile OpenAPI document', HOSTILE],
  ])('mermaid and dot: well-formed diagrams with every service and edge, for %s', async (_name, target) => {
    const graph = serviceGraph(loadProjectSync(target).ir);
    expect(graph.services.length).toBeGreaterThan(0);
    const mermaid = await runCli(['graph', target, '--format', 'mermaid']);
    expect(mermaid.code).toBe(0);
    expect(mermaid.stderr).toBe('');
    expectDiagram(parseMermaid(mermaid.stdout.trimEnd()), graph, MERMAID);
    const dot = await runCli(['graph', target, '-f', 'dot']);
    expect(dot.code).toBe(0);
    expect(dot.stderr).toBe('');
    expectDiagram(parseDot(dot.stdout), graph, DOT);
  });

  it('the shop has an edge of every kind, so each arrow style is drawn', () => {
    const kinds = new Set(serviceGraph(loadProjectSync(SHOP).ir).edges.map((e) => e.kind));
    expect([...kinds].sort()).toEqual(['operation', 'task', 'topic']);
  });

  it('no name can end a label, add a statement or use a Graphviz escape: diagrams of hostile names', () => {
    const mermaid = graphMermaid(hostileGraph);
    expect(mermaid.split('\n')).toHaveLength(1 + HOSTILE_NAMES.length * 2);
    expectDiagram(parseMermaid(mermaid), hostileGraph, MERMAID);
    const dot = graphDot(hostileGraph);
    // One statement a line, as in the Mermaid flowchart: the graph, its two settings, the nodes, the edges, the end.
    expect(dot.split('\n')).toHaveLength(3 + HOSTILE_NAMES.length * 2 + 1);
    expectDiagram(parseDot(dot), hostileGraph, DOT);
    // Control characters are shown as text, never written raw.
    // eslint-disable-next-line no-control-regex
    expect(/[\u0000-\u0009\u000b-\u001f]/.test(mermaid + dot)).toBe(false);
  });

  it('a spec with errors prints nothing on standard output, in every format', async () => {
    const broken = writeProject('broken', {
      'specfirst.yaml': 'name: broken\n',
      'spec/models.yaml': 'models:\n  Thing: Nope\n',
    });
    for (const format of ['text', 'json', 'mermaid', 'dot']) {
      const { code, stdout, stderr } = await runCli(['graph', broken, '--format', format]);
      expect({ format, code, stdout }).toEqual({ format, code: 1, stdout: '' });
      expect(stderr).toContain('run `specfirst check`');
    }
  });

  it('refuses a format it does not know, naming the ones it does (exit code 2)', async () => {
    const { code, stdout, stderr } = await runCli(['graph', SHOP, '--format', 'svg']);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain('Allowed choices are text, json, mermaid, dot.');
  });
});
