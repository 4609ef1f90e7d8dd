import { describe, expect, it } from 'vitest';
import { parseYamlSource } from '../src/index.js';
import { locate } from '../src/yaml/source-file.js';

const parse = (text: string) => parseYamlSource('spec.yaml', '/tmp/spec.yaml', text);

describe('parseYamlSource', () => {
  it('maps JSON pointers to the line and column of keys and values', () => {
    const source = parse('models:\n  User:\n    properties:\n      id: { type: string }\n      "a/b": 1\n');
    expect(source.diagnostics).toEqual([]);
    expect(locate(source, '/models/User/properties/id', 'key')).toMatchObject({ line: 4, column: 7 });
    expect(locate(source, '/models/User/properties/id/type')).toMatchObject({ line: 4, column: 19 });
    // `/` inside a key is escaped as ~1 in pointers.
    expect(locate(source, '/models/User/properties/a~1b')).toMatchObject({ line: 5, column: 14 });
    // A missing key falls back to the nearest existing ancestor.
    expect(locate(source, '/models/User/nothing/here')).toMatchObject({ line: 3, column: 5 });
  });

  it('reports duplicate keys at the second occurrence', () => {
    const source = parse('models:\n  User: {}\n  User: {}\n');
    expect(source.diagnostics.map((d) => [d.code, d.line])).toEqual([['SF1002', 3]]);
    expect(source.diagnostics[0]?.hint).toMatch(/once per mapping/);
  });

  it('reports syntax errors with a position instead of throwing', () => {
    const source = parse('models:\n  User: [unclosed\n  Other: {}\n');
    expect(source.value).toBeUndefined();
    expect(source.diagnostics.length).toBeGreaterThan(0);
    expect(source.diagnostics.every((d) => d.code === 'SF1001' && d.line >= 1)).toBe(true);
  });

  it('keeps `__proto__` as a plain key and never touches Object.prototype', () => {
    const source = parse('__proto__: { polluted: true }\nconstructor: { prototype: { polluted: true } }\n');
    const value = source.value as Record<string, unknown>;
    expect(Object.keys(value)).toEqual(['__proto__', 'constructor']);
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('expands aliases but refuses an alias bomb', () => {
    expect(parse('a: &x [1, 2]\nb: *x\n').value).toEqual({ a: [1, 2], b: [1, 2] });
    const levels = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 9; i++)
      levels.push(
        `a${i}: &a${i} [${Array(10)
          .fill(`*a${i - 1}`)
          .join(', ')}]`,
      );
    const bomb = parse(levels.join('\n') + '\n');
    expect(bomb.value).toBeUndefined();
    expect(bomb.diagnostics.map((d) => d.code)).toEqual(['SF1003']);
  });

  it('refuses absurd nesting without overflowing the stack', () => {
    const flow = parse(`a: ${'['.repeat(10_000)}${']'.repeat(10_000)}\n`);
    expect(flow.diagnostics.map((d) => d.code)).toEqual(['SF1004']);
    const block = parse(Array.from({ length: 300 }, (_, i) => `${'  '.repeat(i)}k${i}:`).join('\n') + ' 1\n');
    expect(block.diagnostics.map((d) => d.code)).toEqual(['SF1004']);
  });

  it('counts brackets inside quoted strings as text', () => {
    const source = parse(`pattern: "${'['.repeat(500)}"\nother: '${'{'.repeat(500)}'\n`);
    expect(source.diagnostics).toEqual([]);
  });
});
