import { closeSync, constants, fstatSync, openSync, readFileSync, type BigIntStats } from 'node:fs';
import { lstat, mkdir, open } from 'node:fs/promises';
import path from 'node:path';
import { OutputRefusedError } from './errors.js';

/**
 * File system reads that never follow a symbolic link, and the folder creation the writes need.
 * Every decision is taken on `lstat`, and files are opened with O_NOFOLLOW (where the platform
 * has it) and O_NONBLOCK (a FIFO swapped in cannot hang the run).
 */

/** `lstat`, or `undefined` if nothing is there (or a parent is not a folder). */
export async function lstatIfAny(file: string): Promise<BigIntStats | undefined> {
  try {
    return await lstat(file, { bigint: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw error;
  }
}

/** Identifies a file across names (hard links, case-insensitive file systems). */
export function identity(stats: BigIntStats): string {
  return `${stats.dev}:${stats.ino}`;
}

const READ_FLAGS = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);

/** The bytes of a regular file, or `undefined` if `file` is not one (a link, a FIFO, gone...). */
export async function readRegularFile(file: string): Promise<Buffer | undefined> {
  let handle;
  try {
    handle = await open(file, READ_FLAGS);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'ELOOP' || code === 'EISDIR') return undefined;
    throw error;
  }
  try {
    if (!(await handle.stat()).isFile()) return undefined;
    return await handle.readFile();
  } finally {
    await handle.close();
  }
}

/** The kind of entry `lstat` saw, in words for messages. */
export function describe(stats: BigIntStats): string {
  if (stats.isSymbolicLink()) return 'a symbolic link';
  if (stats.isDirectory()) return 'a folder';
  if (stats.isFile()) return 'a file';
  return 'a special file';
}

/**
 * Makes sure `root/segments...` is a chain of real folders, creating the missing ones one level at
 * a time. `root` itself may be created with its parents. Refuses a symbolic link or a non-folder on
 * the way, so a write can never land outside `root`. `known` caches folders already checked.
 */
export async function ensureFolders(root: string, segments: readonly string[], known: Set<string>): Promise<string> {
  let current = root;
  for (let i = -1; i < segments.length; i++) {
    if (i >= 0) current = path.join(current, segments[i]!);
    if (known.has(current)) continue;
    let stats = await lstatIfAny(current);
    if (stats === undefined) {
      try {
        await mkdir(current, { recursive: i < 0 });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      stats = await lstatIfAny(current);
    }
    if (stats === undefined || stats.isSymbolicLink() || !stats.isDirectory()) {
      const what = stats === undefined ? 'gone' : describe(stats);
      throw new OutputRefusedError(`refusing to write through ${current}: it is ${what}, not a folder`, [
        segments.slice(0, i + 1).join('/'),
      ]);
    }
    known.add(current);
  }
  return current;
}

/** {@link readRegularFile}, synchronously: for callers that cannot await (ESLint rules). */
export function readRegularFileSync(file: string): Buffer | undefined {
  let fd: number;
  try {
    fd = openSync(file, READ_FLAGS);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'ELOOP' || code === 'EISDIR') return undefined;
    throw error;
  }
  try {
    return fstatSync(fd).isFile() ? readFileSync(fd) : undefined;
  } finally {
    closeSync(fd);
  }
}
