/**
 * The tooling of a new project: package.json and its scripts, TypeScript, ESLint with
 * eslint-plugin-spec, Vitest, husky and lint-staged, and what git should ignore. `generated/` is
 * committed: the generator is deterministic, reviews see what a spec change does to the code, and
 * `specfirst sync --check` (in `check` and before each commit) fails when it is stale or edited.
 */
import type { Dependencies, PackageManager } from '../dependencies.js';
import type { InitFile } from '../files.js';
import { LAYOUT } from './spec.js';

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
  return manager === 'pnpm' || script === 'test' || script === 'start' ? `${manager} ${script}` : `${manager} run ${script}`;
}

export function packageJsonFile(c: ProjectContext): InitFile {
  const main = `${LAYOUT.services}/${c.service}/src/main`;
  const pkg = {
    name: c.name,
    version: '0.1.0',
    private: true,
    description: c.description,
    type: 'module',
    engines: { node: '>=20.19' },
    scripts: {
      sync: 'specfirst sync',
      check: 'specfirst check && specfirst sync --check',
      lint: 'eslint .',
      typecheck: 'tsc --noEmit',
      test: 'vitest run',
      dev: `specfirst sync && tsx watch ${main}.ts`,
      build: 'specfirst sync && tsc',
      start: `node dist/${main}.js`,
      prepare: 'husky',
    },
    dependencies: c.dependencies.dependencies,
    devDependencies: c.dependencies.devDependencies,
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
import spec from 'eslint-plugin-spec';
import tseslint from 'typescript-eslint';

export default defineConfig(
  globalIgnores(['dist/', 'coverage/']),
  {
    files: ['**/*.{ts,mts,cts,js,mjs,cjs}'],
    ignores: ['${LAYOUT.output}/**'],
    extends: [js.configs.recommended, tseslint.configs.recommended],
  },
  {
    // No ad-hoc validation schemas, no hand-made routes, controllers that implement the
    // generated interfaces, no second definition of a spec model.
    files: ['${LAYOUT.services}/**/*.ts'],
    extends: [spec.configs.recommended],
  },
  {
    // ${LAYOUT.output}/ belongs to \`specfirst sync\`: the one rule there says whether it is still what sync wrote.
    files: ['${LAYOUT.output}/**/*.{ts,js}'],
    languageOptions: { parser: tseslint.parser },
    linterOptions: { reportUnusedDisableDirectives: 'off' },
    plugins: { spec },
    rules: { 'spec/generated-in-sync': 'error' },
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
export default {
  '*.{ts,mts,cts,js,mjs,cjs}': 'eslint --max-warnings=0 --no-warn-ignored',
  // A spec change must be valid and come with what \`specfirst sync\` makes of it; ${LAYOUT.output}/ only
  // changes through sync. Both commands read the whole project, so they take no file names.
  '{specfirst.yaml,${LAYOUT.spec}/**/*.{yaml,yml},${LAYOUT.output}/**}': () => ['specfirst check', 'specfirst sync --check'],
};
`,
  };
}

export function huskyFile(manager: PackageManager): InitFile {
  return { path: '.husky/pre-commit', contents: `${execCommand(manager)} lint-staged\n`, mode: 0o755 };
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

/** pnpm's settings for the project; it is also what makes the folder its own workspace root. */
export function pnpmWorkspaceFile(): InitFile {
  return {
    path: 'pnpm-workspace.yaml',
    contents: `# List a dependency's install script here only after reading what it runs.
allowBuilds:
  # tsx's esbuild: its postinstall only re-checks the platform binary that its optional
  # dependency (@esbuild/linux-x64 and so on) already installed from the registry.
  esbuild: false
`,
  };
}
