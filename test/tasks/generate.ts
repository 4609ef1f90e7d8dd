/**
 * Generated code for the tasks proofs: `specfirst sync` on a spec of test/tasks into
 * test/tasks/.out/<name> (under the repository, so that the generated imports of
 * `@specfirst/runtime/tasks` resolve to this checkout's build), with each generated `.ts` module
 * transpiled to `.js` beside it, since the worker processes run on plain `node`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CLI = path.join(ROOT, 'packages/cli/bin/specfirst.js');

/** Runs `specfirst sync <spec> --out test/tasks/.out/<name>`, transpiles what it wrote, and returns the output folder. */
export function generate(spec: string, name: string): string {
  const out = fileURLToPath(new URL(`./.out/${name}`, import.meta.url));
  rmSync(out, { recursive: true, force: true });
  mkdirSync(path.dirname(out), { recursive: true });
  const sync = spawnSync(process.execPath, [CLI, 'sync', spec, '--out', out], { cwd: ROOT, encoding: 'utf8' });
  if (sync.error || sync.status !== 0)
    throw new Error(
      `specfirst sync ${path.relative(ROOT, spec)} failed (exit ${sync.status}):\n${sync.stdout}${sync.stderr}`,
    );
  for (const entry of readdirSync(out, { recursive: true, encoding: 'utf8' })) {
    const file = path.join(out, entry);
    if (!/\.[cm]?ts$/.test(file) || /\.d\.[cm]?ts$/.test(file)) continue;
    const { outputText } = ts.transpileModule(readFileSync(file, 'utf8'), {
      fileName: file,
      compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022 },
    });
    writeFileSync(file.replace(/ts$/, 'js'), outputText);
  }
  return out;
}

/** The generated module `tasks/<service>/index` of `out` (`.js`), failing plainly when sync wrote none. */
export function tasksModule(out: string, service: string): string {
  const file = path.join(out, 'tasks', service, 'index.js');
  if (!existsSync(file))
    throw new Error(
      `specfirst sync wrote no ${path.relative(ROOT, file).replace(/\.js$/, '.ts')} (has the tasks codegen landed?)`,
    );
  return file;
}
