/**
 * JSON pointers (RFC 6901), the one home for their escaping: spec-core's source maps, the runtime's
 * validation failures and API reference, and applications reading `pointer` fields all use these.
 *
 * A pointer is `""` (the whole document) or `/`-prefixed segments; in a segment `~` is written `~0`
 * and `/` is written `~1`. These functions work on the pointer string itself: a pointer inside a
 * URI fragment (`#/components/schemas/User`) must be percent-decoded first.
 *
 * This module imports nothing, so that the runtime and browsers can use it without spec-core's
 * parsers (`@specfirst/spec-core/json-pointer`).
 */

/** `a/b~c` → `a~1b~0c`: one reference token, ready to follow a `/`. */
export function escapePointerSegment(segment: string): string {
  // Most keys need no escaping; skip the regexes for them (spec-core runs this once per YAML node).
  if (!segment.includes('~') && !segment.includes('/')) return segment;
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** `a~1b~0c` → `a/b~c`. `~01` gives `~1` (RFC 6901 §4: `~1` is replaced before `~0`). */
export function unescapePointerSegment(segment: string): string {
  if (!segment.includes('~')) return segment;
  return segment.replace(/~1/g, '/').replace(/~0/g, '~');
}

/** The pointer one level below `pointer`: `joinPointer('/a', 'b/c')` is `/a/b~1c`; numbers are array indexes. */
export function joinPointer(pointer: string, segment: string | number): string {
  return `${pointer}/${typeof segment === 'number' ? segment : escapePointerSegment(segment)}`;
}

/** Segments (keys and array indexes) → pointer: `['a', 'b/c', 0]` is `/a/b~1c/0`; `[]` is `""`, the whole document. */
export function formatPointer(segments: Iterable<string | number>): string {
  let pointer = '';
  for (const segment of segments) pointer = joinPointer(pointer, segment);
  return pointer;
}

/**
 * Pointer → its unescaped segments: `/a/b~1c/0` is `['a', 'b/c', '0']`, `""` is `[]`, `/` is `['']`
 * (the key that is the empty string). Array indexes stay strings: only the document tells whether a
 * segment is an index. A non-empty pointer that does not start with `/` is not a pointer: a TypeError.
 */
export function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/'))
    throw new TypeError(`not a JSON pointer (RFC 6901): ${JSON.stringify(pointer)} must be "" or start with "/"`);
  return pointer.slice(1).split('/').map(unescapePointerSegment);
}
