import { watch, type FSWatcher } from 'node:fs';
import path from 'node:path';
import { OutputRefusedError, outputIsCurrent, syncOutput, syncTarget, type OutputReport } from '@specfirst/codegen';
import { loadProject, locateProject, type LoadResult } from '@specfirst/spec-core';
import { formatDiagnostic, plural, type TextOptions } from '../format.js';
import type { Output } from '../output.js';

export interface SyncOptions {
  out?: string;
  check: boolean;
  watch: boolean;
  /** With `watch`: stop watching when this aborts (by default, on SIGINT or SIGTERM). */
  signal?: AbortSignal;
  /** With `watch`: called once the first sync is done, before watching starts (`specfirst dev` starts the service there). */
  onFirstSync?: () => void;
}

/**
 * `specfirst sync [path]`: generate everything the spec implies into the output folder.
 * A spec with errors writes nothing. `--check` writes nothing and fails when the folder is not
 * what a sync would make; `--watch` syncs again whenever a spec file changes.
 */
export async function syncCommand(target: string, options: SyncOptions, out: Output): Promise<number> {
  if (options.watch && options.check) {
    out.stderr('specfirst sync: --watch and --check cannot be combined');
    return 2;
  }
  const first = await syncOnce(target, options, out);
  if (!options.watch) return first.code;
  if (first.result?.usageError) return first.code;
  options.onFirstSync?.();
  return watchAndSync(target, options, out, first.result);
}

interface SyncRun {
  code: number;
  result?: LoadResult;
}

async function syncOnce(target: string, options: SyncOptions, out: Output): Promise<SyncRun> {
  const cwd = process.cwd();
  // When no spec file changed since the last sync and its output is intact, say so without
  // loading the spec (a watcher needs the load anyway, for the list of files to watch).
  if (!options.watch) {
    const located = locateProject(target);
    if (located !== undefined) {
      const outDir = options.out !== undefined ? path.resolve(options.out) : path.resolve(located.root, located.outputDir);
      const current = outputIsCurrent(outDir, located.root, syncTarget(located));
      if (current !== undefined) {
        const shown = path.relative(cwd, outDir) || '.';
        return { code: options.check ? reportCheck(current, shown, out) : reportWrite(current, shown, out) };
      }
    }
  }
  const result = await loadProject(target, { cache: !options.watch ? false : true });
  const text: TextOptions = { colors: out.colors, codeFrame: out.isTTY, cwd };
  const errors = result.diagnostics.filter((d) => d.severity === 'error');
  for (const d of result.diagnostics) out.stderr(`${formatDiagnostic(d, result.root, text)}\n`);
  if (result.usageError) return { code: 2, result };
  if (errors.length > 0) {
    out.stderr(out.colors.red(`✖ ${plural(errors.length, 'error')} in the spec: nothing was generated`));
    return { code: 1, result };
  }

  const outDir = options.out !== undefined ? path.resolve(options.out) : path.resolve(result.root, result.ir.project.outputDir);
  const shown = path.relative(cwd, outDir) || '.';
  const within = (folder: string, parent: string) => {
    const relative = path.relative(parent, folder);
    return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
  };
  // The output folder is owned by sync: it must hold neither the project nor hand-written files.
  const handWritten = result.ir.project.kind === 'project' ? [result.ir.project.specDir, result.ir.project.servicesDir].map((d) => path.resolve(result.root, d)) : [];
  const clash = within(result.root, outDir) ? 'it holds the project' : handWritten.some((d) => within(outDir, d)) ? 'it is inside the spec or services folder' : undefined;
  if (clash !== undefined) {
    out.stderr(`specfirst sync: refusing to generate into ${shown}: ${clash}; give generated code a folder of its own, e.g. \`generated\``);
    return { code: 2, result };
  }
  const synced = syncTarget(result.ir.project.kind === 'openapi' ? { root: result.root, kind: 'openapi', file: path.resolve(target) } : { root: result.root, kind: 'project' });
  let report: OutputReport;
  try {
    report = await syncOutput(result.ir, outDir, { check: options.check, inputs: { root: result.root, files: result.files, target: synced } });
  } catch (error) {
    if (error instanceof OutputRefusedError) {
      out.stderr(`specfirst sync: ${error.message}`);
      return { code: 1, result };
    }
    throw error;
  }
  return { code: options.check ? reportCheck(report, shown, out) : reportWrite(report, shown, out), result };
}

