/**
 * File access for the loader. The loader is written once as a generator that yields read
 * requests; a sync driver (for ESLint rules) and an async driver (for the CLI and servers) answer
 * them. Both consult the same parse cache, keyed by a stat fingerprint, so a long-lived process
 * re-parses only the files that changed.
 */
import { readFileSync, statSync, type BigIntStats } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { MAX_FILE_BYTES, parseYamlSource } from '../yaml/yaml-source.js';
import type { SourceFile } from '../yaml/source-file.js';

export interface ReadRequest {
  absPath: string;
  /** How diagnostics name the file (relative to the project root). */
  file: string;
}

export type FileResult = { ok: true; source: SourceFile } | { ok: false; missing: boolean; message: string };

export type Loader<T> = Generator<ReadRequest, T, FileResult>;

/** Fingerprint of a file: changes whenever its content may have changed. `-` when absent. */
export type Stamp = string;

export const MISSING: Stamp = '-';

export function stampOf(stats: BigIntStats): Stamp {
  return `${stats.mtimeNs}:${stats.ctimeNs}:${stats.size}:${stats.ino}`;
}

interface CachedParse {
  stamp: Stamp;
  source: SourceFile;
}

/** Parsed files by `file` name and absolute path. Shared by every load in the process. */
const parseCache = new Map<string, CachedParse>();

export function clearParseCache(): void {
  parseCache.clear();
}

/** Stamps of every file a load asked for, absent ones included (so creating one is noticed). */
export type StampLog = Map<string, Stamp>;

function cacheKey(request: ReadRequest): string {
  return `${request.file}\0${request.absPath}`;
}

function cachedParse(request: ReadRequest, stamp: Stamp): SourceFile | undefined {
  const cached = parseCache.get(cacheKey(request));
  return cached && cached.stamp === stamp ? cached.source : undefined;
}

function parseAndCache(request: ReadRequest, stamp: Stamp, text: string): FileResult {
  const source = parseYamlSource(request.file, request.absPath, text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  parseCache.set(cacheKey(request), { stamp, source });
  return { ok: true, source };
}

/**
 * What the stat alone decides, logged for the cache: a folder, a file too large to read, or a
 * file already parsed with this stamp. Otherwise the stamp, and the caller reads the file.
 */
function fromStat(request: ReadRequest, stats: BigIntStats, log: StampLog): FileResult | Stamp {
  const stamp = stampOf(stats);
  log.set(request.absPath, stamp);
  if (!stats.isFile()) return { ok: false, missing: false, message: 'is a folder, not a file' };
  if (stats.size > BigInt(MAX_FILE_BYTES)) return tooLarge(request, stats.size);
  const cached = cachedParse(request, stamp);
  return cached ? { ok: true, source: cached } : stamp;
}

/** A file too large to read at all: refused from its size, before a byte is read into memory. */
function tooLarge(request: ReadRequest, size: bigint): FileResult {
  const source = parseYamlSource(request.file, request.absPath, '');
  source.value = undefined;
  source.diagnostics.push({
    code: 'SF1005',
    severity: 'error',
    message: `file is ${size} bytes; the limit is ${MAX_FILE_BYTES}`,
    hint: 'split the spec into several files',
    file: request.file,
    line: 1,
    column: 1,
  });
  return { ok: true, source };
}

function describeError(error: unknown): { missing: boolean; message: string } {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return { missing: true, message: 'file not found' };
  if (code === 'EISDIR') return { missing: false, message: 'is a folder, not a file' };
  return { missing: false, message: `cannot read the file (${code ?? (error as Error).message})` };
}

export function readSync(request: ReadRequest, log: StampLog): FileResult {
  try {
    const known = fromStat(request, statSync(request.absPath, { bigint: true }), log);
    return typeof known === 'string' ? parseAndCache(request, known, readFileSync(request.absPath, 'utf8')) : known;
  } catch (error) {
    log.set(request.absPath, MISSING);
    return { ok: false, ...describeError(error) };
  }
}

export async function readAsync(request: ReadRequest, log: StampLog): Promise<FileResult> {
  try {
    const known = fromStat(request, await stat(request.absPath, { bigint: true }), log);
    return typeof known === 'string' ? parseAndCache(request, known, await readFile(request.absPath, 'utf8')) : known;
  } catch (error) {
    log.set(request.absPath, MISSING);
    return { ok: false, ...describeError(error) };
  }
}

export function runSync<T>(loader: Loader<T>, log: StampLog): T {
  let step = loader.next();
  while (!step.done) step = loader.next(readSync(step.value, log));
  return step.value;
}

export async function runAsync<T>(loader: Loader<T>, log: StampLog): Promise<T> {
  let step = loader.next();
  while (!step.done) step = loader.next(await readAsync(step.value, log));
  return step.value;
}

/** True when every logged file still has the stamp it had. */
export function stampsUnchanged(log: StampLog): boolean {
  for (const [absPath, stamp] of log) {
    let current: Stamp;
    try {
      current = stampOf(statSync(absPath, { bigint: true }));
    } catch {
      current = MISSING;
    }
    if (current !== stamp) return false;
  }
  return true;
}
