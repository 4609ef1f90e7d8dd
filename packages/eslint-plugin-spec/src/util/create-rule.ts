import { ESLintUtils } from '@typescript-eslint/utils';

/** Extra metadata our rules carry: which shared configs turn them on. */
export interface SpecRuleDocs {
  description: string;
  /** In `recommended` (and therefore `strict`). */
  recommended?: boolean;
  /** In `strict` only, when not recommended. */
  strict?: boolean;
  /** The rule reads the IR (the spec's models, services and tags), not only file paths. */
  requiresSpec?: boolean;
}

/** Every rule's documentation lives next to the code: `packages/eslint-plugin-spec/docs/rules/<name>.md`. */
export const createRule = ESLintUtils.RuleCreator<SpecRuleDocs>(
  (name) => `https://github.com/specfirst/specfirst/blob/main/packages/eslint-plugin-spec/docs/rules/${name}.md`,
);
