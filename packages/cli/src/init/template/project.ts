/**
 * The tooling of a new project: package.json and its scripts, TypeScript, ESLint with
 * eslint-plugin-spec, Vitest, husky and lint-staged, and what git should ignore. `generated/` is
 * committed: the generator is deterministic, reviews see what a spec change does to the code, and
 * `specfirst sync --check` (in `check` and before each commit) fails when it is stale or edited.
 */
import { GENERATED_IMPORT_KEY } from '@specfirst/codegen/names';
import { PROJECT_VENDOR_FOLDER, type Dependencies, type PackageManager } from '../dependencies.js';
import type { InitFile } from '../files.js';
import { LAYOUT, schemaPath, SPEC_SCHEMAS } from './spec.js';

export interface ProjectContext {
  name: string;
  description: string;
  service: string;
  manager: PackageManager;
  dependencies: Dependencies;
}

/** How the project's own files run a package binary with this package manager. */
export function execCommand(manager: PackageManager): string {
  return manager === 'pnpm' ? 'pnpm exec' : 'npx';
}

/** How to run one of the project's scripts: `pnpm test`, `npm run lint`. */
export function runScript(manager: PackageManager, script: string): string {
  return manager === 'pnpm' || script === 'test' || script === 'start'
    ? `${manager} ${script}`
    : `${manager} run ${script}`;
}

/**
 * `#generated/…` imports of generated code, instead of `../../../../generated/…`. Under tsx and
 * Vitest (the `development` condition: `dev` passes it to tsx, Vitest sets it) they are the
 * sources in generated/; under plain node, the compiled ones in dist/, so `start` runs the built
 * service. tsc resolves the dist/ target back to the sources (outDir → rootDir), so it
 * type-checks without a build.
 */
export const GENERATED_IMPORTS = {
  [GENERATED_IMPORT_KEY]: { development: `./${LAYOUT.output}/*`, default: `./dist/${LAYOUT.output}/*` },
} as const;

/**
 * Type-checks the project, incrementally: what tsc learnt last time is kept under node_modules/.cache,
 * so the pre-commit hook, which runs it on every commit of code, spec or generated files, is fast.
 */
const TYPECHECK = 'tsc --noEmit --incremental --tsBuildInfoFile node_modules/.cache/tsc/tsconfig.tsbuildinfo';

export function packageJsonFile(c: ProjectContext): InitFile {
  const main = `${LAYOUT.services}/${c.service}/src/main`;
  const { overrides } = c.dependencies;
  const pkg = {
    name: c.name,
    version: '0.1.0',
    private: true,
    description: c.description,
    type: 'module',
    engines: { node: '>=20.19' },
    imports: GENERATED_IMPORTS,
    scripts: {
      sync: 'specfirst sync',
      check: 'specfirst check && specfirst sync --check',
      lint: 'eslint .',
      typecheck: TYPECHECK,
      test: 'vitest run',
      // specfirst dev syncs on every spec change; tsx restarts the service when a file it imports
      // (generated/ included) changes. The screen is not cleared, so spec errors stay in sight.
      // `development`: `#generated/…` imports are the sources (GENERATED_IMPORTS).
      dev: `specfirst dev -- tsx watch --clear-screen=false --conditions=development ${main}.ts`,
      build: 'specfirst sync && tsc',
      start: `node dist/${main}.js`,
      prepare: 'husky',
    },
    dependencies: c.dependencies.dependencies,
    devDependencies: c.dependencies.devDependencies,
    // npm reads overrides here; pnpm from pnpm-workspace.yaml (pnpmWorkspaceFile).
    ...(c.manager === 'npm' && Object.keys(overrides).length > 0 ? { overrides } : {}),
    // npm's list of install scripts that may run, as pnpm's `allowBuilds`: see pnpmWorkspaceFile.
    ...(c.manager === 'npm' ? { allowScripts: { esbuild: false, 'msgpackr-extract': false } } : {}),
  };
  return { path: 'package.json', contents: `${JSON.stringify(pkg, null, 2)}\n` };
}

/**
 * Strict, with the options of the SpecFirst repository's own tsconfig.base.json (a test compares
 * them) but for declarations, which an application does not publish; `allowJs` for the generated
 * validators.
 */
