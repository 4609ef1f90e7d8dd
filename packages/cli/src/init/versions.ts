/**
 * What a project made by `specfirst init` depends on, in one table. The tools are pinned to the
 * exact versions this repository builds, lints and tests itself with (test/init-versions.test.ts
 * compares them with the root package.json, examples/conduit and pnpm-lock.yaml), so a new project
 * runs on a combination that is known to work, and installs from the same store.
 */

/** Third-party tools, all development dependencies. Exact versions: no ranges, so installs repeat. */
export const TOOL_VERSIONS = {
  '@eslint/js': '10.0.1',
  '@types/node': '20.19.43',
  eslint: '10.15.0',
  husky: '9.1.7',
  'lint-staged': '16.3.4',
  tsx: '4.23.15',
  typescript: '6.0.3',
  'typescript-eslint': '8.73.0',
  vitest: '4.1.12',
} as const;

export type ToolName = keyof typeof TOOL_VERSIONS;

/**
 * SpecFirst's own packages, by name: the folder under `packages/` of a checkout, and whether the
 * project needs it at run time. They are released together with the CLI, under its version.
 * `@specfirst/spec-core` is there for the JSON Schemas that editors read (docs/spec-format.md,
 * "Editor setup"): with pnpm only direct dependencies appear in node_modules.
 */
export const SPECFIRST_PACKAGES = {
  '@specfirst/runtime': { folder: 'runtime', runtime: true },
  '@specfirst/cli': { folder: 'cli', runtime: false },
  '@specfirst/spec-core': { folder: 'spec-core', runtime: false },
  'eslint-plugin-spec': { folder: 'eslint-plugin-spec', runtime: false },
} as const;

export type SpecFirstPackage = keyof typeof SPECFIRST_PACKAGES;
