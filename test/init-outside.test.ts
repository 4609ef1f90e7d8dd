/**
 * `specfirst init` as someone without a SpecFirst checkout meets it: every published package packed
 * with pnpm (what `pnpm -r pack` makes), the CLI installed from its tarball with npm into a folder
 * outside the repository, and `specfirst init` run there with pnpm and with npm. Each new project
 * must install, check, lint, type-check, test and commit through its hook, and a clone of it, with
 * nothing beside it, must install and pass its tests too: the project carries all it needs.
 *
 * The installs reach the registry only for third-party packages the machine's caches lack; the
 * SpecFirst packages come from the tarballs, never from the registry, where they are not.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runFresh, type Ran } from '../packages/cli/test/support/fresh-env.js';
import { ROOT, type PackedPackage } from '../scripts/lib/packages.mjs';

/** Runs a program to its end in a fresh shell's environment; `output` has stdout and stderr in order. */
const exec = (program: string, args: readonly string[], cwd: string): Promise<Ran> => runFresh(program, args, cwd);

async function mustPass(program: string, args: readonly string[], cwd: string): Promise<string> {
  const result = await exec(program, args, cwd);
  expect(result.code, `\`${[program, ...args].join(' ')}\` in ${cwd} failed:\n${result.output}`).toBe(0);
  return result.output;
}

/** The packages `name` needs among the packed ones, itself included: its dependencies on SpecFirst packages, followed. */
function closure(name: string, packed: readonly PackedPackage[]): PackedPackage[] {
  const byName = new Map(packed.map((p) => [p.name, p]));
  const seen = new Map<string, PackedPackage>();
  const visit = (current: string) => {
    const pkg = byName.get(current);
    if (pkg === undefined || seen.has(current)) return;
    seen.set(current, pkg);
    for (const dependency of Object.keys((pkg.manifest.dependencies as Record<string, string> | undefined) ?? {}))
      visit(dependency);
  };
  visit(name);
  return [...seen.values()];
}

// A folder of the system's, far from the repository, with nothing SpecFirst beside it.
const outside = mkdtempSync(path.join(tmpdir(), 'specfirst-outside-'));
afterAll(() => rmSync(outside, { recursive: true, force: true }));

let specfirst: string;
let cliDir: string;

beforeAll(async () => {
  expect(path.relative(ROOT, outside).startsWith('..')).toBe(true);
  // Every published package, packed once for the run by global-setup.ts.
  const packed = inject('packed');
  // The CLI's tarball, and those of the packages it cannot run without (they are not on the registry).
  const tools = path.join(outside, 'tools');
  mkdirSync(tools);
  writeFileSync(path.join(tools, 'package.json'), '{ "name": "tools", "private": true }\n');
  const tarballs = closure('@specfirst/cli', packed).map((p) => p.tarball);
  await mustPass('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', ...tarballs], tools);
  cliDir = path.join(tools, 'node_modules/@specfirst/cli');
  specfirst = path.join(tools, 'node_modules/.bin/specfirst');
  expect(existsSync(specfirst)).toBe(true);
});

describe('the installed CLI', () => {
  it('carries packed copies of every package a project needs, as its list says', () => {
    const list = JSON.parse(readFileSync(path.join(cliDir, 'vendor/packages.json'), 'utf8')) as Record<
      string,
      { file: string; integrity: string }
    >;
    expect(Object.keys(list).sort()).toEqual([
      '@specfirst/cli',
      '@specfirst/codegen',
      '@specfirst/runtime',
      '@specfirst/spec-core',
      'eslint-plugin-spec',
    ]);
    for (const { file, integrity } of Object.values(list)) {
      expect(
        `sha512-${createHash('sha512')
          .update(readFileSync(path.join(cliDir, 'vendor', file)))
          .digest('base64')}`,
        file,
      ).toBe(integrity);
    }
  });
});

describe.each(['pnpm', 'npm'] as const)('specfirst init, installed outside a checkout, with %s', (manager) => {
  const project = path.join(outside, `my-api-${manager}`);
  const run = (script: string) =>
    (manager === 'pnpm' ? ['pnpm', ['run', script]] : ['npm', ['run', script]]) as [string, string[]];
  let init: Ran;

  beforeAll(async () => {
    init = await exec(specfirst, ['init', path.basename(project), '--package-manager', manager], outside);
  });

  it('installs, checks, commits and only then says it is done', () => {
    expect(init.code, init.output).toBe(0);
    expect(init.output).toContain('✓ first commit: Start the project with specfirst init');
    expect(init.output).toMatch(new RegExp(`✓ my-api-${manager}: the api service on port 3000`));
  });

  it('depends on the SpecFirst packages by file: paths inside the project, with no absolute path anywhere', async () => {
    const pkg = JSON.parse(readFileSync(path.join(project, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
      devDependencies: Record<string, string>;
    };
    const specfirstDeps = Object.entries({ ...pkg.dependencies, ...pkg.devDependencies }).filter(
      ([name]) => name.startsWith('@specfirst/') || name === 'eslint-plugin-spec',
    );
    expect(specfirstDeps.map(([name]) => name).sort()).toEqual([
      '@specfirst/cli',
      '@specfirst/runtime',
      '@specfirst/spec-core',
      'eslint-plugin-spec',
    ]);
    for (const [name, specifier] of specfirstDeps) {
      expect(specifier, name).toMatch(/^file:vendor\/specfirst\/[a-z0-9@._-]+\.tgz$/);
      expect(existsSync(path.join(project, specifier.slice('file:'.length))), specifier).toBe(true);
    }
    const tracked = (await mustPass('git', ['ls-files'], project))
      .split('\n')
      .filter((f) => f !== '' && !f.endsWith('.tgz'));
    for (const file of tracked) {
      const text = readFileSync(path.join(project, file), 'utf8');
      expect(
        text.includes(outside) || text.includes(ROOT.replace(/\/$/, '')),
        `${file} names a folder of this machine`,
      ).toBe(false);
    }
  });

  it.each(['check', 'lint', 'typecheck', 'test'])('passes its own `%s`', async (script) => {
    const [program, args] = run(script);
    await mustPass(program, args, project);
  });

  it('takes a clean commit through its pre-commit hook, and refuses an ad-hoc schema', async () => {
    writeFileSync(path.join(project, 'services/api/src/greeting.ts'), "export const greeting = 'hello';\n");
    await mustPass('git', ['add', '-A'], project);
    await mustPass('git', ['commit', '-m', 'A clean change'], project);
    writeFileSync(
      path.join(project, 'services/api/src/validation.ts'),
      "import { z } from 'zod';\n\nexport const NoteInput = z.object({ title: z.string() });\n",
    );
    await mustPass('git', ['add', '-A'], project);
    const refused = await exec('git', ['commit', '-m', 'An ad-hoc schema'], project);
    expect(refused.code).not.toBe(0);
    expect(refused.output).toContain('spec/no-adhoc-schema');
    await mustPass('git', ['reset', '--hard', '--quiet'], project);
  });

  it('is whole: a clone, with nothing beside it, installs and passes its tests', async () => {
    const clone = path.join(outside, `clone-of-${manager}`, 'my-api');
    await mustPass('git', ['clone', '--quiet', project, clone], outside);
    const install =
      manager === 'pnpm'
        ? ['install', '--frozen-lockfile', '--prefer-offline']
        : ['ci', '--prefer-offline', '--no-audit', '--no-fund'];
    await mustPass(manager, install, clone);
    const [program, args] = run('test');
    await mustPass(program, args, clone);
  });
});
