/**
 * How messages quote what a document holds: the wording both schema checks (spec-core's own
 * formats, and imported documents against the official OpenAPI schemas) share, so a value or a
 * place reads the same whichever check found it.
 */
import { parsePointer } from '../util/json-pointer.js';

/** A value as a message names it: `a list`, `a mapping`, `the string "…"` (cut at 40), `number 3`. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string')
    return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  return `${typeof value} ${String(value)}`;
}

/** Where in the document, as a message's tail: ` at paths./a~1b.get` reads ` at paths./a/b.get`. */
export function describeContext(pointer: string): string {
  return pointer === '' ? ' at the top level' : ` at ${parsePointer(pointer).join('.')}`;
}
