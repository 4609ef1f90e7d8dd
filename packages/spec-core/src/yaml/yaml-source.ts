/**
 * Parses one YAML (or JSON) file into a plain JS value plus a map from JSON pointer to source
 * offsets, so any later stage can report `file:line:col` for any node it looks at.
 *
 * We walk the `yaml` library's AST ourselves instead of calling `toJS()` because we need the
 * positions, and because we enforce our own limits: a bounded expansion budget against alias
 * bombs, a nesting limit, and no prototype pollution through `__proto__` keys.
 */
import { createRequire } from 'node:module';
import type * as YamlModule from 'yaml';
import type { Document, Node as YamlNode, YAMLError } from 'yaml';
import type { DiagnosticCode } from '../diagnostics/diagnostics.js';
import { joinPointer } from '../util/json-pointer.js';
import { fastParse } from './fast-yaml.js';
import { positionAt, type SourceFile } from './source-file.js';

/**
 * The yaml library reads what the fast path leaves to it (errors, anchors, tags). It is required
 * on first use: most files never need it, and loading it costs a one-shot command ~40 ms.
 */
const requireCjs = createRequire(import.meta.url);
let yamlLib: typeof YamlModule | undefined;
const Y = (): typeof YamlModule => (yamlLib ??= requireCjs('yaml') as typeof YamlModule);

/** Files above this size are refused before parsing. */
export const MAX_FILE_BYTES = 16 * 1024 * 1024;
/** Syntax errors reported per file (duplicate keys are always all reported). */
export const MAX_SYNTAX_ERRORS = 5;
/** Deepest nesting we accept; real specs stay far below (OpenAPI documents rarely pass 20). */
export const MAX_DEPTH = 128;
/** Most nodes one file may expand to, aliases included; a 9,000-line spec has about 40,000. */
export const MAX_EXPANDED_NODES = 1_000_000;
/**
 * Most nodes that alias expansion may add. Real specs reuse a few small anchors; a "billion
 * laughs" document needs millions, and is refused after this many without further work.
 */
export const MAX_ALIAS_EXPANSION_NODES = 20_000;

function computeLineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

class LimitExceeded extends Error {
  constructor(
    readonly code: DiagnosticCode,
    readonly offset: number,
    message: string,
  ) {
    super(message);
  }
}

/** Parses YAML text. Never throws: every problem becomes a diagnostic on the returned file. */
export function parseYamlSource(
  file: string,
  absPath: string,
  text: string,
  options: { engine?: 'yaml' } = {},
): SourceFile {
  const lineStarts = computeLineStarts(text);
  const source: SourceFile = {
    file,
    absPath,
    text,
    value: undefined,
    spans: new Map(),
    lineStarts,
    diagnostics: [],
    engine: 'yaml',
  };
  const report = (code: DiagnosticCode, offset: number, message: string, hint?: string): void => {
    const pos = positionAt(lineStarts, Math.max(0, Math.min(offset, text.length)));
    source.diagnostics.push({
      code,
      severity: 'error',
      message,
      file,
      line: pos.line,
      column: pos.column,
      ...(hint ? { hint } : {}),
    });
  };

  if (text.length > MAX_FILE_BYTES) {
    report(
      'SF1005',
      0,
      `file has ${text.length} characters; the limit is ${MAX_FILE_BYTES}`,
      'split the spec into several files',
    );
    return source;
  }
  const nestingOffset = findExcessiveFlowNesting(text);
  if (nestingOffset !== -1) {
    report(
      'SF1004',
      nestingOffset,
      `nesting deeper than ${MAX_DEPTH} levels`,
      'flatten the structure or move parts into named models',
    );
    return source;
  }

  if (options.engine !== 'yaml') {
    const fast = fastParse(text, { maxDepth: MAX_DEPTH, maxNodes: MAX_EXPANDED_NODES });
    if (fast === 'too-many-nodes') {
      report(
        'SF1005',
        0,
        `the document has more than ${MAX_EXPANDED_NODES} nodes`,
        'split the spec into several files',
      );
      return source;
    }
    if (fast) {
      source.value = fast.value;
      source.spans = fast.spans;
      source.engine = 'js-yaml';
      return source;
    }
  }

  let doc;
  try {
    // Known tags such as !!binary and !!timestamp would make Buffers and Dates; the IR is plain JSON.
    doc = Y().parseDocument(text, { uniqueKeys: true, prettyErrors: false, strict: true, resolveKnownTags: false });
  } catch (error) {
    // The parser recurses per nesting level; a stack overflow means absurd nesting.
    if (error instanceof RangeError) {
      report('SF1004', 0, `nesting too deep to parse`, 'flatten the structure or move parts into named models');
      return source;
    }
    throw error;
  }

  // After the first syntax error the parser often reports a cascade of follow-on errors (one
  // unquoted `{id}` in a flow mapping gave 61); the first few distinct lines are what helps.
  const reportedLines = new Set<number>();
  for (const error of doc.errors) {
    // The yaml library turns its own stack overflow on absurd nesting into a syntax error.
    if (/call stack/i.test(error.message)) {
      report(
        'SF1004',
        error.pos[0],
        'nesting too deep to parse',
        'flatten the structure or move parts into named models',
      );
      return source;
    }
    const line = positionAt(lineStarts, error.pos[0]).line;
    if (error.code !== 'DUPLICATE_KEY' && (reportedLines.has(line) || reportedLines.size >= MAX_SYNTAX_ERRORS))
      continue;
    reportedLines.add(line);
    const code: DiagnosticCode = error.code === 'DUPLICATE_KEY' ? 'SF1002' : 'SF1001';
    const message = firstLine(error.message);
    const hint =
      code === 'SF1002'
        ? 'each key may appear once per mapping; remove or rename one of them'
        : 'fix the YAML syntax at this position';
    report(code, errorOffset(doc, error), message, hint);
  }
  if (source.diagnostics.length > 0) return source;

  try {
    const context: ConvertContext = { source, doc, nodes: 0, aliasNodes: 0, aliasDepth: 0, resolving: new Set() };
    source.value = doc.contents ? convert(doc.contents, '', 0, context) : null;
  } catch (error) {
    if (error instanceof LimitExceeded) {
      const hints: Partial<Record<DiagnosticCode, string>> = {
        SF1003: 'do not build large structures out of YAML aliases; write them out or use $ref',
        SF1004: 'flatten the structure or move parts into named models',
        SF1005: 'split the spec into several files',
        SF1002: 'quote both or neither, and keep one of them',
      };
      report(error.code, error.offset, error.message, hints[error.code]);
      source.value = undefined;
      source.spans.clear();
      return source;
    }
    throw error;
  }
  return source;
}

