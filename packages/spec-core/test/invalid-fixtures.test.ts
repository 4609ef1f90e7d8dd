/**
 * The catalogue of broken specs (fixtures/invalid): every case must give exactly the diagnostics
 * its expected.json lists, each located, explained and (where spec-core has one) with a hint.
 * Adding a case is adding a folder; see fixtures/README.md.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Diagnostic, type DiagnosticCode, type LoadResult, loadProjectSync } from '../src/index.js';
import { diagnosticKey, INVALID_FIXTURES, invalidCaseNames, readInvalidCase } from './invalid-catalogue.js';

/** Codes spec-core reports without a hint: the message alone says it all. Every other code has one. */
const CODES_WITHOUT_HINT = new Set<DiagnosticCode>(['SF0003', 'SF1202', 'SF1205']);

/** Codes that may concern a whole file or folder, and so may have line 0. */
const WHOLE_FILE_CODES = new Set<DiagnosticCode>(['SF0001', 'SF0002']);

const loaded = new Map<string, { result: LoadResult; dir: string }>();

/** Loads a case once per run (uncached by spec-core, so each run reads the files afresh). */
function load(caseName: string): { result: LoadResult; dir: string } {
  let entry = loaded.get(caseName);
  if (!entry) {
    const c = readInvalidCase(caseName);
    entry = { result: loadProjectSync(path.join(c.dir, c.target), { cache: false }), dir: c.dir };
    loaded.set(caseName, entry);
  }
  return entry;
}

/** The file as expected.json writes it: relative to the case, `.` for the case folder itself. */
function caseRelative(dir: string, d: Diagnostic): string {
  return path.isAbsolute(d.file) ? path.relative(dir, d.file).split(path.sep).join('/') || '.' : d.file;
}

/** `CODE file:line` of an actual diagnostic, comparable with an expected one. */
function keyOf(dir: string, d: Diagnostic): string {
  return diagnosticKey({ ...d, file: caseRelative(dir, d) });
}

function describeAll(dir: string, diagnostics: readonly Diagnostic[]): string {
  return diagnostics
    .map(
      (d) =>
        `${caseRelative(dir, d)}:${d.line}:${d.column} ${d.code} ${d.message}${d.hint ? ` (hint: ${d.hint})` : ''}`,
    )
    .join('\n');
}

describe('fixtures/invalid', () => {
  const names = invalidCaseNames();

  it('has cases, each with an expected.json', () => {
    expect(names.length).toBeGreaterThan(0);
    for (const name of names) expect(() => readInvalidCase(name), name).not.toThrow();
  });

  describe.each(names)('%s', (name) => {
    it('gives exactly the expected diagnostics, each located, explained and hinted', () => {
      const expected = readInvalidCase(name);
      const { result, dir } = load(name);
      // The catalogue is about what spec-core refuses: its small specs may also earn warnings (a worker
      // `jobs` with nothing to run, SF5015), which the tests of those warnings cover.
      const actual = result.diagnostics.filter((d) => d.severity === 'error');
      const listing = `${expected.description}\nactual diagnostics:\n${describeAll(dir, actual)}`;

      expect(actual.map((d) => keyOf(dir, d)).sort(), listing).toEqual(expected.diagnostics.map(diagnosticKey).sort());

      for (const d of actual) {
        const where = `${caseRelative(dir, d)}:${d.line} ${d.code}`;
        expect(d.severity, where).toBe('error');
        expect(d.message.trim(), where).not.toBe('');
        if (WHOLE_FILE_CODES.has(d.code) && d.line === 0) expect(d.column, where).toBe(0);
        else expect(d.line, where).toBeGreaterThanOrEqual(1);
        if (d.line >= 1) expect(d.column, where).toBeGreaterThanOrEqual(1);
        if (!CODES_WITHOUT_HINT.has(d.code)) expect(d.hint?.trim() ?? '', `${where} has no hint`).not.toBe('');
      }
      for (const e of expected.diagnostics) {
        if (e.hint === undefined) continue;
        const hints = actual.filter((d) => keyOf(dir, d) === diagnosticKey(e)).map((d) => d.hint ?? '');
        expect(
          hints.some((h) => h.includes(e.hint!)),
          `${diagnosticKey(e)}: hint should contain ${JSON.stringify(e.hint)}, got ${JSON.stringify(hints)}`,
        ).toBe(true);
      }
    });

    it('reads no file outside the case, and names every tag with one safe path segment', () => {
      const { result, dir } = load(name);
      for (const file of result.files) expect(path.relative(dir, file), file).not.toMatch(/^\.\.|^\//);
      for (const tag of result.ir.services.flatMap((s) => s.tags))
        expect(tag.fileName, tag.name).toMatch(/^[a-z0-9-]*$/);
    });

    it('is a usage error exactly when no project or document was found', () => {
      const { result } = load(name);
      expect(result.usageError ?? false).toBe(result.diagnostics.some((d) => d.code === 'SF0001'));
    });
  });

  it('never turns the OpenAPI tag `../x` into a path: it becomes the file name `x` (and collides with tag `x`)', () => {
    const { result } = load('openapi-tag-collision');
    const tags = Object.fromEntries(result.ir.services.flatMap((s) => s.tags).map((t) => [t.name, t.fileName]));
    expect(tags).toEqual({ x: 'x', '../x': 'x', 'Admin Users': 'admin-users', 'admin-users': 'admin-users' });
  });

  it('leaves a tag with no letters or digits (`../..`) without a file name, and reports it', () => {
    const { result } = load('openapi-tag-unsafe');
    const tags = Object.fromEntries(result.ir.services.flatMap((s) => s.tags).map((t) => [t.name, t.fileName]));
    expect(tags).toEqual({ '../..': '', '2fa': '2fa' });
  });

  it('refuses remote $refs from the document alone: nothing but openapi.yaml is read', () => {
    const { result, dir } = load('openapi-remote-ref');
    expect(result.files).toEqual([path.join(dir, 'openapi.yaml')]);
    expect(result.ir.sources).toEqual(['openapi.yaml']);
    // The refused response still counts as declared: the operation is not "without responses".
    const listItems = result.ir.services[0]?.operations.find((o) => o.operationId === 'listItems');
    expect(listItems?.responses.map((r) => r.status)).toEqual([200]);
  });

  it('checks OpenAPI cases as standalone documents (no specfirst.yaml in or above the catalogue)', () => {
    const { result } = load('openapi-swagger2');
    expect(result.ir.project.kind).toBe('openapi');
    expect(result.root).toBe(path.join(INVALID_FIXTURES, 'openapi-swagger2'));
  });
});
