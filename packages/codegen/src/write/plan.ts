import path from 'node:path';
import { OutputRefusedError } from './errors.js';
import { describe, identity, lstatIfAny, readRegularFile } from './fs-safe.js';
import { checkOutputPaths } from './paths.js';
import { scanOutput, stampOf, type Scan, type ScannedFolder } from './scan.js';
import { readStamp } from './stamp.js';

/** One file to generate: `path` relative to the output folder, `/`-separated; stamped contents. */
export interface OutputFile {
  path: string;
  contents: string;
}

/** Something in the way of a planned file that specfirst did not generate. */
export interface OutputConflict {
  /** The entry in the way: the planned path itself or one of its folders. */
  path: string;
  reason: string;
}

/**
 * What a write would do, decided from the disk without changing it. The lists hold sorted
 * relative paths; each planned file is in exactly one of `missing`, `outdated`, `edited`,
 * `unchanged`, unless something in the way of it is in `conflicts`.
 */
export interface OutputPlan {
  /** The output folder, resolved. */
  root: string;
  missing: string[];
  outdated: string[];
  /** Our files whose hash no longer matches (hand edits): planned ones and stale ones. */
  edited: string[];
  unchanged: string[];
  /** Our files that are not planned any more. */
  extra: string[];
  conflicts: OutputConflict[];
  /** `missing`, `outdated` and planned `edited` files, in path order, with their bytes. */
  writes: { path: string; data: Buffer }[];
  /** `extra` files, with the identity they had when planned (a replaced file is left alone). */
  removals: { path: string; id: string }[];
  /** Temporary files of crashed earlier writes. */
  leftovers: string[];
  /** Every folder a planned file lives in (never pruned). */
  folders: Set<string>;
}

/**
 * `owned`: when given, only the stamped files it lists, with the very hash it records, count as
 * ours to remove (what the previous sync wrote, from its manifest); any other stamped file is left
 * alone, so an output folder that holds another tree's generated files cannot lose them.
 */
