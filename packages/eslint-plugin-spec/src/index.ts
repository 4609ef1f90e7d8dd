/**
 * eslint-plugin-spec: keeps `services/` on the spec. The rules arrive with issue #4; the plugin
 * object and its `meta` (used by `eslint --cache`) are fixed now so configs can reference it.
 */
import { readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { name: string; version: string };

const plugin = {
  meta: { name: pkg.name, version: pkg.version, namespace: 'spec' },
  rules: {},
  configs: {},
};

export default plugin;
