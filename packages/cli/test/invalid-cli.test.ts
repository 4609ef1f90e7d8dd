/**
 * `specfirst check` on every case of fixtures/invalid, run as a user runs it: the built command in
 * a child process, from the repository root. Whatever the spec, the command reports and exits
 * 1 (2 when the path names no project or document); it never crashes with a stack trace.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadProjectSync } from '@specfirst/spec-core';
import { describe, expect, it } from 'vitest';
import { runBin } from './support/run-cli.js';
import {
  diagnosticKey,
  type InvalidCase,
  invalidCaseNames,
  readInvalidCase,
} from '../../spec-core/test/invalid-catalogue.js';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));

/** A V8 stack frame (`    at fn (file.js:1:2)`), or the name of a JavaScript error class. */
const STACK_FRAME = /^\s+at .+\(.*:\d+:\d+\)/m;
const JS_ERROR = /\b(TypeError|RangeError|ReferenceError)\b/;

const check = (args: string[]) => runBin(['check', ...args]);

interface JsonReport {
  diagnostics: { code: string; severity: 'error' | 'warning'; file: string; line: number; message: string }[];
  errorCount: number;
  warningCount: number;
}

const cases = invalidCaseNames().map(readInvalidCase);

/** 2 when spec-core flags the path as naming no project and no document (a usage error), else 1. */
const exitCodeOf = (c: InvalidCase): number =>
  loadProjectSync(path.join(c.dir, c.target), { cache: false }).usageError ? 2 : 1;

/** A case folder (or the file inside it) as a user types it from the repository root. */
const shown = (c: InvalidCase, file: string): string =>
  path.relative(REPO, path.join(c.dir, file)).split(path.sep).join('/');

describe.each(cases.map((c) => [c.name, c] as const))('specfirst check fixtures/invalid/%s', (_name, c) => {
  const exitCode = exitCodeOf(c);

  it(`reports every expected problem and exits ${exitCode}, without a stack trace`, () => {
    const { code, stdout, stderr } = check([shown(c, c.target)]);
    const output = stdout + stderr;
    expect(output).not.toMatch(STACK_FRAME);
    expect(output).not.toMatch(JS_ERROR);
    expect(output).not.toContain('internal error');
    for (const e of c.diagnostics) {
      // `file:line:col  error  CODE  message`, or `file  error  CODE  message` for a whole file.
      const where = e.line > 0 ? `${shown(c, e.file)}:${e.line}:` : `${shown(c, e.file)}  `;
      const found = output.split('\n').some((l) => l.startsWith(where) && l.includes(`  error  ${e.code}  `));
      expect(found, `${diagnosticKey(e)} in:\n${output}`).toBe(true);
    }
    expect(code, output).toBe(exitCode);
  });
});

describe('specfirst check --format json on the whole catalogue', () => {
  // One run for every case (the command takes several paths), so the catalogue stays quick to test.
  const { code, stdout, stderr } = check(['--format', 'json', ...cases.map((c) => shown(c, c.target))]);

  it('prints parsable JSON with an error count, and no stack trace', () => {
    expect(stderr).not.toMatch(STACK_FRAME);
    const report = JSON.parse(stdout) as JsonReport;
    expect(report.errorCount).toBeGreaterThanOrEqual(cases.length);
    expect(report.errorCount).toBe(report.diagnostics.filter((d) => d.severity === 'error').length);
    // One path naming nothing checkable (the `no-project` case) makes the whole run a usage error.
    expect(code).toBe(Math.max(...cases.map(exitCodeOf)));
  });

  it.each(cases.map((c) => [c.name, c] as const))('gives the expected diagnostics of %s', (_name, c) => {
    const report = JSON.parse(stdout) as JsonReport;
    const inCase = (file: string): boolean => file === shown(c, '.') || file.startsWith(`${shown(c, '.')}/`);
    // Only errors: the catalogue's small specs may also earn warnings (SF5014, SF5015), tested on their own.
    const actual = report.diagnostics
      .filter((d) => inCase(d.file) && d.severity === 'error')
      .map((d) => `${d.code} ${d.file}:${d.line}`);
    const expected = c.diagnostics.map((e) => `${e.code} ${shown(c, e.file)}:${e.line}`);
    expect(actual.sort()).toEqual(expected.sort());
  });
});
