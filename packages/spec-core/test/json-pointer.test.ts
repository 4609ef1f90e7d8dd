/**
 * JSON pointers (RFC 6901), through the package's own subpath: the module the runtime and
 * applications import, not a copy of it.
 */
import { describe, expect, it } from 'vitest';
import {
  escapePointerSegment,
  formatPointer,
  joinPointer,
  parsePointer,
  unescapePointerSegment,
} from '@specfirst/spec-core/json-pointer';
import * as entry from '../src/index.js';

/** The example document of RFC 6901 §5. */
const RFC_DOCUMENT: Record<string, unknown> = {
  foo: ['bar', 'baz'],
  '': 0,
  'a/b': 1,
  'c%d': 2,
  'e^f': 3,
  'g|h': 4,
  'i\\j': 5,
  'k"l': 6,
  ' ': 7,
  'm~n': 8,
};

/** Follows segments through a document the plain way, to check that parsing picks the right ones. */
function follow(document: unknown, segments: string[]): unknown {
  let at = document;
  for (const segment of segments) at = (at as Record<string, unknown>)[segment];
  return at;
}

describe('JSON pointers', () => {
  it.each([
    ['', [], RFC_DOCUMENT],
    ['/foo', ['foo'], ['bar', 'baz']],
    ['/foo/0', ['foo', '0'], 'bar'],
    ['/', [''], 0],
    ['/a~1b', ['a/b'], 1],
    ['/c%d', ['c%d'], 2],
    ['/e^f', ['e^f'], 3],
    ['/g|h', ['g|h'], 4],
    ['/i\\j', ['i\\j'], 5],
    ['/k"l', ['k"l'], 6],
    ['/ ', [' '], 7],
    ['/m~0n', ['m~n'], 8],
  ])('RFC 6901 §5: %j names %j', (pointer, segments, value) => {
    expect(parsePointer(pointer)).toEqual(segments);
    expect(follow(RFC_DOCUMENT, parsePointer(pointer))).toEqual(value);
    expect(formatPointer(segments)).toBe(pointer);
  });

  it.each([
    ['plain', 'plain'],
    ['a/b', 'a~1b'],
    ['m~n', 'm~0n'],
    ['~1', '~01'],
    ['/~', '~1~0'],
    ['~/~/', '~0~1~0~1'],
    ['', ''],
    ['application/json', 'application~1json'],
  ])('the key %j is written %j in a pointer', (key, escaped) => {
    expect(escapePointerSegment(key)).toBe(escaped);
    expect(unescapePointerSegment(escaped)).toBe(key);
  });

  it.each([
    // `~01` is `~` then `1`: `~1` is replaced before `~0`, so it never becomes `/` (RFC 6901 §4).
    ['~01', '~1'],
    ['~10', '/0'],
    ['~0~1', '~/'],
    ['~00', '~0'],
  ])('reads the segment %j as the key %j', (escaped, key) => {
    expect(unescapePointerSegment(escaped)).toBe(key);
  });

  it('joins a key or an array index below a pointer', () => {
    expect(joinPointer('', 'paths')).toBe('/paths');
    expect(joinPointer('/paths', '/users/{id}')).toBe('/paths/~1users~1{id}');
    expect(joinPointer('/tags', 0)).toBe('/tags/0');
    expect(joinPointer('/a', '')).toBe('/a/');
  });

  it.each([[['paths', '/users/{id}', 'get']], [['m~n', 'a/b', '~1', '~0', '', ' ']], [['', '', '']], [[]]])(
    'formats and parses %j back to the same keys',
    (segments) => {
      const pointer = formatPointer(segments);
      expect(parsePointer(pointer)).toEqual(segments);
      expect(formatPointer(parsePointer(pointer))).toBe(pointer);
    },
  );

  it('formats array indexes as numbers and parses them back as strings (only the document knows)', () => {
    expect(formatPointer(['items', 3, 'name'])).toBe('/items/3/name');
    expect(parsePointer('/items/3/name')).toEqual(['items', '3', 'name']);
  });

  it.each(['foo', 'a/b', '#/components'])('refuses %j, which does not start with "/"', (text) => {
    expect(() => parsePointer(text)).toThrow(TypeError);
  });

  it('is exported from the main entry too', () => {
    expect(entry.parsePointer('/a~1b')).toEqual(['a/b']);
    expect(entry.formatPointer(['a/b'])).toBe('/a~1b');
  });
});
