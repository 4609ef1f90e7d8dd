/**
 * The fast path of YAML loading: js-yaml builds the value about ten times faster than the `yaml`
 * library builds its document (25 ms against 300 ms for a 9,200-line spec), and its node
 * listener tells where every node starts and ends. From those events we rebuild the same
 * pointer → span map the `yaml` path produces.
 *
 * Anything unusual returns `undefined` and the caller falls back to the `yaml` library, which
 * reports errors well and enforces our limits: syntax errors, duplicate keys, unknown tags,
 * anchors and aliases (the listener cannot tell an alias from a copy), deep nesting, or any
 * event tree that does not line up with the value exactly.
 */
import { createRequire } from 'node:module';
import type * as JsYaml from 'js-yaml';
import { escapePointerSegment } from '../util/json-pointer.js';
import type { NodeSpans } from './source-file.js';

/** js-yaml is CommonJS; required on first use so that importing spec-core stays cheap. */
const requireCjs = createRequire(import.meta.url);
let jsyaml: typeof JsYaml | undefined;
let schema: JsYaml.Schema | undefined;

/**
 * YAML 1.2's core schema exactly as the `yaml` library reads it. js-yaml's own core schema also
 * takes `1_000` and `0b11` as numbers (YAML 1.1 habits); both paths must give the same values.
 */
function coreSchema(lib: typeof JsYaml): JsYaml.Schema {
  const int = new lib.Type('tag:yaml.org,2002:int', {
    kind: 'scalar',
    resolve: (text: string | null) => text !== null && /^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$/.test(text),
    construct: (text: string) => (text.startsWith('0o') ? parseInt(text.slice(2), 8) : Number(text)),
    predicate: (value: unknown) => typeof value === 'number' && Number.isInteger(value),
  });
  const float = new lib.Type('tag:yaml.org,2002:float', {
    kind: 'scalar',
    resolve: (text: string | null) =>
      text !== null &&
      /^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/.test(
        text,
      ),
    construct: (text: string) => {
      const lower = text.toLowerCase();
      if (lower.endsWith('.inf')) return lower.startsWith('-') ? -Infinity : Infinity;
      if (lower === '.nan') return NaN;
      return Number(text);
    },
    predicate: (value: unknown) => typeof value === 'number',
  });
  // `types` is exported by js-yaml but missing from its type definitions.
  const { types } = lib as unknown as { types: { null: JsYaml.Type; bool: JsYaml.Type } };
  return lib.FAILSAFE_SCHEMA.extend({ implicit: [types.null, types.bool, int, float] });
}

interface Frame {
  start: number;
  end: number;
  kind: string | null;
  result: unknown;
  anchored: boolean;
  /** Nested nodes in source order; shared empty array for leaves (most nodes are scalars). */
  children: Frame[];
}

const NO_CHILDREN: Frame[] = [];

interface ListenerState {
  position: number;
  kind: string | null;
  result: unknown;
  anchor: string | null;
}

class Mismatch extends Error {}
class TooManyNodes extends Error {}

/** Parses `text`, or returns undefined when the `yaml` path must handle it. */
export function fastParse(
  text: string,
  limits: { maxDepth: number; maxNodes: number },
): { value: unknown; spans: Map<string, NodeSpans> } | 'too-many-nodes' | undefined {
  // A `%YAML 1.1` directive changes how scalars read (`yes` is true); only the yaml library honours it.
  if (/^%YAML/m.test(text)) return undefined;
  jsyaml ??= requireCjs('js-yaml') as typeof JsYaml;
  schema ??= coreSchema(jsyaml);
  const root: Frame = { start: 0, end: 0, kind: null, result: undefined, anchored: false, children: NO_CHILDREN };
  const stack: Frame[] = [root];
  let nodes = 0;
  let value: unknown;
  try {
    value = jsyaml.load(text, {
      schema,
      listener: ((event: 'open' | 'close', state: ListenerState) => {
        if (event === 'open') {
          // Stop a huge document early instead of building it (each node opens once, or twice when wrapped).
          if (++nodes > limits.maxNodes * 2) throw new TooManyNodes();
          const frame: Frame = {
            start: state.position,
            end: state.position,
            kind: null,
            result: undefined,
            anchored: false,
            children: NO_CHILDREN,
          };
          const parent = stack[stack.length - 1]!;
          if (parent.children === NO_CHILDREN) parent.children = [frame];
          else parent.children.push(frame);
          stack.push(frame);
        } else {
          const frame = stack.pop()!;
          frame.end = state.position;
          frame.kind = state.kind;
          frame.result = state.result;
          frame.anchored = state.anchor !== null;
        }
      }) as unknown as NonNullable<JsYaml.LoadOptions['listener']>,
    });
  } catch (error) {
    if (error instanceof TooManyNodes) return 'too-many-nodes';
    return undefined; // syntax errors and duplicate keys: the yaml path words them better
  }
  if (value === undefined) value = null; // an empty document, as the yaml path reads it
  const document = root.children[0];
  if (!document || root.children.length !== 1)
    return value === undefined || value === null ? { value: null, spans: new Map() } : undefined;
  const spans = new Map<string, NodeSpans>();
  try {
    record(text, document, value, '', undefined, spans, 0, limits.maxDepth);
  } catch (error) {
    if (error instanceof Mismatch) return undefined;
    throw error;
  }
  if (spans.size > limits.maxNodes) return 'too-many-nodes';
  return { value, spans };
}

