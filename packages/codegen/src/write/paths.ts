import path from 'node:path';
import { isPathInside } from '@specfirst/spec-core';
import { isTempName } from './atomic.js';
import { OutputRefusedError } from './errors.js';

/**
 * Checks the relative paths of the files to write, all of them, before anything touches the disk.
 * A path must be a plain relative `/`-separated path that stays inside `outDir` on this platform:
 * not absolute, no empty, `.` or `..` segment, no backslash, no NUL or other control character.
 * Two paths may not name the same file (compared case-insensitively too, as on macOS and Windows),
 * nor may one be a folder of another. Throws an {@link OutputRefusedError} naming every bad path.
 */
export function checkOutputPaths(outDir: string, paths: readonly string[]): void {
  const problems: string[] = [];
  const bad: string[] = [];
  const seen = new Map<string, string>();
  for (const relative of paths) {
    const problem = pathProblem(outDir, relative);
    if (problem !== undefined) {
      problems.push(`${JSON.stringify(relative)}: ${problem}`);
      bad.push(relative);
      continue;
    }
    const folded = relative.toLowerCase();
    const previous = seen.get(folded);
    if (previous !== undefined) {
      problems.push(
        previous === relative
          ? `${JSON.stringify(relative)}: listed twice`
          : `${JSON.stringify(relative)} and ${JSON.stringify(previous)} differ only in case`,
      );
      bad.push(relative);
    }
    seen.set(folded, relative);
  }
  for (const [folded, relative] of seen) {
    const segments = folded.split('/');
    for (let i = 1; i < segments.length; i++) {
      const folder = seen.get(segments.slice(0, i).join('/'));
      if (folder !== undefined) {
        problems.push(
          `${JSON.stringify(folder)} is to be a file, but ${JSON.stringify(relative)} needs it as a folder`,
        );
        bad.push(relative);
      }
    }
  }
  if (problems.length > 0) {
    throw new OutputRefusedError(
      `refusing to write to ${outDir}: ${problems.length === 1 ? 'a bad output path' : 'bad output paths'}:\n  ${problems.join('\n  ')}`,
      bad,
    );
  }
}

function pathProblem(outDir: string, relative: string): string | undefined {
  if (typeof relative !== 'string' || relative === '') return 'not a path';
  // eslint-disable-next-line no-control-regex -- control characters are what is refused
  if (/[\u0000-\u001f\u007f]/.test(relative)) return 'contains a control character (NUL, newline...)';
  if (relative.includes('\\')) return 'contains a backslash; use "/"';
  if (relative.startsWith('/') || path.isAbsolute(relative))
    return 'is absolute; paths are relative to the output folder';
  const segments = relative.split('/');
  if (segments.some((s) => s === '' || s === '.' || s === '..')) return 'has an empty, "." or ".." segment';
  if (isTempName(segments.at(-1)!)) return 'looks like a temporary file of an interrupted write';
  const resolved = path.resolve(outDir, ...segments);
  // Strictly below: a path that names the output folder itself is no file of it.
  if (
    resolved !== path.join(path.resolve(outDir), ...segments) ||
    resolved === path.resolve(outDir) ||
    !isPathInside(outDir, resolved)
  ) {
    return 'resolves outside the output folder';
  }
  return undefined;
}
