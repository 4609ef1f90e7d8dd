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
import type { Diagnostic, DiagnosticCode } from '../diagnostics/diagnostics.js';
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
    readonly related?: Diagnostic['related'],
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
  const report = (
    code: DiagnosticCode,
    offset: number,
    message: string,
    hint?: string,
    related?: Diagnostic['related'],
  ): void => {
    const pos = positionAt(lineStarts, Math.max(0, Math.min(offset, text.length)));
    source.diagnostics.push({
      code,
      severity: 'error',
      message,
      file,
      line: pos.line,
      column: pos.column,
      ...(hint ? { hint } : {}),
      ...(related ? { related } : {}),
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
  // An over-indented key gives two errors at the value above it; one diagnostic at the key says it better.
  const overIndentedAt = new Map<number, MisindentedKey>();
  for (const error of doc.errors) {
    if (error.code !== 'MULTILINE_IMPLICIT_KEY') continue;
    const found = findMisindentedKey(text, lineStarts, error.pos[0], error.pos[1]);
    if (found) overIndentedAt.set(error.pos[0], found);
  }
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
    const multiline = overIndentedAt.get(error.pos[0]);
    if (multiline && error.code === 'BLOCK_AS_IMPLICIT_KEY') continue; // the same mistake, reported below
    const over =
      multiline ?? (error.code === 'BAD_INDENT' ? findMisalignedKey(text, lineStarts, error.pos[0]) : undefined);
    const offset = over ? over.offset : errorOffset(doc, error);
    const line = positionAt(lineStarts, offset).line;
    if (error.code !== 'DUPLICATE_KEY' && (reportedLines.has(line) || reportedLines.size >= MAX_SYNTAX_ERRORS))
      continue;
    reportedLines.add(line);
    if (over) report('SF1001', offset, over.message, over.hint);
    else if (error.code === 'DUPLICATE_KEY') reportDuplicate(doc, error.pos[0], file, lineStarts, report);
    else report('SF1001', offset, firstLine(error.message), 'fix the YAML syntax at this position');
  }
  if (source.diagnostics.length > 0) {
    recover(source, doc);
    return source;
  }

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
      report(error.code, error.offset, error.message, hints[error.code], error.related);
      source.value = undefined;
      source.spans.clear();
      return source;
    }
    throw error;
  }
  return source;
}

type Report = (
  code: DiagnosticCode,
  offset: number,
  message: string,
  hint?: string,
  related?: Diagnostic['related'],
) => void;

/**
 * A key out of line with the key above it: deeper than one whose value is on its line
 * (`id: string` then `  name: string`, which YAML reads as one multi-line key), or shallower.
 */
interface MisindentedKey {
  offset: number;
  message: string;
  hint: string;
}

/**
 * Recognises an over-indented key from the parser's "implicit keys need to be on a single line"
 * error, which spans from the value above (`valueStart`) to the end of the over-indented key.
 * Undefined when the text does not have that shape (the generic message is kept then).
 */
function findMisindentedKey(
  text: string,
  lineStarts: readonly number[],
  valueStart: number,
  keyEnd: number,
): MisindentedKey | undefined {
  const above = positionAt(lineStarts, valueStart);
  const here = positionAt(lineStarts, keyEnd);
  if (here.line <= above.line) return undefined;
  const aboveKey = keyOfLine(text, lineStarts, above.line);
  const key = keyOfLine(text, lineStarts, here.line);
  if (!aboveKey || !key || key.column <= aboveKey.column || aboveKey.value === '') return undefined;
  return overIndented(key, aboveKey, lineStarts);
}

/**
 * Explains "all mapping items must start at the same column" at the key of the line at `offset`,
 * against the key on the nearest line above. Undefined when the lines do not have that shape.
 */
function findMisalignedKey(text: string, lineStarts: readonly number[], offset: number): MisindentedKey | undefined {
  // The parser may point at the blank or comment lines before the key.
  let line = positionAt(lineStarts, offset).line;
  while (line < lineStarts.length && isBlankLine(text, lineStarts, line)) line++;
  const key = keyOfLine(text, lineStarts, line);
  if (!key) return undefined;
  let aboveKey: LineKey | undefined;
  for (let above = line - 1; above >= 1 && !aboveKey; above--) {
    if (isBlankLine(text, lineStarts, above)) continue;
    aboveKey = keyOfLine(text, lineStarts, above);
    if (!aboveKey) return undefined;
  }
  if (!aboveKey) return undefined;
  if (key.column > aboveKey.column && aboveKey.value !== '') return overIndented(key, aboveKey, lineStarts);
  if (key.column >= aboveKey.column) return undefined;
  const where = positionAt(lineStarts, aboveKey.offset).line;
  return {
    offset: key.offset,
    message: `\`${key.name}\` (column ${key.column}) does not line up with \`${aboveKey.name}\` on line ${where} (column ${aboveKey.column})`,
    hint:
      `the keys of one mapping start at the same column: start \`${key.name}\` at column ${aboveKey.column} to keep it ` +
      `beside \`${aboveKey.name}\`, or at the column of the keys of the mapping it belongs to`,
  };
}

