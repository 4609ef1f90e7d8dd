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
    expect(source.diagnostics[0]?.hint).toMatch(/already defined at line 2/);
  });

  it.each([
    ['a key written twice', 'a:\n  id: 1\n  b: 2\n  id: 3\n', 4, 3, 'duplicate key `id` (first at line 2, column 3)'],
    ['in a flow mapping', 'a: { x: 1, y: 2, x: 3 }\n', 1, 18, 'duplicate key `x` (first at line 1, column 6)'],
    ['in a sequence item', 'a:\n  - k: 1\n    k: 2\n', 3, 5, 'duplicate key `k` (first at line 2, column 5)'],
    [
      'once quoted, once not',
      "r:\n  201: a\n  '201': b\n",
      3,
      3,
      'duplicate key `201` (first at line 2, column 3), once quoted and once not',
    ],
  ])('names a duplicate key and where it first occurs: %s', (_what, text, line, column, message) => {
    const source = parse(text);
    expect(source.value).toBeUndefined();
    const [first, ...rest] = source.diagnostics;
    expect(rest).toEqual([]);
    expect(first).toMatchObject({ code: 'SF1002', line, column, message });
    const [, firstLine, firstColumn] = /line (\d+), column (\d+)/.exec(message)!.map(Number);
    expect(first?.related).toEqual([
      {
        file: 'spec.yaml',
        line: firstLine,
        column: firstColumn,
        message: expect.stringContaining('first defined here'),
      },
    ]);
  });

  it.each([
    // [what, text, line, column, message, hint]
    [
      'a key deeper than a key with a value',
      'models:\n  User:\n    properties:\n      id: string\n        name: string\n',
      5,
      9,
      '`name` is indented more than `id` above it (column 9, expected 7)',
      '`name` starts at column 9; `id` on line 4 starts at column 7',
    ],
    [
      'a key of a sequence item',
      'a:\n  - id: x\n      name: 1\n',
      3,
      7,
      '`name` is indented more than `id` above it (column 7, expected 5)',
      'Start `name` at column 5 to make it a sibling of `id`',
    ],
    [
      'after a quoted value, a blank line and a comment',
      'a:\n  id: "x"  # c\n\n  # note\n    name: 1\n',
      5,
      5,
      '`name` is indented more than `id` above it (column 5, expected 3)',
      'remove `"x"` so that `id:` opens a mapping',
    ],
    [
      'a key less deep than the key above it',
      'services:\n  jobs:\n    type: worker\n port: 1\n',
      4,
      2,
      '`port` (column 2) does not line up with `type` on line 3 (column 5)',
      'start `port` at column 5 to keep it beside `type`',
    ],
  ])(
    'reports a misindented key on its own line, with the column it should have: %s',
    (_what, text, line, column, message, hint) => {
      const source = parse(text);
      expect(source.value).toBeUndefined();
      expect(source.diagnostics).toHaveLength(1);
      expect(source.diagnostics[0]).toMatchObject({ code: 'SF1001', line, column, message });
      expect(source.diagnostics[0]?.hint).toContain(hint);
    },
  );

  it('keeps the generic message for a one-line nested mapping, which is no indentation problem', () => {
    const source = parse('a:\n  id: type: string\n');
    expect(source.diagnostics).toMatchObject([{ code: 'SF1001', line: 2, message: expect.stringMatching(/compact/) }]);
  });

  it('keeps what the parser could still read of a file with YAML errors apart from its value', () => {
    const source = parse('services:\n  a:\n    rest: rest/a.yaml\n  b:\n    description: Sends mail: daily\n');
    expect(source.value).toBeUndefined();
    expect(source.spans.size).toBe(0);
    expect(source.recovered).toMatchObject({ services: { a: { rest: 'rest/a.yaml' } } });
    // A duplicate key keeps its first value there, rather than losing the whole file.
    expect(parse('a: 1\nb: 2\na: 3\n').recovered).toEqual({ a: 1, b: 2 });
    for (const engine of [undefined, 'yaml' as const]) {
      const clean = parseYamlSource('c.yaml', '/c.yaml', 'a: 1\n', engine ? { engine } : {});
      expect(clean.recovered).toBeUndefined();
    }
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
