import { rmSync } from 'node:fs';
import path from 'node:path';
import * as prettier from 'prettier';
import { describe, expect, it } from 'vitest';
import { writeBigOpenApi } from '../../../bench/gen-big-openapi.mjs';
import { corpusName, OPENAPI_DOCUMENTS } from '../../../test/support/corpus.js';
import { arrayLiteral, call, group, hardline, indent, line, objectLiteral, print, type Doc } from '../src/emit/doc.js';
import { generate, scaffoldFiles } from '../src/index.js';
import { loadIR, OUT_ROOT, REPO_ROOT } from './support/project.js';

/**
 * Generated code reads like hand-written code: every TypeScript file sync writes is exactly what
 * the repository's formatter (Prettier, with .prettierrc.json) makes of it, so formatting a
 * project never touches generated files and `prettier --check` passes on them. The emitters print
 * through a small layout engine (src/emit/doc.ts) instead of calling Prettier, which would cost
 * sync seconds on a large spec (bench/codegen).
 */
const options = { ...(await prettier.resolveConfig(path.join(REPO_ROOT, 'x.ts'))), filepath: 'generated.ts' };

async function formatted(text: string): Promise<string> {
  return prettier.format(text, options);
}

function bigSpec(): string {
  const dir = path.join(OUT_ROOT, 'formatting-big');
  rmSync(dir, { recursive: true, force: true });
  writeBigOpenApi(8, path.join(dir, 'big.yaml'));
  return path.join(dir, 'big.yaml');
}

const SPECS: [string, string][] = [
  ['fixtures/small', path.join(REPO_ROOT, 'fixtures/small')],
  ['fixtures/shop', path.join(REPO_ROOT, 'fixtures/shop')],
  ['fixtures/hostile', path.join(REPO_ROOT, 'fixtures/hostile/openapi.yaml')],
  ['fixtures/edge-cases', path.join(REPO_ROOT, 'fixtures/edge-cases/openapi.yaml')],
  ['examples/conduit', path.join(REPO_ROOT, 'examples/conduit')],
  ['examples/shop', path.join(REPO_ROOT, 'examples/shop')],
  ['the benchmark document', bigSpec()],
  ...OPENAPI_DOCUMENTS.map((file): [string, string] => [corpusName(file), file]),
];

describe('generated TypeScript is already formatted', () => {
  it('was given the repository settings', () => {
    expect(options).toMatchObject({ printWidth: 120, singleQuote: true });
  });

  it.each(SPECS)('%s', async (_name, spec) => {
    const ir = loadIR(spec);
    const files = [
      ...generate(ir).filter((f) => f.path.endsWith('.ts')),
      ...scaffoldFiles(ir).map((f) => ({ path: f.path, contents: f.contents })),
    ];
    expect(files.length).toBeGreaterThan(0);
    const unformatted: string[] = [];
    for (const file of files) {
      if ((await formatted(file.contents)) !== file.contents) unformatted.push(file.path);
    }
    expect(unformatted).toEqual([]);
  });
});

describe('the layout engine', () => {
  it.each<[string, Doc, number, string]>([
    ['a group that fits stays on one line', call('f', ['a', 'b']), 20, 'f(a, b)\n'],
    [
      'a group that does not fit breaks at every line of its own',
      call('f', ['alpha', 'beta']),
      10,
      'f(\n  alpha,\n  beta,\n)\n',
    ],
    [
      'an inner group that fits stays flat inside a broken one',
      call('f', [call('g', ['x']), 'longer']),
      12,
      'f(\n  g(x),\n  longer,\n)\n',
    ],
    ['what follows on the line counts', [call('f', ['a']), ' + something long'], 15, 'f(\n  a,\n) + something long\n'],
    [
      'a hard line breaks every enclosing group',
      group(['{', indent([line, 'a', hardline, 'b']), line, '}']),
      80,
      '{\n  a\n  b\n}\n',
    ],
    [
      'an expanded object stays broken however short',
      objectLiteral(['a: 1'], { expanded: true }),
      80,
      '{\n  a: 1,\n}\n',
    ],
    ['an empty object and array', [objectLiteral([]), ' ', arrayLiteral([])], 80, '{} []\n'],
    [
      'two objects of two keys always break their array',
      arrayLiteral(['{ a, b }', '{ c, d }'], { objectKeys: [2, 2] }),
      80,
      '[\n  { a, b },\n  { c, d },\n]\n',
    ],
    ['objects of one key do not', arrayLiteral(['{ a }', '{ c }'], { objectKeys: [1, 1] }), 80, '[{ a }, { c }]\n'],
    [
      'nor does one object of one key among them',
      arrayLiteral(['{ a, b }', '{ c }'], { objectKeys: [2, 1] }),
      80,
      '[{ a, b }, { c }]\n',
    ],
    ['no line ends in spaces', ['a ', hardline, hardline, 'b'], 80, 'a\n\nb\n'],
  ])('%s', (_name, doc, width, expected) => {
    expect(print(doc, width)).toBe(expected);
  });
});
