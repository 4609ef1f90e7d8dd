import type { TSESLint } from '@typescript-eslint/utils';
import type { SpecRuleDocs } from './util/create-rule.js';

type AnyRule = TSESLint.RuleModule<string, readonly unknown[], SpecRuleDocs>;

/** Which rules each shared config turns on, read from each rule's own `meta.docs`: never listed by hand. */
export function ruleLevels(
  rules: Readonly<Record<string, AnyRule>>,
  config: 'recommended' | 'strict',
): Record<string, 'error'> {
  const levels: Record<string, 'error'> = {};
  for (const [name, rule] of Object.entries(rules).sort(([a], [b]) => (a < b ? -1 : 1))) {
    const docs = rule.meta.docs;
    if (docs?.recommended === true || (config === 'strict' && docs?.strict === true)) levels[`spec/${name}`] = 'error';
  }
  return levels;
}
