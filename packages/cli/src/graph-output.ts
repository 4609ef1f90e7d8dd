/**
 * What `specfirst graph` prints, in each of its formats: text for people, JSON for programs, and
 * Mermaid and Graphviz DOT for diagrams. Every format is made from one {@link ServiceGraph}.
 *
 * Names reach the diagram languages only as labels, escaped for that language, and never as node
 * ids (ids are made here: `s<index>_<name with every other character as _>`). So no name, however
 * odd an OpenAPI document makes it, can end a label, start a statement or be read as a keyword
 * (Mermaid's `end`, DOT's `node`).
 */
import type { IRGraphEdge, SpecIR } from '@specfirst/spec-core';
import type { Colors } from 'picocolors/types.js';
import { plural, printable } from './format.js';

export type GraphFormat = 'text' | 'json' | 'mermaid' | 'dot';
export const GRAPH_FORMATS: readonly [GraphFormat, ...GraphFormat[]] = ['text', 'json', 'mermaid', 'dot'];

/** `specfirst graph --format json` prints exactly this (documented in docs/cli.md). */
export interface ServiceGraph {
  services: {
    name: string;
    type: 'http' | 'worker';
    /** `null` for a worker, and for the service of a standalone OpenAPI document. */
    port: number | null;
    /** operationIds, in the order of the spec. */
    operations: string[];
    access: string[];
  }[];
  /** Who talks to whom: `kind` is `operation` (a call), `topic` (an event) or `task` (a job). */
  edges: { from: string; to: string; kind: IRGraphEdge['kind']; via: string }[];
}

export function serviceGraph(ir: SpecIR): ServiceGraph {
  return {
    services: ir.services.map((s) => ({
      name: s.name,
      type: s.type,
      port: s.type === 'http' ? (s.port ?? null) : null,
      operations: s.operations.map((o) => o.operationId),
      access: [...s.access],
    })),
    edges: ir.graph.map((e) => ({ from: e.from, to: e.to, kind: e.kind, via: e.via })),
  };
}

/** How each kind of edge reads: `orders calls users via getUser`. */
const VERBS = { operation: 'calls', topic: 'publishes to', task: 'enqueues on' } as const;
/** The same, as a diagram's edge label: `calls getUser`, `publishes order.created`, `enqueues sendReceipt`. */
const LABELS = { operation: 'calls', topic: 'publishes', task: 'enqueues' } as const;

/** One block per service: its kind, port and operations, then one line per outgoing edge. */
export function graphText(graph: ServiceGraph, c: Colors): string[] {
  const lines: string[] = [];
  for (const service of graph.services) {
    const kind = service.type === 'http' ? `http :${service.port ?? '?'}` : 'worker';
    const access = service.access.length > 0 ? `  access: ${service.access.join(', ')}` : '';
    lines.push(
      `${c.bold(printable(service.name))} ${c.dim(`(${kind}, ${plural(service.operations.length, 'operation')})`)}${c.dim(printable(access))}`,
    );
    for (const edge of graph.edges.filter((e) => e.from === service.name)) {
      lines.push(`  ${VERBS[edge.kind]} ${c.cyan(printable(edge.to))} ${c.dim(`via ${printable(edge.via)}`)}`);
    }
  }
  return lines;
}

export function graphJson(graph: ServiceGraph): string {
  return JSON.stringify(graph, null, 2);
}

/** Node ids: unique (the index), readable (the name), and made of `[A-Za-z0-9_]` only. */
function nodeIds(graph: ServiceGraph): Map<string, string> {
  return new Map(graph.services.map((s, i) => [s.name, `s${i}_${s.name.replace(/[^A-Za-z0-9]/g, '_')}`]));
}

/** What a service's node says: `orders (http :3002)`, `mailer (worker)`. */
function nodeLabel(service: ServiceGraph['services'][number]): string {
  return `${service.name} (${service.type === 'http' ? `http :${service.port ?? '?'}` : 'worker'})`;
}

/** Edges whose ends are both services of the graph (the IR guarantees it; a diagram must not invent nodes). */
function drawnEdges(
  graph: ServiceGraph,
  ids: Map<string, string>,
): { from: string; to: string; edge: ServiceGraph['edges'][number] }[] {
  return graph.edges.flatMap((edge) => {
    const from = ids.get(edge.from);
    const to = ids.get(edge.to);
    return from !== undefined && to !== undefined ? [{ from, to, edge }] : [];
  });
}

/**
 * Text inside a Mermaid `"..."` label: letters and digits (of any script), spaces and a few harmless
 * marks stay; every other character (quotes, `#`, `;`, `<`, `|`, backticks, brackets, line breaks,
 * control characters) becomes an entity code `#<decimal>;`, which Mermaid shows as that character.
 */
export function mermaidText(text: string): string {
  return [...text].map((ch) => (/^[\p{L}\p{N} _.,:()/-]$/u.test(ch) ? ch : `#${ch.codePointAt(0)};`)).join('');
}

/**
 * A Mermaid flowchart, left to right: an HTTP service is a rectangle, a worker a stadium; a call is
 * a solid arrow, an event a dotted one, a task a thick one, each labelled with its kind and name.
 */
export function graphMermaid(graph: ServiceGraph): string {
  const ids = nodeIds(graph);
  const lines = ['flowchart LR'];
  for (const service of graph.services) {
    const label = `"${mermaidText(nodeLabel(service))}"`;
    lines.push(`  ${ids.get(service.name)!}${service.type === 'http' ? `[${label}]` : `([${label}])`}`);
  }
  const arrows = { operation: '-->', topic: '-.->', task: '==>' } as const;
  for (const { from, to, edge } of drawnEdges(graph, ids)) {
    lines.push(`  ${from} ${arrows[edge.kind]}|"${mermaidText(`${LABELS[edge.kind]} ${edge.via}`)}"| ${to}`);
  }
  return lines.join('\n');
}

/**
 * A DOT double-quoted string: `\` and `"` are escaped, so nothing ends the string early, and no
 * Graphviz escape (`\N`, `\G`, `\l`) is read into a name; control characters are shown as `\x..`
 * text (as everywhere in the CLI) rather than breaking the line.
 */
export function dotString(text: string): string {
  const visible = printable(text).replace(/[\n\t]/g, (ch) => `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`);
  return `"${visible.replace(/[\\"]/g, (ch) => `\\${ch}`)}"`;
}

/** A Graphviz digraph: the same shapes and edge styles as the Mermaid flowchart. */
export function graphDot(graph: ServiceGraph): string {
  const ids = nodeIds(graph);
  const lines = ['digraph services {', '  rankdir=LR;', '  node [shape=box];'];
  for (const service of graph.services) {
    lines.push(
      `  ${ids.get(service.name)!} [label=${dotString(nodeLabel(service))}${service.type === 'worker' ? ', style=rounded' : ''}];`,
    );
  }
  const styles = { operation: 'solid', topic: 'dashed', task: 'bold' } as const;
  for (const { from, to, edge } of drawnEdges(graph, ids)) {
    lines.push(
      `  ${from} -> ${to} [label=${dotString(`${LABELS[edge.kind]} ${edge.via}`)}, style=${styles[edge.kind]}];`,
    );
  }
  lines.push('}');
  return lines.join('\n');
}
