import { watch, type FSWatcher } from 'node:fs';
import path from 'node:path';
import { OutputRefusedError, outputIsCurrent, syncOutput, syncTarget, type OutputReport } from '@specfirst/codegen';
import {
  type Diagnostic,
  hasErrors,
  isPathInside,
  loadProject,
  locateProject,
  type LoadResult,
} from '@specfirst/spec-core';
import { diagnosticsReport, formatDiagnostic, plural, type TextOptions } from '../format.js';
import type { Output } from '../output.js';

export interface SyncOptions {
  out?: string;
  check: boolean;
  watch: boolean;
  /** With `watch`: stop watching when this aborts (by default, on SIGINT or SIGTERM). */
  signal?: AbortSignal;
  /** With `watch`: called once the first sync is done, before watching starts (`specfirst dev` starts the service there). */
  onFirstSync?: () => void;
  /** Default: `text`. */
  format?: 'text' | 'json';
  /** Text: list each file written or removed (default), or say only the summary line (`init` does). */
  listFiles?: boolean;
}

/**
 * What `sync --format json` prints for one run (one line per run with `--watch`); documented in
 * docs/cli.md. File lists are relative to the output folder, `/`-separated.
 */
export interface SyncJson {
  /** The output folder, relative to the current folder; `null` when the path named no project. */
  output: string | null;
  check: boolean;
  /** Whether the spec was loaded: `false` when the manifest showed the output current without it. */
  loaded: boolean;
  /** The run's exit code is 0. */
  ok: boolean;
  diagnostics: Diagnostic[];
  errorCount: number;
  warningCount: number;
  files: {
    /** Written by this run (always empty with `--check`). */
    written: string[];
    /** Removed by this run as stale (always empty with `--check`). */
    removed: string[];
    unchanged: string[];
    /** What the run found before writing: */
    missing: string[];
    outdated: string[];
    edited: string[];
    stale: string[];
    foreign: string[];
  };
  /** Why nothing was written, other than spec errors (a refused output folder); else `null`. */
  error: string | null;
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
  // Stopped during the first sync (Ctrl+C): nothing to start, nothing to watch.
  if (options.signal?.aborted) return first.code;
  options.onFirstSync?.();
  return watchAndSync(target, options, out, first.result);
}

interface SyncRun {
  code: number;
  result?: LoadResult;
}

/** One sync, reported in the chosen format. */
async function syncOnce(target: string, options: SyncOptions, out: Output): Promise<SyncRun> {
  const outcome = await runSync(target, options);
  if (options.format === 'json') {
    // One object per run; on one line when watching, so each run is one line (JSON Lines).
    out.stdout(JSON.stringify(syncJson(outcome, options), null, options.watch ? undefined : 2));
  } else {
    printText(outcome, options, out);
  }
  return { code: outcome.code, ...(outcome.result ? { result: outcome.result } : {}) };
}

/** What one run did, before it is printed. */
interface SyncOutcome {
  code: number;
  /** Undefined on the manifest fast path. */
  result?: LoadResult;
  /** The output folder as shown (relative to the current folder), when known. */
  shown?: string;
  report?: OutputReport;
  /** A refusal: why nothing was written. */
  error?: string;
}

async function runSync(target: string, options: SyncOptions): Promise<SyncOutcome> {
  const cwd = process.cwd();
  // When no spec file changed since the last sync and its output is intact, say so without
  // loading the spec (a watcher needs the load anyway, for the list of files to watch).
  if (!options.watch) {
    const located = locateProject(target);
    if (located !== undefined) {
      const outDir =
        options.out !== undefined ? path.resolve(options.out) : path.resolve(located.root, located.outputDir);
      const current = outputIsCurrent(outDir, located.root, syncTarget(located));
      if (current !== undefined) {
        const shown = path.relative(cwd, outDir) || '.';
        return { code: options.check ? checkCode(current) : 0, shown, report: current };
      }
    }
  }
  const result = await loadProject(target, { cache: !options.watch ? false : true });
  if (result.usageError) return { code: 2, result };
  const outDir =
    options.out !== undefined ? path.resolve(options.out) : path.resolve(result.root, result.ir.project.outputDir);
  const shown = path.relative(cwd, outDir) || '.';
  if (hasErrors(result.diagnostics)) return { code: 1, result, shown };

  const within = (folder: string, parent: string) => isPathInside(parent, folder);
  // The output folder is owned by sync: it must hold neither the project nor hand-written files.
  const handWritten =
    result.ir.project.kind === 'project'
      ? [result.ir.project.specDir, result.ir.project.servicesDir].map((d) => path.resolve(result.root, d))
      : [];
  const clash = within(result.root, outDir)
    ? 'it holds the project'
    : handWritten.some((d) => within(outDir, d))
      ? 'it is inside the spec or services folder'
      : undefined;
  if (clash !== undefined) {
    return {
      code: 2,
      result,
      shown,
      error: `refusing to generate into ${shown}: ${clash}; give generated code a folder of its own, e.g. \`generated\``,
    };
  }
  const synced = syncTarget(
    result.ir.project.kind === 'openapi'
      ? { root: result.root, kind: 'openapi', file: path.resolve(target) }
      : { root: result.root, kind: 'project' },
  );
  try {
    const report = await syncOutput(result.ir, outDir, {
      check: options.check,
      inputs: { root: result.root, files: result.files, target: synced },
    });
    return { code: options.check ? checkCode(report) : 0, result, shown, report };
  } catch (error) {
    if (error instanceof OutputRefusedError) return { code: 1, result, shown, error: error.message };
    throw error;
  }
}

