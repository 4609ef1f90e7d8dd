import { existsSync } from 'node:fs';
import path from 'node:path';
import {
  checkFrameworkResponses,
  findProjectRoot,
  hasErrors,
  loadProjectSync,
  sortDiagnostics,
  type Diagnostic,
  type LoadResult,
} from '@specfirst/spec-core';
import { formatDiagnostic, jsonDiagnostics, plural, type TextOptions } from '../format.js';
import type { Output } from '../output.js';

export interface CheckOptions {
  format: 'text' | 'json';
}

/**
 * Checks each project (or standalone OpenAPI document) named by `targets`. Several files of the
 * same project (as lint-staged passes them) check that project once.
 */
export async function checkCommand(targets: string[], options: CheckOptions, out: Output): Promise<number> {
  const cwd = process.cwd();
  // Paths that exist are grouped by project; a path that does not is kept on its own, so it is
  // reported whatever the order of the arguments.
  const unique = new Map<string, string>();
  for (const target of targets.length > 0 ? targets : ['.']) {
    const absolute = path.resolve(target);
    const root = existsSync(absolute) ? findProjectRoot(absolute) : undefined;
    const key = root ?? `path:${absolute}`;
    if (!unique.has(key)) unique.set(key, target);
  }
  const results: { target: string; result: LoadResult }[] = [];
  // A one-shot command has nothing to do while it waits for the disk: read synchronously.
  for (const target of unique.values())
    results.push({ target, result: withAdvice(loadProjectSync(target, { cache: false })) });

  const all = results.flatMap(({ result }) => result.diagnostics.map((d) => ({ d, root: result.root })));
  const errors = all.filter(({ d }) => d.severity === 'error').length;
  const warnings = all.length - errors;

  if (options.format === 'json') {
    out.stdout(
      JSON.stringify({ diagnostics: jsonDiagnostics(all, cwd), errorCount: errors, warningCount: warnings }, null, 2),
    );
    return exitCode(
      results.map((r) => r.result),
      errors,
    );
  }

  const text: TextOptions = { colors: out.colors, codeFrame: out.isTTY, cwd };
  const { shown, hidden } = capWarnings(all);
  for (const { d, root } of shown) out.stdout(`${formatDiagnostic(d, root, text)}\n`);
  for (const [code, count] of hidden)
    out.stdout(
      out.colors.yellow(`… ${plural(count, `more ${code} warning`)} not shown`) +
        ` (${WARNINGS_SHOWN_PER_CODE} of each code are; \`--format json\` lists every one)\n`,
    );
  for (const { target, result } of results) {
    if (result.diagnostics.some((d) => d.severity === 'error')) continue;
    const ir = result.ir;
    const operations = ir.services.reduce((n, s) => n + s.operations.length, 0);
    const declared = ir.models.filter((m) => m.variant === 'model').length;
    out.stdout(
      out.colors.green('✓ ') +
        `${target}: ` +
        `${plural(ir.services.length, 'service')}, ${plural(operations, 'operation')}, ${plural(declared, 'model')}` +
        (ir.topics.length > 0 ? `, ${plural(ir.topics.length, 'topic')}` : '') +
        (ir.tasks.length > 0 ? `, ${plural(ir.tasks.length, 'task')}` : ''),
    );
  }
  if (all.length > 0) {
    const summary = `${plural(errors, 'error')}, ${plural(warnings, 'warning')}`;
    out.stdout(errors > 0 ? out.colors.red(`✖ ${summary}`) : out.colors.yellow(`⚠ ${summary}`));
  }
  return exitCode(
    results.map((r) => r.result),
    errors,
  );
}

/**
 * Warnings of one code shown in text. A document nobody here can change (a vendor's) may earn the
 * same advice on each of its thousand operations, which would bury the errors and the summary
 * (redocly lint truncates likewise); every error is shown, and JSON output has everything.
 */
export const WARNINGS_SHOWN_PER_CODE = 10;

/** The diagnostics text output prints, in order, and how many warnings of each code it leaves out. */
export function capWarnings<T extends { d: Diagnostic }>(
  all: readonly T[],
): { shown: T[]; hidden: Map<string, number> } {
  const seen = new Map<string, number>();
  const hidden = new Map<string, number>();
  const shown = all.filter(({ d }) => {
    if (d.severity === 'error') return true;
    const count = (seen.get(d.code) ?? 0) + 1;
    seen.set(d.code, count);
    if (count <= WARNINGS_SHOWN_PER_CODE) return true;
    hidden.set(d.code, (hidden.get(d.code) ?? 0) + 1);
    return false;
  });
  return { shown, hidden };
}

/**
 * The load's diagnostics, and, for a spec without errors, the advice only `check` gives: an
 * imported OpenAPI document that leaves out responses the runtime sends (SF6008). Not part of the
 * load, so sync, lint and the editor stay quiet about a document the project may not own.
 */
function withAdvice(result: LoadResult): LoadResult {
  if (hasErrors(result.diagnostics)) return result;
  const advice = checkFrameworkResponses(result.ir);
  return advice.length === 0 ? result : { ...result, diagnostics: sortDiagnostics([...result.diagnostics, ...advice]) };
}

/** 2 when a path named nothing checkable (a usage error), 1 for spec errors, else 0. */
function exitCode(results: LoadResult[], errors: number): number {
  if (results.some((r) => r.usageError)) return 2;
  return errors > 0 ? 1 : 0;
}