export function tsconfigFile(): InitFile {
  const config = {
    compilerOptions: {
      target: 'ES2023',
      lib: ['ES2023'],
      module: 'NodeNext',
      moduleResolution: 'NodeNext',
      types: ['node'],
      strict: true,
      noUncheckedIndexedAccess: true,
      exactOptionalPropertyTypes: true,
      noImplicitOverride: true,
      noImplicitReturns: true,
      noFallthroughCasesInSwitch: true,
      noUnusedLocals: true,
      noUnusedParameters: true,
      useUnknownInCatchVariables: true,
      verbatimModuleSyntax: true,
      isolatedModules: true,
      forceConsistentCasingInFileNames: true,
      resolveJsonModule: true,
      skipLibCheck: true,
      // generated/validators/<service>.js is JavaScript (ajv's standalone code): without allowJs,
      // tsc leaves it out of dist/ and the built service fails at start-up.
      allowJs: true,
      sourceMap: true,
      rootDir: '.',
      outDir: 'dist',
    },
    include: [LAYOUT.output, LAYOUT.services, 'vitest.config.ts'],
  };
  return { path: 'tsconfig.json', contents: `${JSON.stringify(config, null, 2)}\n` };
}

export function eslintConfigFile(): InitFile {
  return {
    path: 'eslint.config.mjs',
    contents: `// ESLint: the recommended JavaScript and typescript-eslint rules on hand-written code, and
// eslint-plugin-spec's rules, which keep services/ on the spec (see AGENTS.md).
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import spec, { sourceGlob } from 'eslint-plugin-spec';
import tseslint from 'typescript-eslint';

export default defineConfig(
  globalIgnores(['dist/', 'coverage/']),
  // Said outright: typescript-eslint cannot guess it when one ESLint (an editor's) serves several projects.
  { languageOptions: { parserOptions: { tsconfigRootDir: import.meta.dirname } } },
  {
    // Every JavaScript and TypeScript file (.ts, .mts, .cts, .tsx, .js, .mjs, .cjs, .jsx).
    files: [sourceGlob()],
    ignores: ['${LAYOUT.output}/**'],
    extends: [js.configs.recommended, tseslint.configs.recommended],
  },
  {
    // No ad-hoc validation schemas, no hand-made routes, controllers that implement the
    // generated interfaces, no second definition of a spec model, and ${LAYOUT.output}/ as sync wrote
    // it. On every source file: the rules know ${LAYOUT.services}/ and ${LAYOUT.output}/ from the spec.
    // The config carries a digest of the spec and of ${LAYOUT.output}/manifest.json, so \`eslint --cache\`
    // forgets its results when either changes.
    extends: [spec.configs.recommended],
  },
  {
    // ${LAYOUT.output}/ belongs to \`specfirst sync\`: only \`spec/generated-in-sync\` reports there.
    files: ['${LAYOUT.output}/**'],
    languageOptions: { parser: tseslint.parser },
    linterOptions: { reportUnusedDisableDirectives: 'off' },
  },
  // spec-core's diagnostics on the spec files, at their line and column. Last, so its parser wins.
  spec.configs['spec-files'],
);
`,
  };
}

export function lintStagedConfigFile(): InitFile {
  return {
    path: 'lint-staged.config.mjs',
    contents: `// Runs on \`git commit\` (.husky/pre-commit). Each entry gets the staged files that match it.
import { sourceGlob } from 'eslint-plugin-spec';

const eslint = 'eslint --max-warnings=0 --no-warn-ignored';

export default {
  // Every JavaScript and TypeScript file (.ts, .mts, .cts, .tsx, .js, .mjs, .cjs, .jsx).
  [sourceGlob()]: eslint,
  // A spec change must be valid and come with what \`specfirst sync\` makes of it (${LAYOUT.output}/ only
  // changes through sync), and must not break the services: their spec rules read the whole spec, so
  // all of ${LAYOUT.services}/ is linted again. These commands take no file names.
  '{specfirst.yaml,${LAYOUT.spec}/**/*.{yaml,yml},${LAYOUT.output}/**}': () => [
    'specfirst check',
    'specfirst sync --check',
    \`\${eslint} ${LAYOUT.services}\`,
  ],
  // A type error is not a lint error: the whole project is type-checked (incrementally) whenever code,
  // the spec or generated code is staged.
  [\`{specfirst.yaml,tsconfig.json,${LAYOUT.spec}/**,${LAYOUT.output}/**,\${sourceGlob()}}\`]: () =>
    '${TYPECHECK}',
};
`,
  };
}

