/**
 * eslint-plugin-spec: keeps `services/` on the spec. Rules read spec-core's IR (never the YAML);
 * the shared configs are derived from each rule's metadata, for flat config (ESLint 9/10) and for
 * `.eslintrc` (ESLint 8.57 and 9 in eslintrc mode).
 */
import { readFileSync } from 'node:fs';
import { ruleLevels } from './configs.js';
import generatedInSync from './rules/generated-in-sync.js';
import noShadowModel from './rules/no-shadow-model.js';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { name: string; version: string };

export const rules = {
  'generated-in-sync': generatedInSync,
  'no-shadow-model': noShadowModel,
};

const recommendedRules = ruleLevels(rules, 'recommended');
const strictRules = ruleLevels(rules, 'strict');

const plugin = {
  meta: { name: pkg.name, version: pkg.version, namespace: 'spec' },
  rules,
  configs: {} as Record<string, unknown>,
};

plugin.configs = {
  /** Flat config: `export default [spec.configs.recommended]`. */
  recommended: { name: 'spec/recommended', plugins: { spec: plugin }, rules: recommendedRules },
  strict: { name: 'spec/strict', plugins: { spec: plugin }, rules: strictRules },
  /** `.eslintrc`: `{ "extends": ["plugin:spec/legacy-recommended"] }`. */
  'legacy-recommended': { plugins: ['spec'], rules: recommendedRules },
  'legacy-strict': { plugins: ['spec'], rules: strictRules },
};

export default plugin;
