/**
 * Reads `fixtures/invalid`: one folder per broken spec, each with an `expected.json` listing every
 * diagnostic it must give. Shared by the spec-core test (the library) and the CLI test (the command).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DIAGNOSTIC_CODES, type DiagnosticCode } from '../src/diagnostics/diagnostics.js';

export const INVALID_FIXTURES = fileURLToPath(new URL('../../../fixtures/invalid/', import.meta.url));

export interface ExpectedDiagnostic {
  code: DiagnosticCode;
  /** As spec-core reports it: relative to the project root (`.` for the case folder itself). */
  file: string;
  /** 1-based; 0 for a problem with a whole file or folder. */
  line: number;
  /** Text the hint must contain, when the case is about the hint (a "did you mean"). */
  hint?: string;
}

export interface InvalidCase {
  name: string;
  dir: string;
  /** `.` for a project, or the OpenAPI document, relative to `dir`. */
  target: string;
  description: string;
  diagnostics: ExpectedDiagnostic[];
}

/** Names of the case folders, sorted. Every folder is a case: a stray one fails its test. */
export function invalidCaseNames(): string[] {
  return readdirSync(INVALID_FIXTURES, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

/** Reads and checks a case's expected.json; throws, naming the case, when it is missing or malformed. */
export function readInvalidCase(name: string): InvalidCase {
  const dir = path.join(INVALID_FIXTURES, name);
  const file = path.join(dir, 'expected.json');
  if (!existsSync(file)) throw new Error(`fixtures/invalid/${name} has no expected.json`);
  const raw = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  const fail = (problem: string): never => {
    throw new Error(`fixtures/invalid/${name}/expected.json: ${problem}`);
  };
  const { target, description, diagnostics } = raw;
  if (typeof target !== 'string' || !existsSync(path.join(dir, target)))
    fail('`target` must name `.` or a file of the case');
  if (typeof description !== 'string' || description.trim() === '')
    fail('`description` must say what the case is about');
  if (!Array.isArray(diagnostics) || diagnostics.length === 0) fail('`diagnostics` must list at least one diagnostic');
  return {
    name,
    dir,
    target: target as string,
    description: description as string,
    diagnostics: (diagnostics as unknown[]).map((d, i) =>
      expectedDiagnostic(d, (p) => fail(`diagnostics[${i}]: ${p}`)),
    ),
  };
}

function expectedDiagnostic(value: unknown, fail: (problem: string) => never): ExpectedDiagnostic {
  if (typeof value !== 'object' || value === null) return fail('expected an object');
  const { code, file, line, hint, ...rest } = value as Record<string, unknown>;
  if (Object.keys(rest).length > 0) fail(`unknown keys ${Object.keys(rest).join(', ')}`);
  if (typeof code !== 'string' || !Object.hasOwn(DIAGNOSTIC_CODES, code))
    fail(`\`${String(code)}\` is not a diagnostic code`);
  if (typeof file !== 'string' || file === '') fail('`file` must be a relative path');
  if (typeof line !== 'number' || !Number.isInteger(line) || line < 0) fail('`line` must be an integer >= 0');
  if (hint !== undefined && typeof hint !== 'string') fail('`hint` must be a string');
  return {
    code: code as DiagnosticCode,
    file: file as string,
    line: line as number,
    ...(typeof hint === 'string' ? { hint } : {}),
  };
}

/** `CODE file:line`, the form the tests compare (as sorted lists, so counts matter too). */
export function diagnosticKey(d: { code: string; file: string; line: number }): string {
  return `${d.code} ${d.file}:${d.line}`;
}
