import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import plugin, { rules } from '../src/index.js';

describe('the plugin object', () => {
  it('exposes meta with the package name and version, which `eslint --cache` keys on', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { name: string; version: string };
    expect(plugin.meta).toEqual({ name: pkg.name, version: pkg.version, namespace: 'spec' });
  });

  it('documents every rule in docs/rules/<rule>.md, which meta.docs.url points at', () => {
    for (const [name, rule] of Object.entries(rules)) {
      expect(rule.meta.docs?.url, name).toMatch(new RegExp(`/packages/eslint-plugin-spec/docs/rules/${name}\\.md$`));
      expect(existsSync(new URL(`../docs/rules/${name}.md`, import.meta.url)), name).toBe(true);
    }
  });

  it('derives recommended and strict, flat and legacy, from the rules’ metadata', () => {
    const recommended = Object.entries(rules).filter(([, r]) => r.meta.docs?.recommended === true).map(([n]) => `spec/${n}`);
    const configs = plugin.configs as Record<string, { rules: Record<string, string>; plugins: unknown }>;
    expect(Object.keys(configs.recommended!.rules).sort()).toEqual(recommended.sort());
    expect(configs['legacy-recommended']!.rules).toEqual(configs.recommended!.rules);
    expect(configs['legacy-recommended']!.plugins).toEqual(['spec']);
    expect(configs.recommended!.plugins).toEqual({ spec: plugin });
    for (const name of recommended) expect(configs.strict!.rules[name]).toBe('error');
  });
});