/** `--check` fails when anything differs from what a sync would write. */
function checkCode(report: OutputReport): number {
  return checkProblems(report).some(([files]) => files.length > 0) ? 1 : 0;
}

function checkProblems(report: OutputReport): [string[], string][] {
  return [
    [report.missing, 'missing'],
    [report.outdated, 'out of date'],
    [report.edited, 'edited by hand'],
    [report.extra, 'stale (no longer generated)'],
    [report.foreign, 'in the way (not generated by specfirst)'],
  ];
}

function syncJson(outcome: SyncOutcome, options: SyncOptions): SyncJson {
  const r = outcome.report;
  const root = outcome.result?.root ?? process.cwd();
  return {
    output: outcome.shown ?? null,
    check: options.check,
    loaded: outcome.result !== undefined,
    ok: outcome.code === 0,
    ...diagnosticsReport(outcome.result?.diagnostics ?? [], root, process.cwd()),
    files: {
      written: r?.written ?? [],
      removed: r?.removed ?? [],
      unchanged: r?.unchanged ?? [],
      missing: r?.missing ?? [],
      outdated: r?.outdated ?? [],
      edited: r?.edited ?? [],
      stale: r?.extra ?? [],
      foreign: r?.foreign ?? [],
    },
    error: outcome.error ?? null,
  };
}

function printText(outcome: SyncOutcome, options: SyncOptions, out: Output): void {
  const { result, shown, report } = outcome;
  if (result !== undefined) {
    const text: TextOptions = { colors: out.colors, codeFrame: out.isTTY, cwd: process.cwd() };
    for (const d of result.diagnostics) out.stderr(`${formatDiagnostic(d, result.root, text)}\n`);
    const errors = result.diagnostics.filter((d) => d.severity === 'error').length;
    if (!result.usageError && errors > 0)
      out.stderr(out.colors.red(`✖ ${plural(errors, 'error')} in the spec: nothing was generated`));
  }
  if (outcome.error !== undefined) out.stderr(`specfirst sync: ${outcome.error}`);
  if (report === undefined || shown === undefined) return;
  if (options.check) reportCheck(report, shown, out);
  else reportWrite(report, shown, out, options.listFiles ?? true);
}

function reportWrite(report: OutputReport, shown: string, out: Output, listFiles: boolean): void {
  for (const file of report.edited) {
    out.stderr(
      out.colors.yellow(
        `⚠ ${shown}/${file} had been edited by hand; it was ${report.removed.includes(file) ? 'removed' : 'regenerated'} (edit the spec instead)`,
      ),
    );
  }
  const total = report.written.length + report.unchanged.length;
  if (report.written.length === 0 && report.removed.length === 0) {
    out.stdout(`${out.colors.green('✓')} ${shown} is up to date (${plural(total, 'file')}); nothing written`);
    return;
  }
  if (listFiles) {
    for (const file of report.written)
      out.stdout(`  ${report.missing.includes(file) ? 'created' : 'updated'}  ${shown}/${file}`);
    for (const file of report.removed) out.stdout(`  removed  ${shown}/${file}`);
  }
  out.stdout(
    `${out.colors.green('✓')} ${shown}: ${plural(report.written.length, 'file')} written, ${plural(report.removed.length, 'stale file')} removed, ${report.unchanged.length} unchanged`,
  );
}

function reportCheck(report: OutputReport, shown: string, out: Output): void {
  const problems = checkProblems(report);
  const count = problems.reduce((n, [files]) => n + files.length, 0);
  if (count === 0) {
    out.stdout(`${out.colors.green('✓')} ${shown} matches the spec (${plural(report.unchanged.length, 'file')})`);
    return;
  }
  for (const [files, why] of problems) for (const file of files) out.stderr(`  ${shown}/${file}: ${why}`);
  out.stderr(
    out.colors.red(
      `✖ ${shown} does not match the spec (${plural(count, 'file')}): run \`specfirst sync\` and commit the result`,
    ),
  );
}

/** Syncs again after each change to a file the spec was read from (debounced), until interrupted. */
function watchAndSync(
  target: string,
  options: SyncOptions,
  out: Output,
  first: LoadResult | undefined,
): Promise<number> {
  return new Promise((resolve) => {
    let watchers: FSWatcher[] = [];
    let timer: NodeJS.Timeout | undefined;
    let running = false;
    let again = false;
    // Once stopped, a sync still in flight must not watch or schedule again.
    let stopped = false;

    const watchFiles = (result: LoadResult | undefined) => {
      for (const w of watchers) w.close();
      if (stopped) return;
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
      if (!stopped) timer = setTimeout(() => void run(), 100);
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
      stopped = true;
      clearTimeout(timer);
      for (const w of watchers) w.close();
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      options.signal?.removeEventListener('abort', stop);
      resolve(0);
    };
    watchFiles(first);
    const watching = `watching ${plural(new Set(first?.files.map((f) => path.dirname(f))).size, 'folder')} for spec changes (Ctrl-C to stop)`;
    // With --format json, standard output holds nothing but the runs' JSON lines.
    if (options.format === 'json') out.stderr(watching);
    else out.stdout(watching);
    if (options.signal) {
      if (options.signal.aborted) stop();
      else options.signal.addEventListener('abort', stop, { once: true });
    } else {
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    }
  });
}
