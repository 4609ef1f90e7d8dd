import { lstat, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { scaffoldFiles } from '@specfirst/codegen';
import { loadProject } from '@specfirst/spec-core';
import { formatDiagnostic, plural, type TextOptions } from '../format.js';
import type { Output } from '../output.js';

/**
 * `specfirst scaffold [service]`: controller skeletons for every tag that has none yet. A file
 * that exists is never touched, whatever it holds: after the first run the file is the user's.
 */
export async function scaffoldCommand(service: string | undefined, options: { project: string }, out: Output): Promise<number> {
  const result = await loadProject(options.project, { cache: false });
  const text: TextOptions = { colors: out.colors, codeFrame: out.isTTY, cwd: process.cwd() };
  for (const d of result.diagnostics) out.stderr(`${formatDiagnostic(d, result.root, text)}\n`);
  if (result.usageError) return 2;
  if (result.diagnostics.some((d) => d.severity === 'error')) {
    out.stderr(out.colors.red('✖ the spec has errors: nothing was scaffolded'));
    return 1;
  }
  const http = result.ir.services.filter((s) => s.type === 'http').map((s) => s.name);
  if (service !== undefined && !http.includes(service)) {
    out.stderr(`specfirst scaffold: no HTTP service \`${service}\`; the project has ${http.map((s) => `\`${s}\``).join(', ') || 'none'}`);
    return 2;
  }
  let created = 0;
  let kept = 0;
  for (const file of scaffoldFiles(result.ir, service)) {
    const target = path.join(result.root, ...file.path.split('/'));
    const shown = path.relative(process.cwd(), target);
    if (!(await safeFolders(result.root, file.path))) {
      out.stderr(`specfirst scaffold: a symbolic link or file is in the way of ${shown}; skipped`);
      continue;
    }
    await mkdir(path.dirname(target), { recursive: true });
    try {
      // `wx`: create, and fail if anything is already there, even if it appeared a moment ago.
      await writeFile(target, file.contents, { flag: 'wx' });
      created++;
      out.stdout(`  created  ${shown}`);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      kept++;
      out.stdout(`  kept     ${shown} (exists)`);
    }
  }
  out.stdout(`${out.colors.green('✓')} ${plural(created, 'controller')} scaffolded, ${kept} already there`);
  return 0;
}

/** True when no folder on the way to the file (inside the project) is a symbolic link or a file. */
async function safeFolders(root: string, relative: string): Promise<boolean> {
  const segments = relative.split('/').slice(0, -1);
  let current = root;
  for (const segment of segments) {
    current = path.join(current, segment);
    try {
      const stats = await lstat(current);
      if (!stats.isDirectory()) return false;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return true;
      throw error;
    }
  }
  return true;
}
