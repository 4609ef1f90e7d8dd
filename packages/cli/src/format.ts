/**
 * How diagnostics look on a terminal: `file:line:col  error  SF1203  message`, a hint line,
 * and (on a terminal) a code frame of the offending line.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Colors } from 'picocolors/types.js';
import { type Diagnostic, isPathInside } from '@specfirst/spec-core';

export interface TextOptions {
  colors: Colors;
  /** Show the source line under each diagnostic. */
  codeFrame: boolean;
  /** Directory the printed paths are relative to. */
  cwd: string;
}

/** Path of a diagnostic's file as the user should see it (relative to where they are). */
export function displayPath(root: string, file: string, cwd: string): string {
  const absolute = path.isAbsolute(file) ? file : path.join(root, file);
  const rel = path.relative(cwd, absolute);
  return !isPathInside(cwd, absolute) && path.isAbsolute(file) ? absolute : rel || '.';
}

/**
 * Text from a spec (a key, a value) is shown escaped when it holds control characters, so a spec
 * cannot move the cursor, retitle the window or clear the screen of whoever checks it.
 */
export function printable(text: string): string {
  return text.replace(
    // eslint-disable-next-line no-control-regex -- control characters are what it shows
    /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g,
    (ch) => `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`,
  );
}

export function formatDiagnostic(d: Diagnostic, root: string, options: TextOptions): string {
  const c = options.colors;
  const where =
    d.line > 0
      ? `${displayPath(root, d.file, options.cwd)}:${d.line}:${d.column}`
      : displayPath(root, d.file, options.cwd);
  const severity = d.severity === 'error' ? c.red('error') : c.yellow('warning');
  const lines = [`${c.bold(printable(where))}  ${severity}  ${c.dim(d.code)}  ${printable(d.message)}`];
  if (options.codeFrame && d.line > 0) {
    const frame = codeFrame(path.isAbsolute(d.file) ? d.file : path.join(root, d.file), d, c);
    if (frame) lines.push(frame);
  }
  if (d.hint) lines.push(`  ${c.cyan('hint:')} ${printable(d.hint)}`);
  for (const r of d.related ?? [])
    lines.push(
      `  ${c.dim(printable(`${displayPath(root, r.file, options.cwd)}:${r.line}:${r.column}: ${r.message}`))}`,
    );
  return lines.join('\n');
}

const fileCache = new Map<string, string[] | null>();

function sourceLines(file: string): string[] | null {
  if (!fileCache.has(file)) {
    try {
      fileCache.set(file, readFileSync(file, 'utf8').split(/\r?\n/));
    } catch {
      fileCache.set(file, null);
    }
  }
  return fileCache.get(file) ?? null;
}

function codeFrame(file: string, d: Diagnostic, c: Colors): string | undefined {
  const lines = sourceLines(file);
  const text = lines?.[d.line - 1];
  if (lines === null || text === undefined) return undefined;
  const gutterWidth = String(d.line + 1).length;
  const out: string[] = [];
  const show = (n: number, marker: boolean): void => {
    const line = lines[n - 1];
    if (line === undefined) return;
    out.push(`${marker ? c.red('>') : ' '} ${c.dim(String(n).padStart(gutterWidth))} | ${printable(line)}`);
  };
  if (d.line > 1) show(d.line - 1, false);
  show(d.line, true);
  const width =
    d.endLine === d.line && d.endColumn !== undefined && d.endColumn > d.column ? d.endColumn - d.column : 1;
  out.push(
    `  ${' '.repeat(gutterWidth)} | ${' '.repeat(Math.max(0, d.column - 1))}${c.red('^'.repeat(Math.min(width, Math.max(1, text.length - d.column + 1))))}`,
  );
  return out.join('\n');
}

/** spec-core's, so every package words counts alike. */
export { plural } from '@specfirst/spec-core';

/**
 * Diagnostics as `--format json` prints them (check, sync, scaffold): spec-core's own objects, with
 * every `file` (also those of `related` entries) relative to `cwd`, as the text output shows them.
 */
export function jsonDiagnostics(diagnostics: readonly { d: Diagnostic; root: string }[], cwd: string): Diagnostic[] {
  return diagnostics.map(({ d, root }) => ({
    ...d,
    file: displayPath(root, d.file, cwd),
    ...(d.related ? { related: d.related.map((r) => ({ ...r, file: displayPath(root, r.file, cwd) })) } : {}),
  }));
}

/** The `diagnostics`, `errorCount` and `warningCount` members every JSON report that loads a spec has. */
export function diagnosticsReport(
  diagnostics: readonly Diagnostic[],
  root: string,
  cwd: string,
): { diagnostics: Diagnostic[]; errorCount: number; warningCount: number } {
  const errorCount = diagnostics.filter((d) => d.severity === 'error').length;
  return {
    diagnostics: jsonDiagnostics(
      diagnostics.map((d) => ({ d, root })),
      cwd,
    ),
    errorCount,
    warningCount: diagnostics.length - errorCount,
  };
}