/**
 * The hook runs lint-staged's tasks one after another (`--concurrent false`): lint, then the type
 * check. Run side by side, the first to fail stops the other, so a type error could hide the lint
 * report of the same commit; in series the lint report comes first and the type check only runs
 * once lint passes.
 */
export function huskyFile(manager: PackageManager): InitFile {
  return {
    path: '.husky/pre-commit',
    contents: `${execCommand(manager)} lint-staged --concurrent false\n`,
    mode: 0o755,
  };
}

export function vitestConfigFile(): InitFile {
  return {
    path: 'vitest.config.ts',
    contents: `import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Only the sources' tests: not the compiled copies \`build\` writes to dist/.
    include: ['${LAYOUT.services}/**/*.test.ts'],
  },
});
`,
  };
}

export function gitFiles(): InitFile[] {
  return [
    {
      path: '.gitignore',
      // generated/ is not here on purpose: it is committed (see the top of this file).
      contents: 'node_modules/\ndist/\ncoverage/\n*.tsbuildinfo\n.eslintcache\n*.log\n.env\n.env.*\n',
    },
    {
      path: '.gitattributes',
      // A line-ending conversion changes generated files' bytes, so they would count as edited by hand.
      contents: `${LAYOUT.output}/** -text\n`,
    },
  ];
}

/**
 * pnpm's settings for the project; it is also what makes the folder its own workspace root. The
 * overrides (vendored packages) are `file:` paths made by init from tarball names it checked, so
 * they are plain YAML scalars; they are quoted anyway.
 */
export function pnpmWorkspaceFile(overrides: Readonly<Record<string, string>>): InitFile {
  const entries = Object.entries(overrides).map(
    ([name, specifier]) => `  ${JSON.stringify(name)}: ${JSON.stringify(specifier)}`,
  );
  const resolved =
    entries.length > 0
      ? `# SpecFirst's packages come from the tarballs in ${PROJECT_VENDOR_FOLDER}/, wherever one of them needs another.\noverrides:\n${entries.join('\n')}\n`
      : '';
  return {
    path: 'pnpm-workspace.yaml',
    contents: `# List a dependency's install script here only after reading what it runs.
allowBuilds:
  # tsx's esbuild: its postinstall only re-checks the platform binary that its optional
  # dependency (@esbuild/linux-x64 and so on) already installed from the registry.
  esbuild: false
  # BullMQ's msgpackr (through @specfirst/runtime): its optional native extension would build from
  # source; msgpackr runs the same in plain JavaScript without it.
  msgpackr-extract: false
${resolved}`,
  };
}

/**
 * VS Code: ESLint also validates the spec's YAML (eslint-plugin-spec's \`spec-files\` config puts
 * spec-core's diagnostics on the line they are about), the YAML extension completes and checks each
 * spec file against its JSON Schema, and both extensions are recommended when the folder is opened.
 */
export function editorFiles(): InitFile[] {
  const settings = {
    'eslint.validate': ['javascript', 'typescript', 'yaml'],
    'yaml.schemas': Object.fromEntries(
      Object.entries(SPEC_SCHEMAS).map(([schema, files]) => [
        `./${schemaPath(schema as keyof typeof SPEC_SCHEMAS)}`,
        files,
      ]),
    ),
    // generated/ belongs to `specfirst sync`: read-only in the editor, as it is for lint and commits.
    'files.readonlyInclude': { [`${LAYOUT.output}/**`]: true },
  };
  const extensions = { recommendations: ['dbaeumer.vscode-eslint', 'redhat.vscode-yaml'] };
  return [
    { path: '.vscode/settings.json', contents: `${JSON.stringify(settings, null, 2)}\n` },
    { path: '.vscode/extensions.json', contents: `${JSON.stringify(extensions, null, 2)}\n` },
  ];
}
