/**
 * eslint-plugin-spec: keeps `services/` on the spec. Rules read spec-core's IR (never the YAML);
 * the shared configs are derived from each rule's metadata, for flat config (ESLint 9/10) and for
 * `.eslintrc` (ESLint 8.57 and 9 in eslintrc mode).
 */
import { readFileSync } from 'node:fs';
import { ruleLevels } from './configs.js';
import { specDigest } from './util/digest.js';
import generatedInSync from './rules/generated-in-sync.js';
import noAdhocSchema from './rules/no-adhoc-schema.js';
import noManualRouter from './rules/no-manual-router.js';
import noShadowModel from './rules/no-shadow-model.js';
import noUndeclaredDependency from './rules/no-undeclared-dependency.js';
import requireControllerImplements from './rules/require-controller-implements.js';
import validSpec from './rules/valid-spec.js';
import { specFilesConfig } from './spec-files.js';
import { sourceGlob } from './source-files.js';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  name: string;
  version: string;
};

export const rules = {
  'generated-in-sync': generatedInSync,
  'no-adhoc-schema': noAdhocSchema,
  'no-manual-router': noManualRouter,
  'no-shadow-model': noShadowModel,
  'no-undeclared-dependency': noUndeclaredDependency,
  'require-controller-implements': requireControllerImplements,
  'valid-spec': validSpec,
};

const recommendedRules = ruleLevels(rules, 'recommended');
const strictRules = ruleLevels(rules, 'strict');

const plugin = {
  meta: { name: pkg.name, version: pkg.version, namespace: 'spec' },
  rules,
  configs: {} as Record<string, unknown>,
};

/** Every JavaScript and TypeScript file: the rules decide from the spec which are services or generated code. */
const files = [sourceGlob()];

// Computed when a config is first read (ESLint reads them at start-up, from the project folder).
let digest: string | undefined;
const settings = () => ({ spec: { digest: (digest ??= specDigest(process.cwd())) } });

plugin.configs = {
  /** Flat config: `export default [spec.configs.recommended]`. */
  get recommended() {
    return {
      name: 'spec/recommended',
      files,
      plugins: { spec: plugin },
      rules: recommendedRules,
      settings: settings(),
    };
  },
  get strict() {
    return { name: 'spec/strict', files, plugins: { spec: plugin }, rules: strictRules, settings: settings() };
  },
  /** `.eslintrc`: `{ "extends": ["plugin:spec/legacy-recommended"] }`. */
  get 'legacy-recommended'() {
    return { plugins: ['spec'], rules: recommendedRules, settings: settings() };
  },
  get 'legacy-strict'() {
    return { plugins: ['spec'], rules: strictRules, settings: settings() };
  },
  /** Flat config only: spec-core's diagnostics on `spec/**` YAML files, in the editor. Put it last. */
  get 'spec-files'() {
    return { name: 'spec/spec-files', plugins: { spec: plugin }, ...specFilesConfig, settings: settings() };
  },
};

export { irLoadCount } from './util/project.js';
export { SOURCE_EXTENSIONS, sourceGlob } from './source-files.js';
export { parser as specFilesParser, specFilesConfig } from './spec-files.js';
export default plugin;