export async function planOutput(
  outDir: string,
  files: readonly OutputFile[],
  owned?: ReadonlyMap<string, string>,
): Promise<OutputPlan> {
  const root = path.resolve(outDir);
  checkOutputPaths(
    root,
    files.map((f) => f.path),
  );
  const unstamped = files
    .filter((f) => typeof f.contents !== 'string' || readStamp(f.contents)?.intact !== true)
    .map((f) => f.path);
  if (unstamped.length > 0) {
    throw new OutputRefusedError(
      `refusing to write to ${root}: contents without an intact specfirst stamp (build them with stampCode, stampJson or stampLineComment): ${unstamped.join(', ')}`,
      unstamped,
    );
  }
  const rootStats = await lstatIfAny(root);
  if (rootStats !== undefined && (rootStats.isSymbolicLink() || !rootStats.isDirectory())) {
    throw new OutputRefusedError(`refusing to write to ${root}: it is ${describe(rootStats)}, not a folder`, ['.']);
  }
  const scan: Scan =
    rootStats === undefined
      ? { files: new Map(), folders: new Map(), leftovers: new Set(), others: new Set() }
      : await scanOutput(root);

  const plan: OutputPlan = {
    root,
    missing: [],
    outdated: [],
    edited: [],
    unchanged: [],
    extra: [],
    conflicts: [],
    writes: [],
    removals: [],
    leftovers: [...scan.leftovers].sort(compare),
    folders: new Set(),
  };
  const ours = new Map([...scan.files.values()].filter((f) => f.stamp !== undefined).map((f) => [f.id, f]));
  const folders = new Map([...scan.folders.values()].map((f) => [f.id, f]));
  const claimed = new Set<string>();
  // Decided once every planned file has claimed its own: a stale file of ours in the way is
  // removed first, a folder holding nothing but stale files of ours disappears with them.
  const inTheWay: { file: string; path: string; id: string; folder: boolean }[] = [];
  const conflict = (relative: string, reason: string): void => {
    if (!plan.conflicts.some((c) => c.path === relative)) plan.conflicts.push({ path: relative, reason });
  };

  for (const file of [...files].sort((a, b) => compare(a.path, b.path))) {
    const segments = file.path.split('/');
    const data = Buffer.from(file.contents, 'utf8');
    for (let i = 1; i < segments.length; i++) plan.folders.add(segments.slice(0, i).join('/'));
    const state = await inspect(root, segments);
    switch (state.kind) {
      case 'conflict':
        conflict(state.path, state.reason);
        continue;
      case 'blocked':
        inTheWay.push({ file: file.path, path: state.path, id: state.id, folder: false });
        plan.missing.push(file.path);
        break;
      case 'absent':
        plan.missing.push(file.path);
        break;
      case 'folder':
        inTheWay.push({ file: file.path, path: file.path, id: state.id, folder: true });
        plan.missing.push(file.path);
        break;
      case 'file': {
        claimed.add(state.id);
        if (Buffer.compare(state.bytes, data) === 0) {
          plan.unchanged.push(file.path);
          continue;
        }
        const stamp = stampOf(state.bytes);
        if (stamp === undefined) {
          conflict(file.path, 'is a file specfirst did not generate (it has no specfirst header); move it away');
          continue;
        }
        (stamp.intact ? plan.outdated : plan.edited).push(file.path);
        break;
      }
    }
    plan.writes.push({ path: file.path, data });
  }

  const stale = (relative: string): boolean => {
    const file = scan.files.get(relative);
    if (file?.stamp === undefined || claimed.has(file.id)) return false;
    return owned === undefined || owned.get(relative) === file.stamp.hash;
  };
  const removable = (folder: ScannedFolder): boolean =>
    folder.entries.length > 0 &&
    folder.entries.every((entry) => {
      const inner = scan.folders.get(entry);
      return stale(entry) || scan.leftovers.has(entry) || (inner !== undefined && removable(inner));
    });
  for (const blocker of inTheWay) {
    const folder = folders.get(blocker.id);
    if (
      blocker.folder ? folder === undefined || !removable(folder) : !ours.has(blocker.id) || claimed.has(blocker.id)
    ) {
      conflict(
        blocker.path,
        blocker.folder
          ? 'is a folder that holds more than stale generated files'
          : 'is a file specfirst did not generate (it has no specfirst header); move it away',
      );
      plan.missing = plan.missing.filter((p) => p !== blocker.file);
      plan.writes = plan.writes.filter((w) => w.path !== blocker.file);
    }
  }
  for (const file of scan.files.values()) {
    if (!stale(file.path)) continue;
    plan.extra.push(file.path);
    plan.removals.push({ path: file.path, id: file.id });
    if (file.stamp?.intact === false) plan.edited.push(file.path);
  }

  plan.edited.sort(compare);
  plan.extra.sort(compare);
  plan.removals.sort((a, b) => compare(a.path, b.path));
  plan.conflicts.sort((a, b) => compare(a.path, b.path));
  return plan;
}

type State =
  | { kind: 'absent' }
  | { kind: 'file'; id: string; bytes: Buffer }
  | { kind: 'folder'; id: string }
  /** A regular file where a folder of the planned path must be. */
  | { kind: 'blocked'; path: string; id: string }
  | { kind: 'conflict'; path: string; reason: string };

/** What is on disk at a planned path, looking at each folder on the way with `lstat`. */
async function inspect(root: string, segments: readonly string[]): Promise<State> {
  let current = root;
  for (let i = 0; i < segments.length; i++) {
    current = path.join(current, segments[i]!);
    const relative = segments.slice(0, i + 1).join('/');
    const stats = await lstatIfAny(current);
    if (stats === undefined) return { kind: 'absent' };
    if (stats.isSymbolicLink())
      return { kind: 'conflict', path: relative, reason: 'is a symbolic link; specfirst never writes through links' };
    const last = i === segments.length - 1;
    if (stats.isDirectory()) {
      if (last) return { kind: 'folder', id: identity(stats) };
      continue;
    }
    if (!stats.isFile()) return { kind: 'conflict', path: relative, reason: `is ${describe(stats)}` };
    if (!last) return { kind: 'blocked', path: relative, id: identity(stats) };
    const bytes = await readRegularFile(current);
    if (bytes === undefined) return { kind: 'conflict', path: relative, reason: 'changed while it was read' };
    return { kind: 'file', id: identity(stats), bytes };
  }
  return { kind: 'absent' };
}

export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