/**
 * Where to report a parse error. The parser notices an unclosed quote only where the text runs
 * out (often the end of the file); the quote that opened it is where the user has to look.
 */
function errorOffset(doc: Document, error: YAMLError): number {
  const offset = error.pos[0];
  if (error.code !== 'MISSING_CHAR' || !error.message.includes('closing')) return offset;
  let opening = offset;
  Y().visit(doc, {
    Scalar(_key, node) {
      if ((node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE') && node.range?.[1] === offset)
        opening = node.range[0];
    },
  });
  return opening;
}

function firstLine(message: string): string {
  const line = message.split('\n')[0] ?? message;
  return line.replace(/ at line \d+, column \d+:?$/, '');
}

/**
 * A cheap pre-scan for deeply nested flow collections (`[[[[...`), which would make the YAML
 * parser recurse until the stack overflows. Block nesting is bounded by indentation and checked
 * during conversion.
 */
function findExcessiveFlowNesting(text: string): number {
  let depth = 0;
  let inQuote: string | null = null;
  // The last non-blank character before this one on the line (10 = at the line start). A bracket
  // opens a flow node only after an indicator; in prose ("a ratio in [0, 1)") it is just text.
  let previous = 10;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (inQuote !== null) {
      if (inQuote === '"' && ch === 92 /* backslash */) i++;
      else if (text[i] === inQuote) inQuote = null;
      else if (ch === 10) inQuote = null; // a stray quote in a plain scalar must not hide the rest
      if (inQuote === null) previous = 34;
      continue;
    }
    if (ch === 91 /* [ */ || ch === 123 /* { */) {
      const opensNode =
        previous === 10 ||
        previous === 58 ||
        previous === 45 ||
        previous === 44 ||
        previous === 91 ||
        previous === 123 ||
        previous === 63;
      if (opensNode && ++depth > MAX_DEPTH) return i;
    } else if (ch === 93 /* ] */ || ch === 125 /* } */) {
      if (depth > 0) depth--;
    } else if (
      (ch === 34 /* " */ || ch === 39) /* ' */ &&
      (previous === 10 || previous === 58 || previous === 45 || previous === 44 || previous === 91 || previous === 123)
    ) {
      inQuote = text[i] ?? null;
      continue;
    } else if (ch === 35 /* # */ && (i === 0 || text.charCodeAt(i - 1) === 32 || text.charCodeAt(i - 1) === 10)) {
      const end = text.indexOf('\n', i);
      if (end === -1) break;
      i = end;
      previous = 10;
      continue;
    }
    if (ch !== 32 && ch !== 9 && ch !== 13) previous = ch;
  }
  return -1;
}

interface ConvertContext {
  source: SourceFile;
  doc: Document;
  /** Nodes produced so far, alias expansions included. */
  nodes: number;
  /** Nodes produced inside alias expansions. */
  aliasNodes: number;
  /** How many alias expansions enclose the node being converted. */
  aliasDepth: number;
  /** Anchors being expanded, to catch an alias inside its own anchor. */
  resolving: Set<YamlNode>;
}

function convert(node: YamlNode, pointer: string, depth: number, context: ConvertContext): unknown {
  const { source, resolving } = context;
  const start = node.range?.[0] ?? 0;
  if (++context.nodes > MAX_EXPANDED_NODES) {
    throw new LimitExceeded('SF1005', start, `the document has more than ${MAX_EXPANDED_NODES} nodes`);
  }
  if (context.aliasDepth > 0 && ++context.aliasNodes > MAX_ALIAS_EXPANSION_NODES) {
    throw new LimitExceeded('SF1003', start, `aliases expand to more than ${MAX_ALIAS_EXPANSION_NODES} nodes`);
  }
  if (depth > MAX_DEPTH) throw new LimitExceeded('SF1004', start, `nesting deeper than ${MAX_DEPTH} levels`);

  recordValueSpan(source, pointer, node);

  const { isAlias, isMap, isPair, isScalar, isSeq } = Y();
  if (isAlias(node)) {
    const target = node.resolve(context.doc) as YamlNode | undefined;
    if (!target) throw new LimitExceeded('SF1003', start, `alias *${node.source} has no anchor`);
    if (resolving.has(target)) throw new LimitExceeded('SF1003', start, `alias *${node.source} refers to itself`);
    resolving.add(target);
    context.aliasDepth++;
    const value = convert(target, pointer, depth, context);
    context.aliasDepth--;
    resolving.delete(target);
    recordValueSpan(source, pointer, node);
    return value;
  }
  if (isScalar(node)) {
    const value = node.value;
    // Plain JSON only: anything else a tag produced is kept as the text the user wrote.
    if (value === null || typeof value === 'string' || typeof value === 'boolean' || typeof value === 'number')
      return value;
    return typeof value === 'bigint' ? Number(value) : source.text.slice(node.range?.[0] ?? 0, node.range?.[1] ?? 0);
  }
  if (isMap(node)) {
    const result: Record<string, unknown> = {};
    for (const pair of node.items) {
      if (!isPair(pair)) continue;
      const keyNode = pair.key as YamlNode | null;
      const key = keyNode && isScalar(keyNode) ? String(keyNode.value) : keyNode === null ? '' : String(keyNode);
      const childPointer = joinPointer(pointer, key);
      const value = pair.value === null ? null : convert(pair.value as YamlNode, childPointer, depth + 1, context);
      if (pair.value === null && keyNode?.range) recordValueSpan(source, childPointer, keyNode);
      if (keyNode?.range) {
        const spans = source.spans.get(childPointer);
        if (spans) {
          spans.keyStart = keyNode.range[0];
          spans.keyEnd = keyNode.range[1];
        }
      }
      // Assigning `__proto__` would replace the prototype; define it as an ordinary property.
      // (Only then: defineProperty on every key would push V8 into slow dictionary objects.)
      if (Object.hasOwn(result, key)) {
        // `201` and `'201'` are different YAML keys but the same property: a silent overwrite.
        throw new LimitExceeded(
          'SF1002',
          keyNode?.range?.[0] ?? 0,
          `key \`${key}\` appears twice (once quoted, once not)`,
        );
      }
      if (key === '__proto__')
        Object.defineProperty(result, key, { value, enumerable: true, writable: true, configurable: true });
      else result[key] = value;
    }
    return result;
  }
  if (isSeq(node)) {
    return node.items.map((item, index) =>
      item === null ? null : convert(item as YamlNode, joinPointer(pointer, index), depth + 1, context),
    );
  }
  return null;
}

function recordValueSpan(source: SourceFile, pointer: string, node: YamlNode): void {
  const range = node.range;
  if (!range) return;
  const existing = source.spans.get(pointer);
  const collection = Y().isMap(node) || Y().isSeq(node);
  if (existing) {
    existing.start = range[0];
    existing.end = range[1];
    existing.collection = collection;
  } else source.spans.set(pointer, { start: range[0], end: range[1], keyStart: -1, keyEnd: -1, collection });
}
