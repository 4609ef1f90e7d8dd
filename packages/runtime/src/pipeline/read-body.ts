import { FRAMEWORK_RESPONSES } from '@specfirst/spec-core/framework-responses';
import { joinPointer } from '@specfirst/spec-core/json-pointer';
import express, { type Request, type RequestHandler } from 'express';
import { isFormMediaType, isJsonMediaType } from '../media-types.js';
import type { OperationDefinition } from '../operation.js';
import type { ValidationFailure } from '../validation.js';
import { DEFAULT_MAX_BODY_DEPTH } from '../options.js';
import { checkPart, setOwn } from './part.js';
import { next, stop, type SyncStage } from './stage.js';

/** Set on a request whose raw JSON body mentions `proto` or `prototype` (possibly escaped): worth a scan once parsed. */
const SUSPICIOUS = Symbol('specfirst.suspiciousBody');

/**
 * The Express middleware that parses an operation's body before the pipeline runs: JSON (any
 * value, `application/json` and `application/*+json`), forms, text or raw bytes, by the declared
 * content type, up to `limit`. Parser errors (bad JSON, too large, nested deeper than `maxDepth`)
 * go to the error handler.
 */
export function bodyParser(
  contentType: string,
  limit: number | string,
  openKeys: boolean,
  maxDepth: number = DEFAULT_MAX_BODY_DEPTH,
): RequestHandler {
  if (isJsonMediaType(contentType)) {
    return express.json({
      limit,
      // Any JSON value is a body (a spec may declare a string or an array), not only objects.
      strict: false,
      type: ['application/json', 'application/*+json'],
      verify: (req: unknown, _res: unknown, buffer: Buffer, encoding: string) => {
        // Before parsing: nothing later (the scan below, validators, controllers, serialisers) ever
        // walks a structure deeper than `maxDepth`.
        const text = isUtf8(encoding) ? buffer : Buffer.from(decoderFor(encoding).decode(buffer));
        if (nestingExceeds(text, maxDepth)) throw new BodyTooDeep(nestingPointer(text.toString(), maxDepth), maxDepth);
        // Where the schema lets arbitrary keys through (open objects, free-form values), one native
        // search of the (UTF-8) text decides whether the parsed body needs a scan for prototype-polluting
        // keys (see pollutingKey). Closed schemas refuse such keys already and skip both.
        if (openKeys && (text.includes('proto') || text.includes('\\u')))
          (req as Record<symbol, boolean>)[SUSPICIOUS] = true;
      },
    });
  }
  if (isFormMediaType(contentType))
    return express.urlencoded({ limit, extended: false, type: 'application/x-www-form-urlencoded' });
  if (contentType.startsWith('text/')) return express.text({ limit, type: contentType });
  return express.raw({ limit, type: contentType });
}

/**
 * The read body stage: the body `bodyParser` parsed, checked by its validator. Stops with a 415
 * when a body came in another content type; goes on with `undefined` when none came (a failure
 * if the body is required). A form becomes a plain object; a JSON body with a key that could
 * replace a prototype fails (see pollutingKey) before its validator runs. An operation without a
 * body goes on with `undefined` whatever the request carries.
 */
export function readBodyStage(definition: OperationDefinition): SyncStage<Request, unknown> {
  const declared = definition.body;
  if (declared === undefined) return () => next(undefined);
  const jsonBody = isJsonMediaType(declared.contentType);
  const formBody = isFormMediaType(declared.contentType);
  return (req) => {
    const body: unknown = req.body;
    if (body === undefined || (Buffer.isBuffer(body) && body.length === 0 && !req.is(declared.contentType))) {
      if (hasBody(req) && !req.is(declared.contentType)) {
        return stop({
          type: 'about:blank',
          title: 'Unsupported Media Type',
          status: FRAMEWORK_RESPONSES[415].status,
          detail: `send the body as ${declared.contentType}`,
        });
      }
      return next(
        undefined,
        declared.required ? [{ pointer: '/body', message: `is required (${declared.contentType})` }] : [],
      );
    }
    if (formBody) {
      // The form parser gives an object without prototype; the controller gets a plain one.
      const fields: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(body as Record<string, unknown>)) setOwn(fields, key, value);
      return next(fields, checkPart(definition.validate.body, fields, 'body'));
    }
    if (jsonBody) {
      const polluting = (req as unknown as Record<symbol, boolean>)[SUSPICIOUS]
        ? pollutingKey(body, '/body')
        : undefined;
      const failures: ValidationFailure[] =
        polluting !== undefined
          ? [{ pointer: polluting, message: 'is not accepted: it could replace an object prototype' }]
          : checkPart(definition.validate.body, body, 'body');
      return next(body, failures);
    }
    return next(body);
  };
}

/**
 * The pointer to the first key in a parsed JSON value that pollutes prototypes when code merges it
 * into another object: an own `__proto__`, or a `constructor` holding a `prototype`. JSON.parse
 * makes them plain own keys; `Object.assign` and deep-merge helpers then turn them into prototypes.
 * Walks with a stack of its own, depth first in document order, so no depth can overflow the call stack.
 */
