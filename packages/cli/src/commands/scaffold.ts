import { lstat, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { scaffoldFiles } from '@specfirst/codegen';
import { declaresGeneratedImport } from '@specfirst/codegen/names';
import { type Diagnostic, loadProject } from '@specfirst/spec-core';
import { diagnosticsReport, formatDiagnostic, plural, type TextOptions } from '../format.js';
import type { Output } from '../output.js';

export interface ScaffoldOptions {
  project: string;
  format: 'text' | 'json';
}

/** What `scaffold --format json` prints (documented in docs/cli.md). Paths are relative to the current folder. */
export interface ScaffoldJson {
  /** The run's exit code is 0. */
  ok: boolean;
  diagnostics: Diagnostic[];
  errorCount: number;
  warningCount: number;
  /** Controllers written by this run. */
  created: string[];
  /** Controllers that existed already and were left alone. */
  kept: string[];
  /** Controllers not written because a symbolic link or a file is in the way of their folder. */
  skipped: string[];
  /** Why nothing was scaffolded, other than spec errors (an unknown service); else `null`. */
  error: string | null;
}

/**
 * `specfirst scaffold [service]`: controller skeletons for every tag that has none yet. A file
 * that exists is never touched, whatever it holds: after the first run the file is the user's.
 */
export async function scaffoldCommand(
  service: string | undefined,
  options: ScaffoldOptions,
  out: Output,
): Promise<number> {
  const cwd = process.cwd();
  const result = await loadProject(options.project, { cache: false });
  const json = options.format === 'json';
  const report: ScaffoldJson = {
    ok: false,
    ...diagnosticsReport(result.diagnostics, result.root, cwd),
    created: [],
    kept: [],
    skipped: [],
    error: null,
  };
  const done = (code: number): number => {
    if (json) out.stdout(JSON.stringify({ ...report, ok: code === 0 }, null, 2));
    return code;
  };
  const text: TextOptions = { colors: out.colors, codeFrame: out.isTTY, cwd };
  if (!json) for (const d of result.diagnostics) out.stderr(`${formatDiagnostic(d, result.root, text)}\n`);
  if (result.usageError) return done(2);
  if (report.errorCount > 0) {
    if (!json) out.stderr(out.colors.red('✖ the spec has errors: nothing was scaffolded'));
    return done(1);
  }
  const http = result.ir.services.filter((s) => s.type === 'http').map((s) => s.name);
  if (service !== undefined && !http.includes(service)) {
    report.error = `no HTTP service \`${service}\`; the project has ${http.map((s) => `\`${s}\``).join(', ') || 'none'}`;
    if (!json) out.stderr(`specfirst scaffold: ${report.error}`);
    return done(2);
  }
  // `#generated/…` imports where package.json declares them (init's projects do); relative ones otherwise.
  const generatedImport = declaresGeneratedImport(await readPackageJson(result.root), result.ir.project.outputDir);
  for (const file of scaffoldFiles(result.ir, { ...(service !== undefined ? { service } : {}), generatedImport })) {
    const target = path.join(result.root, ...file.path.split('/'));
    const shown = path.relative(cwd, target);
    if (!(await safeFolders(result.root, file.path))) {
      report.skipped.push(shown);
      if (!json) out.stderr(`specfirst scaffold: a symbolic link or file is in the way of ${shown}; skipped`);
      continue;
    }
    await mkdir(path.dirname(target), { recursive: true });
    try {
      // `wx`: create, and fail if anything is already there, even if it appeared a moment ago.
      await writeFile(target, file.contents, { flag: 'wx' });
      report.created.push(shown);
      if (!json) out.stdout(`  created  ${shown}`);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      report.kept.push(shown);
      if (!json) out.stdout(`  kept     ${shown} (exists)`);
    }
  }
  if (!json)
    out.stdout(
      `${out.colors.green('✓')} ${plural(report.created.length, 'controller')} scaffolded, ${report.kept.length} already there`,
    );
  return done(0);
}

/** The project's package.json, or undefined when it has none or it is not JSON (then imports are relative). */
async function readPackageJson(root: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(path.join(root, 'package.json'), 'utf8')) as unknown;
  } catch {
    return undefined;
  }
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
