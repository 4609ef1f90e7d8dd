import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { isLeftoverTemp, isTempName } from './atomic.js';
import { identity, lstatIfAny, readRegularFile } from './fs-safe.js';
import { readStamp, type Stamp } from './stamp.js';

/**
 * What is in the output folder, found without following any symbolic link: every regular file
 * (with its stamp if it has one), every folder, and what the writer must leave alone.
 * Paths are relative to the output folder and `/`-separated.
 */
export interface Scan {
  /** Regular files, by path. `stamp` is `undefined` for files specfirst did not generate. */
  files: Map<string, ScannedFile>;
  /** Folders below the output folder (not the output folder itself), by path. */
  folders: Map<string, ScannedFolder>;
  /** Temporary files left by writes that crashed (their process is gone): may be removed. */
  leftovers: Set<string>;
  /** Symbolic links, special files and temporary files of running writes: never touched. */
  others: Set<string>;
}

export interface ScannedFile {
  path: string;
  id: string;
  stamp: Stamp | undefined;
}

export interface ScannedFolder {
  path: string;
  id: string;
  /** Paths of the entries directly inside. */
  entries: string[];
}

export async function scanOutput(root: string): Promise<Scan> {
  const scan: Scan = { files: new Map(), folders: new Map(), leftovers: new Set(), others: new Set() };
  await walk(root, '', scan);
  return scan;
}

async function walk(folder: string, prefix: string, scan: Scan): Promise<string[]> {
  const entries: string[] = [];
  for (const name of (await readdir(folder)).sort()) {
    const relative = prefix === '' ? name : `${prefix}/${name}`;
    const file = path.join(folder, name);
    const stats = await lstatIfAny(file);
    if (stats === undefined) continue; // gone meanwhile, or a name this platform cannot decode
    entries.push(relative);
    if (stats.isDirectory()) {
      scan.folders.set(relative, { path: relative, id: identity(stats), entries: await walk(file, relative, scan) });
    } else if (stats.isFile() && isTempName(name)) {
      (isLeftoverTemp(name) ? scan.leftovers : scan.others).add(relative);
    } else if (stats.isFile()) {
      const bytes = await readRegularFile(file);
      if (bytes === undefined) scan.others.add(relative);
      else scan.files.set(relative, { path: relative, id: identity(stats), stamp: stampOf(bytes) });
    } else {
      scan.others.add(relative);
    }
  }
  return entries;
}

/** The stamp of a file's bytes; only files starting like a header are decoded. */
export function stampOf(bytes: Buffer): Stamp | undefined {
  const first = bytes[0];
  if (first !== SLASH && first !== BRACE && first !== HASH && first !== DASH) return undefined;
  return readStamp(bytes.toString('utf8'));
}

const SLASH = 0x2f;
const BRACE = 0x7b;
const HASH = 0x23;
const DASH = 0x2d;