/** Nothing but blanks or a comment on `line`. */
function isBlankLine(text: string, lineStarts: readonly number[], line: number): boolean {
  const content = text.slice(lineStarts[line - 1] ?? 0, lineStarts[line] ?? text.length).trim();
  return content === '' || content.startsWith('#');
}

/** The mapping key a line starts with (after any `- `), where it starts, and the value after it on that line. */
interface LineKey {
  name: string;
  offset: number;
  column: number;
  value: string;
}

function keyOfLine(text: string, lineStarts: readonly number[], line: number): LineKey | undefined {
  const start = lineStarts[line - 1] ?? 0;
  const next = lineStarts[line];
  const lineText = text.slice(start, next === undefined ? text.length : next - 1).replace(/\r$/, '');
  const match = /^( *(?:- +)*)([^\s#?:-][^#]*?|-[^\s#][^#]*?):(?:[ \t]+(.*))?$/.exec(lineText);
  if (!match) return undefined;
  const column = match[1]!.length + 1;
  const value = (match[3] ?? '').replace(/(?:^|\s)#.*$/, '').trim();
  return { name: match[2]!.trimEnd(), offset: start + column - 1, column, value };
}

function overIndented(key: LineKey, aboveKey: LineKey, lineStarts: readonly number[]): MisindentedKey {
  const [name, above, value] = [key.name, aboveKey.name, aboveKey.value];
  const where = positionAt(lineStarts, aboveKey.offset).line;
  return {
    offset: key.offset,
    message: `\`${name}\` is indented more than \`${above}\` above it (column ${key.column}, expected ${aboveKey.column})`,
    hint:
      `\`${name}\` starts at column ${key.column}; \`${above}\` on line ${where} starts at column ${aboveKey.column} and has a ` +
      `value on its line (\`${value}\`), so \`${name}\` cannot be nested under it. Start \`${name}\` at column ` +
      `${aboveKey.column} to make it a sibling of \`${above}\`; to nest it under \`${above}\`, remove \`${value}\` ` +
      `so that \`${above}:\` opens a mapping`,
  };
}

/** A duplicate key (at `offset`), named, with where it first occurs in its mapping. */
function reportDuplicate(
  doc: Document,
  offset: number,
  file: string,
  lineStarts: readonly number[],
  report: Report,
): void {
  const { isMap } = Y();
  let key: string | undefined;
  let firstOffset: number | undefined;
  Y().visit(doc, {
    Map(_key, node) {
      if (!isMap(node)) return undefined;
      const index = node.items.findIndex((pair) => (pair.key as YamlNode | null)?.range?.[0] === offset);
      if (index === -1) return undefined;
      const name = keyText(node.items[index]!.key as YamlNode | null);
      const first = node.items.slice(0, index).find((pair) => keyText(pair.key as YamlNode | null) === name);
      key = name;
      firstOffset = (first?.key as YamlNode | undefined)?.range?.[0];
      return Y().visit.BREAK;
    },
  });
  const hint = 'each key may appear once per mapping; remove or rename one of them';
  if (key === undefined) {
    report('SF1002', offset, 'duplicate key', hint);
    return;
  }
  if (firstOffset === undefined) {
    report('SF1002', offset, `duplicate key \`${key}\``, hint);
    return;
  }
  const first = positionAt(lineStarts, firstOffset);
  report(
    'SF1002',
    offset,
    `duplicate key \`${key}\` (first at line ${first.line}, column ${first.column})`,
    `\`${key}\` is already defined at line ${first.line} of this mapping: remove one of them, or rename it`,
    [{ file, line: first.line, column: first.column, message: `\`${key}\` first defined here` }],
  );
}

/**
 * What the yaml library made of a file with syntax errors, kept apart from `value`: never
 * validated nor turned into IR, only read to find the files it names (so they are still checked).
 */
function recover(source: SourceFile, doc: Document): void {
  try {
    const context: ConvertContext = {
      source,
      doc,
      nodes: 0,
      aliasNodes: 0,
      aliasDepth: 0,
      resolving: new Set(),
      lenient: true,
    };
    source.recovered = doc.contents ? convert(doc.contents, '', 0, context) : null;
  } catch (error) {
    if (!(error instanceof LimitExceeded)) throw error;
  }
  source.spans.clear();
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
  /** Recovering a file with errors: a duplicate key keeps its first value instead of stopping. */
  lenient?: true;
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
        if (context.lenient) continue;
        // `201` and `'201'` are different YAML keys but the same property: a silent overwrite.
        const firstKey = node.items.find((other) => isPair(other) && keyText(other.key as YamlNode | null) === key)
          ?.key as YamlNode | undefined;
        const first = firstKey?.range ? positionAt(source.lineStarts, firstKey.range[0]) : undefined;
        throw new LimitExceeded(
          'SF1002',
          keyNode?.range?.[0] ?? 0,
          `duplicate key \`${key}\`${first ? ` (first at line ${first.line}, column ${first.column})` : ''}, once quoted and once not`,
          first
            ? [{ file: source.file, line: first.line, column: first.column, message: `\`${key}\` first defined here` }]
            : undefined,
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

/** The property name a mapping key becomes (as {@link convert} names it). */
function keyText(keyNode: YamlNode | null): string {
  return keyNode && Y().isScalar(keyNode) ? String(keyNode.value) : keyNode === null ? '' : String(keyNode);
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
