import path from 'node:path';
import { plural } from '@specfirst/spec-core';
import type { TSESLint } from '@typescript-eslint/utils';
import type { ProjectView } from './project.js';

/** The message every spec-reading rule can give when the spec it reads has errors. */
export const SPEC_PROBLEM_MESSAGES = {
  specHasErrors:
    'the spec has {{errors}}, so the spec/ rules work from a partial spec: {{first}}. Run `specfirst check` and fix the spec',
} as const;

export type SpecProblemMessageId = keyof typeof SPEC_PROBLEM_MESSAGES;

/**
 * ESLint's command line (`bin/eslint.js`, also what lint-staged and `pnpm lint` run) or one of its
 * worker threads (`--concurrency`): a run over many files, each linted once, printed together.
 * Anything else uses ESLint's Node API, as editors' language servers do: one long-lived ESLint
 * linting each open file again on every keystroke, every result shown on its own.
 */
const ESLINT_SCRIPT =
  /[\\/]eslint[\\/](?:bin[\\/]eslint\.js|lib[\\/]eslint[\\/]worker\.js)$|[\\/]\.bin[\\/]eslint(?:\.js|\.cmd)?$/;
export function isBatchRun(script: string | undefined = process.argv[1]): boolean {
  return script !== undefined && ESLINT_SCRIPT.test(path.resolve(script));
}
const batch = isBatchRun();

/** In a batch run: spec states (IRs) already reported, one notice per broken spec per process. */
const reported = new WeakSet<object>();
/** Lints (each has its own SourceCode) that have the notice: one per file per lint, whichever rule gives it. */
const noticed = new WeakSet<object>();

/**
 * Reports a broken spec on line 1 of a services file, so a rule that reads a broken spec does not
 * go quiet about what it cannot check. In a batch run (the ESLint command line), once: on the first
 * services file linted after the spec was loaded, not on every file of the run. Under the Node API
 * (an editor), on every lint of every services file for as long as the spec is broken: each lint's
 * result replaces the file's last one, so a notice given once would vanish at the next keystroke
 * and never reach the other open files.
 */
export function reportSpecProblems<M extends string>(
  context: Readonly<TSESLint.RuleContext<M | SpecProblemMessageId, readonly unknown[]>>,
  view: ProjectView,
): void {
  if (view.errors.length === 0 || noticed.has(context.sourceCode)) return;
  if (batch) {
    if (reported.has(view.ir)) return;
    reported.add(view.ir);
  }
  noticed.add(context.sourceCode);
  const d = view.errors[0]!;
  const first = `${d.file}:${d.line}:${d.column} ${d.code} ${d.message}`;
  context.report({
    loc: { line: 1, column: 0 },
    messageId: 'specHasErrors',
    data: { errors: plural(view.errors.length, 'error'), first },
  });
}
