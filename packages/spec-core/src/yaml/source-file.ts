/**
 * A parsed spec file and where its nodes are: the shape both YAML parsers (the js-yaml fast path
 * and the `yaml` library) fill in, and the look-ups that turn a JSON pointer into `line:column`.
 * Both parsers import this module; neither imports the other's caller.
 */
import type { Diagnostic } from '../diagnostics/diagnostics.js';

/**
 * Where one node is, as offsets into the text. Flat on purpose: a 9,000-line spec has ~28,000
 * nodes, and nested span objects tripled the allocations of a load.
 */
export interface NodeSpans {
  start: number;
  end: number;
  /** The key of a mapping entry; -1 when the node is not a mapping value. */
  keyStart: number;
  keyEnd: number;
  /** The value is a mapping or a sequence (a definition, rather than a single scalar). */
  collection: boolean;
}

export interface SourceFile {
  /** Relative to the project root, `/`-separated. */
  file: string;
  absPath: string;
  text: string;
  /** Undefined when the file could not be parsed at all. */
  value: unknown;
  /**
   * For a file with YAML errors: what the parser could still make of it. Never validated nor
   * turned into IR; the loader only reads it to find the files this one names, to check them too.
   */
  recovered?: unknown;
  spans: Map<string, NodeSpans>;
  lineStarts: number[];
  /** Problems found while parsing (syntax, duplicate keys, limits). */
  diagnostics: Diagnostic[];
  /** Which parser read it: the fast path, or the `yaml` library (errors, aliases, tags). */
  engine: 'js-yaml' | 'yaml';
}

export interface Position {
  line: number;
  column: number;
}

/** Converts a 0-based offset to a 1-based line and column. */
export function positionAt(lineStarts: readonly number[], offset: number): Position {
  let low = 0;
  let high = lineStarts.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if ((lineStarts[mid] ?? 0) <= offset) low = mid;
    else high = mid - 1;
  }
  return { line: low + 1, column: offset - (lineStarts[low] ?? 0) + 1 };
}

/** The spans of `pointer`, or of its nearest ancestor that has some (a missing key); `exact` says which. */
function spansAt(source: SourceFile, pointer: string): { spans: NodeSpans | undefined; exact: boolean } {
  for (let current = pointer; ; current = current.slice(0, current.lastIndexOf('/'))) {
    const spans = source.spans.get(current);
    if (spans) return { spans, exact: current === pointer };
    if (current === '') return { spans: undefined, exact: false };
  }
}

/** Whether to point at the mapping key rather than the value (see {@link locate}). */
function useKey(spans: NodeSpans, exact: boolean, on: 'key' | 'value' | 'auto'): boolean {
  return exact && spans.keyStart !== -1 && (on === 'key' || (on === 'auto' && spans.collection));
}

/**
 * The location of `pointer` in the file. When the node itself has no recorded span (the pointer
 * names a key that is missing), the nearest existing ancestor is used.
 * `on: 'key'` points at the mapping key instead of the value (for "unknown key" errors);
 * `on: 'auto'` points at the key of a mapping or sequence (a definition such as `User:`) and at
 * the value of a scalar (such as the `Usr` of `owner: Usr`).
 */
export function locate(
  source: SourceFile,
  pointer: string,
  on: 'key' | 'value' | 'auto' = 'value',
): Position & { endLine: number; endColumn: number } {
  const { spans, exact } = spansAt(source, pointer);
  if (!spans) return { line: 1, column: 1, endLine: 1, endColumn: 1 };
  const key = useKey(spans, exact, on);
  const start = positionAt(source.lineStarts, key ? spans.keyStart : spans.start);
  const end = positionAt(source.lineStarts, key ? spans.keyEnd : spans.end);
  // Spelled out: spreading `start` made this the hottest line of a load (≈4x slower in V8).
  return { line: start.line, column: start.column, endLine: end.line, endColumn: end.column };
}

/** Where the node at `pointer` starts (same rules as {@link locate}); the IR needs only this. */
export function startOf(source: SourceFile, pointer: string, on: 'key' | 'value' | 'auto'): Position {
  const { spans, exact } = spansAt(source, pointer);
  if (!spans) return { line: 1, column: 1 };
  return positionAt(source.lineStarts, useKey(spans, exact, on) ? spans.keyStart : spans.start);
}
