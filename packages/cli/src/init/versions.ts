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
 * SpecFirst's own packages, by name: the folder under `packages/` of a checkout, and where a new
 * project lists it: `dependencies` (needed at run time), `devDependencies`, or nowhere (`indirect`:
 * only the packages above depend on it, but outside a checkout its tarball must be there too).
 * They are released together with the CLI, under its version. `@specfirst/spec-core` is a direct
 * dependency for the JSON Schemas that editors read (docs/spec-format.md, "Editor setup"): with pnpm
 * only direct dependencies appear in node_modules.
 */
export const SPECFIRST_PACKAGES = {
  '@specfirst/runtime': { folder: 'runtime', role: 'dependency' },
  '@specfirst/cli': { folder: 'cli', role: 'devDependency' },
  '@specfirst/spec-core': { folder: 'spec-core', role: 'devDependency' },
  'eslint-plugin-spec': { folder: 'eslint-plugin-spec', role: 'devDependency' },
  '@specfirst/codegen': { folder: 'codegen', role: 'indirect' },
} as const;

export type SpecFirstPackage = keyof typeof SPECFIRST_PACKAGES;

/**
 * THE switch between the two ways a project made outside a checkout gets SpecFirst's packages.
 * `false` while they are not on the npm registry: the CLI's tarball carries packed copies of them
 * (scripts/vendor-packages.mjs), and init copies those into the project. `true` once they are
 * published: the project names plain versions, the CLI's own.
 */
export const PUBLISHED_ON_NPM = false;
