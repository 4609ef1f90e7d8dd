import { compareStrings, type Diagnostic, type DiagnosticCode, type Severity } from './diagnostics.js';
import type { IRLocation } from '../ir/ir.js';
import { locate, type SourceFile, startOf } from '../yaml/source-file.js';

/** The IR location of `pointer` in `source`: the key of a definition, the value of a scalar. */
export function irLoc(source: SourceFile, pointer: string): IRLocation {
  const pos = startOf(source, pointer, 'auto');
  return { file: source.file, pointer, line: pos.line, column: pos.column };
}

export interface DiagnosticInput {
  code: DiagnosticCode;
  message: string;
  hint?: string | undefined;
  severity?: Severity;
  related?: Diagnostic['related'];
}

/** A diagnostic at `pointer` of `source` (on the key when `on` is `key`, for names). */
export function diagnosticAt(
  source: SourceFile,
  pointer: string,
  input: DiagnosticInput,
  on: 'key' | 'value' = 'value',
): Diagnostic {
  const pos = locate(source, pointer, on);
  return {
    code: input.code,
    severity: input.severity ?? 'error',
    message: input.message,
    ...(input.hint ? { hint: input.hint } : {}),
    file: source.file,
    line: pos.line,
    column: pos.column,
    endLine: pos.endLine,
    endColumn: pos.endColumn,
    pointer,
    ...(input.related ? { related: input.related } : {}),
  };
}

/** A diagnostic at an IR location (for checks that run on the assembled IR). */
export function diagnosticAtLoc(loc: IRLocation, input: DiagnosticInput): Diagnostic {
  return {
    code: input.code,
    severity: input.severity ?? 'error',
    message: input.message,
    ...(input.hint ? { hint: input.hint } : {}),
    file: loc.file,
    line: loc.line,
    column: loc.column,
    pointer: loc.pointer,
    ...(input.related ? { related: input.related } : {}),
  };
}

export function relatedAt(loc: IRLocation, message: string): NonNullable<Diagnostic['related']>[number] {
  return { file: loc.file, line: loc.line, column: loc.column, message };
}

/**
 * `items` as they are written (file, line, column). The IR lists operations and tags by tag file
 * name; clash checks walk them as written instead, so the second definition in the file is the one
 * reported and "first ... here" points above it, and the importer numbers method names in this order.
 */
export function inSourceOrder<T extends { loc: IRLocation }>(items: readonly T[]): T[] {
  return [...items].sort(
    (a, b) => compareStrings(a.loc.file, b.loc.file) || a.loc.line - b.loc.line || a.loc.column - b.loc.column,
  );
}
