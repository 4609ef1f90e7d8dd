import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import plugin, { rules } from '../src/index.js';

describe('the plugin object', () => {
  it('exposes meta with the package name and version, which `eslint --cache` keys on', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
      name: string;
      version: string;
    };
    expect(plugin.meta).toEqual({ name: pkg.name, version: pkg.version, namespace: 'spec' });
  });

  it('documents every rule in docs/rules/<rule>.md, which meta.docs.url points at', () => {
    for (const [name, rule] of Object.entries(rules)) {
      expect(rule.meta.docs?.url, name).toMatch(new RegExp(`/packages/eslint-plugin-spec/docs/rules/${name}\\.md$`));
      expect(existsSync(new URL(`../docs/rules/${name}.md`, import.meta.url)), name).toBe(true);
    }
  });

  it('documents every rule in docs/rules/<rule>.md, and no rule beside them', () => {
    expect(Object.keys(rules).sort()).toEqual([
      'generated-in-sync',
      'no-adhoc-schema',
      'no-manual-router',
      'no-shadow-model',
      'no-undeclared-dependency',
      'require-controller-implements',
      'valid-spec',
    ]);
  });

  // Written out, as the README's table says it: valid-spec runs through configs['spec-files'] only.
  const RECOMMENDED = {
    'spec/generated-in-sync': 'error',
    'spec/no-adhoc-schema': 'error',
    'spec/no-manual-router': 'error',
    'spec/no-shadow-model': 'error',
    'spec/no-undeclared-dependency': 'error',
    'spec/require-controller-implements': 'error',
  };

  it('turns on the same rules in recommended and strict, flat and legacy', () => {
    const configs = plugin.configs as Record<
      string,
      { name?: string; rules: Record<string, string>; plugins: unknown }
    >;
    expect(configs.recommended).toMatchObject({
      name: 'spec/recommended',
      rules: RECOMMENDED,
      plugins: { spec: plugin },
    });
    expect(configs.strict).toMatchObject({ name: 'spec/strict', rules: RECOMMENDED, plugins: { spec: plugin } });
    expect(configs['legacy-recommended']).toMatchObject({ rules: RECOMMENDED, plugins: ['spec'] });
    expect(configs['legacy-strict']).toMatchObject({ rules: RECOMMENDED, plugins: ['spec'] });
    for (const name of ['recommended', 'strict', 'legacy-recommended', 'legacy-strict'])
      expect(Object.keys(configs[name]!.rules), name).toEqual(Object.keys(RECOMMENDED));
  });
});