/** Space, tab, CR, LF (compared as char codes: this runs twice per node). */
function isSpace(code: number): boolean {
  return code === 32 || code === 9 || code === 10 || code === 13;
}

/** The node's first character: js-yaml opens a node before skipping the blanks and comments ahead of it. */
function skipBlank(text: string, start: number, end: number): number {
  let s = start;
  while (s < end) {
    const code = text.charCodeAt(s);
    if (isSpace(code)) s++;
    else if (code === 35 /* # */ && (s === 0 || isSpace(text.charCodeAt(s - 1)))) {
      const newline = text.indexOf('\n', s);
      s = newline === -1 || newline > end ? end : newline + 1;
    } else break;
  }
  return s;
}

/** Just past the node's last character (js-yaml closes it after the blanks that follow). */
function trimEnd(text: string, start: number, end: number): number {
  let e = end;
  while (e > start && isSpace(text.charCodeAt(e - 1))) e--;
  return e;
}

/**
 * js-yaml composes a sequence item (and a compact mapping) through a nested call that emits its
 * own open/close pair around the same node; the inner frame is the node itself.
 */
function unwrap(frame: Frame): Frame {
  let current = frame;
  while (current.children.length === 1) {
    const only = current.children[0]!;
    if (only.result !== current.result || only.kind !== current.kind) break;
    current = only;
  }
  return current;
}

function record(
  text: string,
  outer: Frame,
  value: unknown,
  pointer: string,
  keyFrame: Frame | undefined,
  spans: Map<string, NodeSpans>,
  depth: number,
  maxDepth: number,
): void {
  const frame = unwrap(outer);
  if (depth > maxDepth || frame.anchored || outer.anchored) throw new Mismatch();
  if (frame.result !== value && !(Number.isNaN(frame.result) && Number.isNaN(value))) throw new Mismatch();
  const start = skipBlank(text, frame.start, frame.end);
  const end = trimEnd(text, start, frame.end);
  const isCollection = frame.kind === 'mapping' || frame.kind === 'sequence';
  spans.set(pointer, {
    // An empty value (`key:` and nothing) sits where it would have started, right after the colon.
    start: start < end ? start : outer.start,
    end: start < end ? end : outer.start,
    keyStart: keyFrame ? skipBlank(text, keyFrame.start, keyFrame.end) : -1,
    keyEnd: keyFrame ? trimEnd(text, keyFrame.start, keyFrame.end) : -1,
    collection: isCollection,
  });

  if (frame.kind === 'sequence') {
    if (!Array.isArray(value) || frame.children.length !== value.length) throw new Mismatch();
    frame.children.forEach((child, i) =>
      record(text, child, value[i], `${pointer}/${i}`, undefined, spans, depth + 1, maxDepth),
    );
  } else if (frame.kind === 'mapping') {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Mismatch();
    const record_ = value as Record<string, unknown>;
    const keys = Object.keys(record_);
    if (frame.children.length !== keys.length * 2) throw new Mismatch();
    for (let i = 0; i < frame.children.length; i += 2) {
      const keyFrame = frame.children[i]!;
      const valueFrame = frame.children[i + 1]!;
      if (keyFrame.kind !== 'scalar' || keyFrame.anchored) throw new Mismatch();
      const key = String(keyFrame.result);
      if (!Object.hasOwn(record_, key)) throw new Mismatch();
      record(
        text,
        valueFrame,
        record_[key],
        `${pointer}/${escapePointerSegment(key)}`,
        keyFrame,
        spans,
        depth + 1,
        maxDepth,
      );
    }
  } else if (frame.children.length > 0 || (typeof value === 'object' && value !== null)) {
    throw new Mismatch();
  }
}
