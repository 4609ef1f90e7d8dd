import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseYamlSource } from '../src/yaml/yaml-source.js';
import type { SourceFile } from '../src/yaml/source-file.js';
import { OPENAPI_DOCUMENTS } from '../../../test/support/corpus.js';
import { FIXTURES, yamlFiles } from './helpers.js';

/** Both engines must agree on the value and on where every node starts. */
function expectSameReading(text: string, fast: SourceFile, slow: SourceFile): void {
  expect(fast.value).toEqual(slow.value);
  expect([...fast.spans.keys()].sort()).toEqual([...slow.spans.keys()].sort());
  for (const [pointer, expected] of slow.spans) {
    const actual = fast.spans.get(pointer)!;
    expect({
      pointer,
      start: actual.start,
      key: actual.keyStart,
      keyEnd: actual.keyEnd,
      collection: actual.collection,
    }).toEqual({
      pointer,
      start: expected.start,
      key: expected.keyStart,
      keyEnd: expected.keyEnd,
      collection: expected.collection,
    });
    if (!expected.collection) {
      // Scalars cover the same text (the yaml library also counts a block scalar's final newline).
      expect(text.slice(actual.start, actual.end).trimEnd()).toBe(text.slice(expected.start, expected.end).trimEnd());
    }
  }
}

const valid = [
  ...yamlFiles(path.join(FIXTURES, 'shop')),
  ...yamlFiles(path.join(FIXTURES, 'small')),
  ...OPENAPI_DOCUMENTS,
];

describe('the fast YAML path (js-yaml with a node listener)', () => {
  it.each(valid)('reads %s exactly as the yaml library does', (file) => {
    const text = readFileSync(file, 'utf8');
    const fast = parseYamlSource('f.yaml', file, text);
    const slow = parseYamlSource('f.yaml', file, text, { engine: 'yaml' });
    expect(fast.engine).toBe('js-yaml');
    expect(slow.diagnostics).toEqual([]);
    expectSameReading(text, fast, slow);
  });

  it('resolves scalars by YAML 1.2 core rules, like the yaml library', () => {
    const scalars = [
      '012',
      '0o12',
      '0x1F',
      '1_000',
      '+12',
      '.5',
      '1e3',
      '.inf',
      '-.Inf',
      '.NaN',
      '~',
      'null',
      'NULL',
      'yes',
      'on',
      'True',
      '2001-12-14',
      '0b11',
      '1:20',
      '-0',
      '3.0',
      '007',
      "'3'",
      '"x"',
    ];
    const text = scalars.map((s, i) => `k${i}: ${s}`).join('\n') + '\n';
    const fast = parseYamlSource('s.yaml', '/s.yaml', text);
    expect(fast.engine).toBe('js-yaml');
    expectSameReading(text, fast, parseYamlSource('s.yaml', '/s.yaml', text, { engine: 'yaml' }));
  });

  it('agrees on flow collections, block scalars, comments, empty values and odd keys', () => {
    const text = [
      '# leading comment',
      'a: { b: [1, { c: d }], "e/f": ~ }   # trailing',
      'list:',
      '  - x',
      '  -   y: 1',
      '      z: |',
      '        two',
      '        lines',
      '  - [ ]',
      'empty:',
      'folded: >-',
      '  some',
      '  text',
      '200: status key',
      "\"quoted key\": 'it''s'",
      '',
    ].join('\n');
    const fast = parseYamlSource('o.yaml', '/o.yaml', text);
    expect(fast.engine).toBe('js-yaml');
    expectSameReading(text, fast, parseYamlSource('o.yaml', '/o.yaml', text, { engine: 'yaml' }));
  });

  it.each([
    ['anchors and aliases', 'a: &x { b: 1 }\nc: *x\n'],
    ['duplicate keys', 'a: 1\na: 2\n'],
    ['a syntax error', 'a: [1, 2\n'],
    ['an unknown tag', 'a: !custom 1\n'],
  ])('leaves %s to the yaml library, which reports and limits them', (_what, text) => {
    const source = parseYamlSource('x.yaml', '/x.yaml', text);
    expect(source.engine).toBe('yaml');
  });
});

describe('what only the yaml library reads', () => {
  it('honours a %YAML 1.1 directive (where `yes` is true) by leaving the file to it', () => {
    const source = parseYamlSource('v.yaml', '/v.yaml', '%YAML 1.1\n---\na: yes\n');
    expect(source.engine).toBe('yaml');
  });

  it('keeps explicitly tagged binaries and timestamps as strings, so the IR stays plain JSON', () => {
    const source = parseYamlSource('t.yaml', '/t.yaml', 'a: &x 1\nb: !!binary aGVsbG8=\nc: !!timestamp 2001-12-14\n');
    expect(source.value).toEqual({ a: 1, b: 'aGVsbG8=', c: '2001-12-14' });
    expect(JSON.parse(JSON.stringify(source.value))).toEqual(source.value);
  });
});
