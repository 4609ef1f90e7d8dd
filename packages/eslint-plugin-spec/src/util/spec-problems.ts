import { plural } from '@specfirst/spec-core';
import type { TSESLint } from '@typescript-eslint/utils';
import type { ProjectView } from './project.js';

/** The message every spec-reading rule can give when the spec it reads has errors. */
export const SPEC_PROBLEM_MESSAGES = {
  specHasErrors:
    'the spec has {{errors}}, so the spec/ rules work from a partial spec: {{first}}. Run `specfirst check` and fix the spec',
} as const;

export type SpecProblemMessageId = keyof typeof SPEC_PROBLEM_MESSAGES;

/** Spec states (IRs) already reported: one diagnostic per broken spec per process, not one per file and rule. */
const reported = new WeakSet<object>();

/**
 * Reports a broken spec once, on line 1 of the first services file linted after it was loaded.
 * A rule that reads a broken spec would otherwise go quiet about what it cannot check.
 */
export function reportSpecProblems<M extends string>(
  context: Readonly<TSESLint.RuleContext<M | SpecProblemMessageId, readonly unknown[]>>,
  view: ProjectView,
): void {
  if (view.errors.length === 0 || reported.has(view.ir)) return;
  reported.add(view.ir);
  const d = view.errors[0]!;
  const first = `${d.file}:${d.line}:${d.column} ${d.code} ${d.message}`;
  context.report({
    loc: { line: 1, column: 0 },
    messageId: 'specHasErrors',
    data: { errors: plural(view.errors.length, 'error'), first },
  });
}