function reportWrite(report: OutputReport, shown: string, out: Output): number {
  for (const file of report.edited) {
    out.stderr(out.colors.yellow(`⚠ ${shown}/${file} had been edited by hand; it was ${report.removed.includes(file) ? 'removed' : 'regenerated'} (edit the spec instead)`));
  }
  const total = report.written.length + report.unchanged.length;
  if (report.written.length === 0 && report.removed.length === 0) {
    out.stdout(`${out.colors.green('✓')} ${shown} is up to date (${plural(total, 'file')}); nothing written`);
    return 0;
  }
  for (const file of report.written) out.stdout(`  ${report.missing.includes(file) ? 'created' : 'updated'}  ${shown}/${file}`);
  for (const file of report.removed) out.stdout(`  removed  ${shown}/${file}`);
  out.stdout(
    `${out.colors.green('✓')} ${shown}: ${plural(report.written.length, 'file')} written, ${plural(report.removed.length, 'stale file')} removed, ${report.unchanged.length} unchanged`,
  );
  return 0;
}

function reportCheck(report: OutputReport, shown: string, out: Output): number {
  const problems: [string[], string][] = [
    [report.missing, 'missing'],
    [report.outdated, 'out of date'],
    [report.edited, 'edited by hand'],
    [report.extra, 'stale (no longer generated)'],
    [report.foreign, 'in the way (not generated by specfirst)'],
  ];
  const count = problems.reduce((n, [files]) => n + files.length, 0);
  if (count === 0) {
    out.stdout(`${out.colors.green('✓')} ${shown} matches the spec (${plural(report.unchanged.length, 'file')})`);
    return 0;
  }
  for (const [files, why] of problems) for (const file of files) out.stderr(`  ${shown}/${file}: ${why}`);
  out.stderr(out.colors.red(`✖ ${shown} does not match the spec (${plural(count, 'file')}): run \`specfirst sync\` and commit the result`));
  return 1;
}

/** Syncs again after each change to a file the spec was read from (debounced), until interrupted. */
function watchAndSync(target: string, options: SyncOptions, out: Output, first: LoadResult | undefined): Promise<number> {
  return new Promise((resolve) => {
    let watchers: FSWatcher[] = [];
    let timer: NodeJS.Timeout | undefined;
    let running = false;
    let again = false;

    const watchFiles = (result: LoadResult | undefined) => {
      for (const w of watchers) w.close();
      // Watch folders, not files: editors replace files on save, and a new optional file
      // (spec/events.yaml) must be noticed too.
      const folders = new Set((result?.files ?? []).map((f) => path.dirname(f)));
      watchers = [...folders].flatMap((folder) => {
        try {
          return [watch(folder, () => schedule())];
        } catch {
          return [];
        }
      });
    };
    const schedule = () => {
      clearTimeout(timer);
      timer = setTimeout(() => void run(), 100);
    };
    const run = async () => {
      if (running) {
        again = true;
        return;
      }
      running = true;
      try {
        const { result } = await syncOnce(target, options, out);
        watchFiles(result);
      } catch (error) {
        out.stderr(`specfirst sync: ${(error as Error).message}`);
      } finally {
        running = false;
        if (again) {
          again = false;
          schedule();
        }
      }
    };
    const stop = () => {
      clearTimeout(timer);
      for (const w of watchers) w.close();
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      options.signal?.removeEventListener('abort', stop);
      resolve(0);
    };
    watchFiles(first);
    out.stdout(`watching ${plural(new Set(first?.files.map((f) => path.dirname(f))).size, 'folder')} for spec changes (Ctrl-C to stop)`);
    if (options.signal) {
      if (options.signal.aborted) stop();
      else options.signal.addEventListener('abort', stop, { once: true });
    } else {
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    }
  });
}
