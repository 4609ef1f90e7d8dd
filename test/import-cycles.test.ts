/**
 * The import-cycle check `pnpm lint` runs (scripts/check-import-cycles.mjs): it fails on a cycle,
 * names the modules in it, and passes on this repository.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findCycles } from '../scripts/lib/import-cycles.mjs';
import { ROOT } from '../scripts/lib/packages.mjs';

const SCRIPT = path.join(ROOT, 'scripts/check-import-cycles.mjs');
const temp = mkdtempSync(path.join(tmpdir(), 'import-cycles-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

/** A folder of TypeScript files (path → content); the check run on it. */
function check(name: string, files: Record<string, string>): { code: number | null; stdout: string; stderr: string } {
  const dir = path.join(temp, name);
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), content);
  }
  const run = spawnSync(process.execPath, [SCRIPT, 'src'], { cwd: dir, encoding: 'utf8' });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe('the import-cycle check', () => {
  it.each([
    [
      'two modules',
      {
        'src/a.ts': "import { b } from './b.js';\nexport const a = b;\n",
        'src/b.ts': "import { a } from './a.js';\nexport const b = () => a;\n",
      },
      ['src/a.ts', 'src/b.ts', 'src/a.ts'],
    ],
    [
      'a type-only import closing the circle',
      {
        'src/a.ts': "import type { B } from './b.js';\nexport type A = B[];\n",
        'src/b.ts': "import { x } from './c.js';\nexport type B = typeof x;\n",
        'src/c.ts': "export type { A } from './a.js';\nexport const x = 1;\n",
      },
      ['src/a.ts', 'src/b.ts', 'src/c.ts', 'src/a.ts'],
    ],
    [
      'folders, a dynamic import and a re-export',
      {
        'src/load/load.ts': "export * from '../yaml/read.js';\n",
        'src/yaml/read.ts': "export const read = () => import('../load/load.js');\n",
      },
      ['src/load/load.ts', 'src/yaml/read.ts', 'src/load/load.ts'],
    ],
  ])('fails on a cycle through %s, and names its modules in order', (name, files, cycle) => {
    const result = check(name.replace(/\W+/g, '-'), files);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('import cycles: 1 in');
    expect(result.stderr).toContain(cycle.join('\n    → '));
  });

  it('passes on imports that only go one way, packages and node: built-ins included', () => {
    const result = check('acyclic', {
      'src/a.ts':
        "import { b } from './b.js';\nimport path from 'node:path';\nimport { loadProject } from '@specfirst/spec-core';\nexport const a = [b, path, loadProject];\n",
      'src/b.ts': "import { c } from './shared/c.js';\nexport const b = c;\n",
      'src/shared/c.ts': 'export const c = 1;\n',
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^import cycles: none in 3 modules/);
  });

  it('passes on this repository', () => {
    const run = spawnSync(process.execPath, [SCRIPT], { cwd: ROOT, encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  });
});

describe('findCycles', () => {
  it.each([
    [{ a: ['b'], b: [] }, []],
    [{ a: ['b'], b: ['a'] }, [['a', 'b', 'a']]],
    [{ a: ['b'], b: ['c'], c: ['a'], d: ['a'] }, [['a', 'b', 'c', 'a']]],
    // Two separate cycles, reported each once, in the order of their first module.
    [
      { x: ['y'], y: ['x'], a: ['b'], b: ['a'] },
      [
        ['a', 'b', 'a'],
        ['x', 'y', 'x'],
      ],
    ],
    // One component with two loops through `a`: the shortest way back is shown.
    [{ a: ['b', 'c'], b: ['a'], c: ['d'], d: ['a'] }, [['a', 'b', 'a']]],
  ] as [Record<string, string[]>, string[][]][])('%j has the cycles %j', (graph, cycles) => {
    expect(findCycles(new Map(Object.entries(graph)))).toEqual(cycles);
  });
});