export function pollutingKey(value: unknown, pointer: string): string | undefined {
  const pending: [unknown, string][] = [[value, pointer]];
  while (pending.length > 0) {
    const [node, here] = pending.pop()!;
    if (typeof node !== 'object' || node === null) continue;
    const children: [unknown, string][] = [];
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) children.push([node[i], joinPointer(here, i)]);
    } else {
      for (const key of Object.keys(node)) {
        const child = (node as Record<string, unknown>)[key];
        const at = joinPointer(here, key);
        if (key === '__proto__') return at;
        if (key === 'constructor' && typeof child === 'object' && child !== null && Object.hasOwn(child, 'prototype'))
          return `${at}/prototype`;
        children.push([child, at]);
      }
    }
    // Reversed, so that the first child is the next one popped.
    for (let i = children.length - 1; i >= 0; i--) pending.push(children[i]!);
  }
  return undefined;
}

/**
 * A decoder for a body's charset. body-parser reads every `utf-*` charset iconv-lite knows, some of
 * which (`utf-32`, `utf-7`) the WHATWG decoder does not: those are refused as an unsupported
 * charset (415, as body-parser refuses the others), not left to fail as a 403 or a 500.
 */
function decoderFor(encoding: string): { decode(input: Uint8Array): string } {
  try {
    return new TextDecoder(encoding);
  } catch {
    throw Object.assign(new Error(`unsupported charset "${encoding.toUpperCase()}"`), {
      status: FRAMEWORK_RESPONSES[415].status,
      type: 'charset.unsupported',
      charset: encoding,
    });
  }
}

/** What the body parser throws for a body nested deeper than allowed (answered by respond.ts, SFR3001). */
export class BodyTooDeep extends Error {
  readonly status = FRAMEWORK_RESPONSES[400].status;
  readonly type = 'entity.too.deep';
  constructor(
    /** Where the first array or object beyond the limit opens: `/body/a/0/b`. */
    readonly pointer: string,
    readonly maxDepth: number,
  ) {
    super(`the body nests deeper than ${maxDepth} levels at ${pointer}`);
    this.name = 'BodyTooDeep';
  }
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;

/**
 * Whether raw JSON nests arrays and objects more than `max` levels deep: one pass over the bytes,
 * strings skipped with a native search for their closing quote. It need not be valid JSON;
 * JSON.parse judges that afterwards.
 */
export function nestingExceeds(json: Uint8Array, max: number): boolean {
  // Each level opens with a bracket: a body with no more bytes than levels allowed cannot exceed them.
  if (json.length <= max) return false;
  let depth = 0;
  for (let i = 0; i < json.length; i++) {
    const byte = json[i];
    if (byte === QUOTE) {
      i = closingQuote(json, i);
    } else if (byte === OPEN_OBJECT || byte === OPEN_ARRAY) {
      if (++depth > max) return true;
    } else if (byte === CLOSE_OBJECT || byte === CLOSE_ARRAY) depth--;
  }
  return false;
}

/** The index of the quote that ends the string opening at `start` (the end of `json` if none does). */
function closingQuote(json: Uint8Array, start: number): number {
  let at = json.indexOf(QUOTE, start + 1);
  while (at !== -1) {
    // Escaped when an odd number of backslashes stands right before it.
    let backslashes = 0;
    while (json[at - 1 - backslashes] === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return at;
    at = json.indexOf(QUOTE, at + 1);
  }
  return json.length;
}

/**
 * The JSON pointer (under `/body`) of the first array or object of `json` that opens below `max`
 * levels, for the problem that refuses it. Only run on a body already found too deep.
 */
export function nestingPointer(json: string, max: number): string {
  const open: { array: boolean; index: number; key: string; expectKey: boolean }[] = [];
  for (let i = 0; i < json.length; i++) {
    const c = json[i];
    const top = open.at(-1);
    if (c === '"') {
      let end = i + 1;
      while (end < json.length && json[end] !== '"') end += json[end] === '\\' ? 2 : 1;
      if (top && !top.array && top.expectKey) top.key = decodeKey(json.slice(i, end + 1));
      i = end;
    } else if (c === '{' || c === '[') {
      if (open.length === max) break;
      open.push({ array: c === '[', index: 0, key: '', expectKey: c === '{' });
    } else if (c === '}' || c === ']') open.pop();
    else if (c === ',' && top) {
      if (top.array) top.index++;
      else top.expectKey = true;
    } else if (c === ':' && top) top.expectKey = false;
  }
  return open.reduce((pointer, level) => joinPointer(pointer, level.array ? level.index : level.key), '/body');
}

function decodeKey(literal: string): string {
  try {
    return String(JSON.parse(literal));
  } catch {
    return literal.slice(1, -1);
  }
}

function isUtf8(encoding: string): boolean {
  return /^utf-?8$/i.test(encoding);
}

function hasBody(req: Request): boolean {
  return (
    req.headers['transfer-encoding'] !== undefined ||
    (req.headers['content-length'] !== undefined && req.headers['content-length'] !== '0')
  );
}
