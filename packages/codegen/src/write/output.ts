import { rmdir, unlink } from 'node:fs/promises';
import path from 'node:path';
import { writeAtomic } from './atomic.js';
import { OutputRefusedError } from './errors.js';
import { ensureFolders, identity, lstatIfAny } from './fs-safe.js';
import { compare, planOutput, type OutputFile } from './plan.js';

/**
 * What `writeOutput` found and did. Every list holds sorted paths relative to the output folder,
 * `/`-separated.
 *
 * Found (same in both modes):
 * - `missing`: planned files that did not exist;
 * - `outdated`: planned files of ours, intact, with other contents;
 * - `edited`: files of ours whose hash no longer matches (edited by hand), planned (overwritten)
 *   or stale (removed): the hand edits are lost, so the CLI should warn;
 * - `unchanged`: planned files already byte-identical (never touched);
 * - `extra`: files of ours (stamped, intact or edited) that are no longer planned;
 * - `foreign`: entries in the way of a planned file that specfirst did not generate: a file
 *   without a stamp, a symbolic link, a folder, a special file. Only a check can report some:
 *   a write refuses them. A planned file behind one appears in no other list.
 *
 * Done (always empty in check mode):
 * - `written`: `missing` + `outdated` + planned `edited`, each written atomically;
 * - `removed`: the `extra` files, deleted (with the folders that became empty).
 */
export interface OutputReport {
  written: string[];
  unchanged: string[];
  removed: string[];
  edited: string[];
  missing: string[];
  outdated: string[];
  extra: string[];
  foreign: string[];
}

export interface OutputOptions {
  /** Change nothing; only report what a write would do (`specfirst sync --check`). */
  check?: boolean;
  /**
   * The files the previous run wrote, with their hashes (from its manifest). When given, only
   * those may be removed as stale; other stamped files are left alone.
   */
  owned?: ReadonlyMap<string, string>;
}

/**
 * Brings `outDir` in line with `files` (each `path` relative to `outDir`, `/`-separated, contents
 * stamped with `stampCode`/`stampJson`):
 * 1. plans without changing anything, and refuses the whole run (throws an
 *    {@link OutputRefusedError}) on a bad path, a symbolic link on the way, or an entry
 *    specfirst did not generate where a planned file goes;
 * 2. removes stale files of ours, then the folders that became empty because of it (never
 *    `outDir` itself), and temporary files of crashed earlier runs;
 * 3. writes, in path order, only the files whose bytes differ, each through a temporary file
 *    renamed over it.
 * Files without a specfirst stamp are never overwritten or removed; no symbolic link is followed.
 * With `check`, only step 1 runs and the report says what a write would do.
 */
const PARALLEL_WRITES = 16;

export async function writeOutput(
  outDir: string,
  files: readonly OutputFile[],
  options: OutputOptions = {},
): Promise<OutputReport> {
  const plan = await planOutput(outDir, files, options.owned);
  const report: OutputReport = {
    written: [],
    unchanged: plan.unchanged,
    removed: [],
    edited: plan.edited,
    missing: plan.missing,
    outdated: plan.outdated,
    extra: plan.extra,
    foreign: plan.conflicts.map((c) => c.path),
  };
  if (options.check === true) return report;
  if (plan.conflicts.length > 0) {
    const lines = plan.conflicts.map((c) => `${c.path} ${c.reason}`);
    throw new OutputRefusedError(
      `refusing to write to ${plan.root}: in the way of generated files (nothing was written; move them away):\n  ${lines.join('\n  ')}`,
      report.foreign,
    );
  }

  const emptied: string[] = [];
  for (const removal of plan.removals) {
    const file = path.join(plan.root, ...removal.path.split('/'));
    const stats = await lstatIfAny(file);
    // Replaced since it was planned (or the same file under another case): not ours to remove.
    if (stats === undefined || !stats.isFile() || identity(stats) !== removal.id) continue;
    await unlink(file);
    report.removed.push(removal.path);
    emptied.push(removal.path);
  }
  for (const leftover of plan.leftovers) {
    await unlink(path.join(plan.root, ...leftover.split('/'))).catch(ignore('ENOENT'));
    emptied.push(leftover);
  }
  await pruneFolders(plan.root, emptied, plan.folders);

  // Folders are made one by one (each is checked on the way), then files are written a few at a
  // time: one at a time left the process waiting on the disk for a tenth of a large sync.
  const known = new Set<string>();
  const targets: { folder: string; name: string; data: Uint8Array }[] = [];
  for (const write of plan.writes) {
    const segments = write.path.split('/');
    targets.push({
      folder: await ensureFolders(plan.root, segments.slice(0, -1), known),
      name: segments.at(-1)!,
      data: write.data,
    });
  }
  for (let i = 0; i < targets.length; i += PARALLEL_WRITES) {
    await Promise.all(targets.slice(i, i + PARALLEL_WRITES).map((t) => writeAtomic(t.folder, t.name, t.data)));
  }
  report.written.push(...plan.writes.map((w) => w.path));
  return report;
}

/** Whether a report shows nothing to do: the output folder matches the planned files exactly. */
export function isUpToDate(report: OutputReport): boolean {
  return [report.missing, report.outdated, report.edited, report.extra, report.foreign].every(
    (list) => list.length === 0,
  );
}

/**
 * Removes the folders holding `removed` files that are empty now, deepest first, except `keep`
 * (folders planned files live in). A folder that still holds anything stays.
 */
async function pruneFolders(root: string, removed: readonly string[], keep: ReadonlySet<string>): Promise<void> {
  const candidates = new Set<string>();
  for (const file of removed) {
    const segments = file.split('/');
    for (let i = 1; i < segments.length; i++) candidates.add(segments.slice(0, i).join('/'));
  }
  const depth = (folder: string): number => folder.split('/').length;
  const ordered = [...candidates]
    .filter((folder) => !keep.has(folder))
    .sort((a, b) => depth(b) - depth(a) || compare(a, b));
  for (const folder of ordered) {
    await rmdir(path.join(root, ...folder.split('/'))).catch(ignore('ENOTEMPTY', 'EEXIST', 'ENOENT', 'ENOTDIR'));
  }
}

function ignore(...codes: string[]): (error: unknown) => void {
  return (error) => {
    if (!codes.includes((error as NodeJS.ErrnoException).code ?? '')) throw error;
  };
}
