/**
 * `specfirst init` pins a new project's tools to the versions this repository uses itself, from
 * one table (src/init/versions.ts). These tests keep the table and the repository from drifting
 * apart, and check how SpecFirst's own packages are named inside and outside a checkout.
 */
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import {
  CLI_DIR,
  findCheckout,
  findPackageSource,
  PackageSourceError,
  projectDependencies,
  readVendored,
  specFirstVersion,
} from '../src/init/dependencies.js';
import { SPECFIRST_PACKAGES, TOOL_VERSIONS } from '../src/init/versions.js';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));

interface Manifest {
  name: string;
  version?: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

const readManifest = (folder: string): Manifest =>
  JSON.parse(readFileSync(path.join(REPO, folder, 'package.json'), 'utf8')) as Manifest;

/** Every package.json of the workspace: the root, packages/*, examples/*, bench. */
function workspaceManifests(): { folder: string; manifest: Manifest }[] {
  const folders = ['.', 'bench'];
  for (const parent of ['packages', 'examples']) {
    for (const entry of readdirSync(path.join(REPO, parent), { withFileTypes: true })) {
      if (entry.isDirectory()) folders.push(`${parent}/${entry.name}`);
    }
  }
  return folders.flatMap((folder) => {
    try {
      return [{ folder, manifest: readManifest(folder) }];
    } catch {
      return [];
    }
  });
}

const temp = mkdtempSync(path.join(tmpdir(), 'specfirst-init-versions-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

describe('the version table of specfirst init', () => {
  const manifests = workspaceManifests();

  it.each(Object.entries(TOOL_VERSIONS))('pins %s to %s, the version the repository itself uses', (name, version) => {
    const declared = manifests.flatMap(({ folder, manifest }) => {
      const specifier = manifest.devDependencies?.[name] ?? manifest.dependencies?.[name];
      return specifier === undefined ? [] : [{ folder, specifier }];
    });
    // The root or the example project uses each tool; every package that declares it agrees.
    expect(declared.map((d) => d.folder).some((folder) => folder === '.' || folder === 'examples/conduit')).toBe(true);
    expect(declared).toEqual(declared.map(({ folder }) => ({ folder, specifier: version })));
  });

  it('pins only versions the repository lockfile holds, so a new project installs from the same store', () => {
    const lockfile = readFileSync(path.join(REPO, 'pnpm-lock.yaml'), 'utf8');
    for (const [name, version] of Object.entries(TOOL_VERSIONS)) {
      const key = name.startsWith('@') ? `'${name}@${version}'` : `${name}@${version}`;
      expect(lockfile, `${name}@${version} in pnpm-lock.yaml`).toContain(`\n  ${key}:\n`);
    }
  });

  it.each([
    ['no package.json', (_file: string) => undefined],
    ['a package.json that is no JSON', (file: string) => writeFileSync(file, '{')],
    ['no version', (file: string) => writeFileSync(file, JSON.stringify({ name: '@specfirst/cli' }))],
    [
      'a version that is no string',
      (file: string) => writeFileSync(file, JSON.stringify({ name: '@specfirst/cli', version: 1 })),
    ],
  ])(
    'says where it looked when the CLI has %s, rather than naming packages by a version it does not know',
    (_what, write) => {
      const cli = path.join(temp, `unversioned-${Math.random().toString(36).slice(2)}`);
      mkdirSync(cli, { recursive: true });
      write(path.join(cli, 'package.json'));
      expect(() => specFirstVersion(cli)).toThrow(`cannot read the version of @specfirst/cli from ${cli}`);
    },
  );

  it("releases the SpecFirst packages together: each has the CLI's version", () => {
    const version = specFirstVersion();
    for (const [name, { folder }] of Object.entries(SPECFIRST_PACKAGES)) {
      const manifest = readManifest(`packages/${folder}`);
      expect(manifest.name).toBe(name);
      expect(manifest.version, name).toBe(version);
    }
  });
});

describe('the dependencies of a new project', () => {
  it('recognises the checkout the CLI runs from', () => {
    expect(path.resolve(CLI_DIR)).toBe(path.join(REPO, 'packages', 'cli'));
    expect(findCheckout()).toBe(path.resolve(REPO));
  });

  it('does not take an installed CLI, or a look-alike folder, for a checkout', () => {
    const installed = path.join(temp, 'node_modules', '@specfirst', 'cli');
    mkdirSync(installed, { recursive: true });
    expect(findCheckout(installed)).toBeUndefined();

    // packages/cli with its package.json, but no pnpm-workspace.yaml and no sibling packages.
    const lookalike = path.join(temp, 'other', 'packages', 'cli');
    mkdirSync(lookalike, { recursive: true });
    writeFileSync(path.join(lookalike, 'package.json'), JSON.stringify({ name: '@specfirst/cli', version: '9.9.9' }));
    expect(findCheckout(lookalike)).toBeUndefined();
    writeFileSync(path.join(temp, 'other', 'pnpm-workspace.yaml'), 'packages: []\n');
    expect(findCheckout(lookalike)).toBeUndefined();
  });

  /** A folder laid out as a checkout (pnpm-workspace.yaml, each SpecFirst package in its folder under packages/ with its name), and a tools/cli beside. */
  function lookalike(name: string): string {
    const root = path.join(temp, name);
    mkdirSync(path.join(root, 'tools', 'cli'), { recursive: true });
    writeFileSync(path.join(root, 'pnpm-workspace.yaml'), 'packages: [packages/*]\n');
    for (const [pkg, { folder }] of Object.entries(SPECFIRST_PACKAGES)) {
      mkdirSync(path.join(root, 'packages', folder), { recursive: true });
      writeFileSync(
        path.join(root, 'packages', folder, 'package.json'),
        JSON.stringify({ name: pkg, version: '0.1.0' }),
      );
    }
    return root;
  }

  it.each([
    [
      'a checkout: the CLI in packages/cli, the workspace file, every package',
      (root: string) => path.join(root, 'packages/cli'),
      true,
    ],
    [
      'no pnpm-workspace.yaml',
      (root: string) => {
        rmSync(path.join(root, 'pnpm-workspace.yaml'));
        return path.join(root, 'packages/cli');
      },
      false,
    ],
    [
      'a package under another name',
      (root: string) => {
        writeFileSync(path.join(root, 'packages/codegen/package.json'), JSON.stringify({ name: 'codegen' }));
        return path.join(root, 'packages/cli');
      },
      false,
    ],
    ['the CLI in a folder not named cli', (root: string) => path.join(root, 'packages/runtime'), false],
    ['the CLI in a cli folder outside packages/', (root: string) => path.join(root, 'tools/cli'), false],
  ] as const)('takes a folder for a checkout only with every mark of one: %s', (_what, cliIn, isCheckout) => {
    const root = lookalike(`lookalike-${Math.random().toString(36).slice(2)}`);
    expect(findCheckout(cliIn(root))).toBe(isCheckout ? root : undefined);
  });

  it('links SpecFirst packages to the checkout by relative paths (link: for pnpm, file: for npm) and pins the tools exactly', () => {
    const project = path.join(temp, 'projects', 'my-api');
    mkdirSync(project, { recursive: true });
    const toRepo = path.relative(project, REPO).split(path.sep).join('/');
    const pnpm = projectDependencies('pnpm', { kind: 'checkout', root: REPO }, project);
    expect(pnpm.dependencies).toEqual({ '@specfirst/runtime': `link:${toRepo}/packages/runtime` });
    expect(pnpm.devDependencies).toMatchObject({
      ...TOOL_VERSIONS,
      'eslint-plugin-spec': `link:${toRepo}/packages/eslint-plugin-spec`,
    });
    expect(pnpm.overrides).toEqual({});
    expect(pnpm.copies).toEqual([]);
    const npm = projectDependencies('npm', { kind: 'checkout', root: REPO }, project);
    expect(npm.devDependencies['@specfirst/cli']).toBe(`file:${toRepo}/packages/cli`);
    // Relative, and right: resolved from the project, each names the package's folder.
    for (const specifier of [...Object.values(pnpm.dependencies), ...Object.values(pnpm.devDependencies)].filter((s) =>
      s.startsWith('link:'),
    )) {
      const folder = path.resolve(project, specifier.slice('link:'.length));
      expect(specifier).not.toMatch(/^link:\//);
      expect(JSON.parse(readFileSync(path.join(folder, 'package.json'), 'utf8'))).toHaveProperty('name');
    }
    for (const specifier of Object.values(TOOL_VERSIONS)) expect(specifier).toMatch(/^\d+\.\d+\.\d+$/);
    // The indirect package (codegen) is no dependency of the project: the linked folders bring it.
    expect({ ...pnpm.dependencies, ...pnpm.devDependencies }).not.toHaveProperty('@specfirst/codegen');
  });

  it('links from where the project really is when its folder is reached through a symbolic link', () => {
    const real = path.join(temp, 'real-home');
    mkdirSync(path.join(real, 'deep', 'er'), { recursive: true });
    const link = path.join(temp, 'linked-home');
    symlinkSync(path.join(real, 'deep', 'er'), link);
    const project = path.join(link, 'my-api');
    mkdirSync(project);
    const specifier = projectDependencies('pnpm', { kind: 'checkout', root: REPO }, project).dependencies[
      '@specfirst/runtime'
    ]!;
    // A package manager resolves the path from the real folder (realpath of the project).
    const folder = path.resolve(realpathSync(project), specifier.slice('link:'.length));
    expect(realpathSync(folder)).toBe(realpathSync(path.join(REPO, 'packages/runtime')));
  });

  it('once published, names the released version of every SpecFirst package', () => {
    const { dependencies, devDependencies, overrides, copies } = projectDependencies(
      'pnpm',
      { kind: 'registry', version: '1.2.3' },
      temp,
    );
    expect(dependencies).toEqual({ '@specfirst/runtime': '1.2.3' });
    expect(devDependencies).toMatchObject({
      '@specfirst/cli': '1.2.3',
      '@specfirst/spec-core': '1.2.3',
      'eslint-plugin-spec': '1.2.3',
    });
    expect(Object.keys(devDependencies)).toEqual([...Object.keys(devDependencies)].sort());
    expect([overrides, copies]).toEqual([{}, []]);
  });

  it('with vendored tarballs, copies every one into the project and names them by file: paths inside it, with overrides for each', () => {
    const vendored = fakeVendor('vendored-cli');
    const deps = projectDependencies(
      'npm',
      { kind: 'vendored', ...readVendored(vendored.cli)! },
      path.join(temp, 'anywhere'),
    );
    expect(deps.dependencies).toEqual({ '@specfirst/runtime': 'file:vendor/specfirst/specfirst-runtime-0.1.0.tgz' });
    expect(deps.devDependencies['@specfirst/cli']).toBe('file:vendor/specfirst/specfirst-cli-0.1.0.tgz');
    // codegen is needed by the CLI and the plugin: no dependency of the project, but resolved to its tarball.
    expect(deps.overrides).toEqual(
      Object.fromEntries(
        Object.keys(SPECFIRST_PACKAGES)
          .sort()
          .map((name) => [name, `file:vendor/specfirst/${vendored.files[name]}`]),
      ),
    );
    expect(deps.copies.map((c) => [c.from, c.to]).sort()).toEqual(
      Object.values(vendored.files)
        .map((file) => [path.join(vendored.cli, 'vendor', file), `vendor/specfirst/${file}`])
        .sort(),
    );
  });
});

/** A CLI folder whose vendor/ lists a tarball (not a real one) for every SpecFirst package. */
function fakeVendor(
  name: string,
  edit: (list: Record<string, unknown>) => void = () => undefined,
): { cli: string; files: Record<string, string> } {
  const cli = path.join(temp, name);
  mkdirSync(path.join(cli, 'vendor'), { recursive: true });
  writeFileSync(path.join(cli, 'package.json'), JSON.stringify({ name: '@specfirst/cli', version: '0.1.0' }));
  const files: Record<string, string> = {};
  const list: Record<string, unknown> = {};
  for (const pkg of Object.keys(SPECFIRST_PACKAGES)) {
    files[pkg] = `${pkg.replace(/^@/, '').replace('/', '-')}-0.1.0.tgz`;
    writeFileSync(path.join(cli, 'vendor', files[pkg]), pkg);
    list[pkg] = { file: files[pkg], version: '0.1.0', integrity: 'sha512-AAAA' };
  }
  edit(list);
  writeFileSync(path.join(cli, 'vendor', 'packages.json'), JSON.stringify(list));
  return { cli, files };
}

describe('where a new project gets SpecFirst from', () => {
  it.each([
    ['a checkout', () => path.join(REPO, 'packages/cli'), false, 'checkout'],
    [
      'a checkout, even once published (a developer wants their edits)',
      () => path.join(REPO, 'packages/cli'),
      true,
      'checkout',
    ],
    ['an installed CLI with vendored tarballs', () => fakeVendor('installed-a').cli, false, 'vendored'],
    ['an installed CLI once the packages are published', () => fakeVendor('installed-b').cli, true, 'registry'],
  ] as const)('from %s', (_what, cli, published, kind) => {
    expect(findPackageSource(cli(), published).kind).toBe(kind);
  });

  it.each([
    [
      "no vendor/ at all (a project's own specfirst)",
      (cli: string) => rmSync(path.join(cli, 'vendor'), { recursive: true }),
      /carries no SpecFirst packages for a new project/,
    ],
    [
      'an entry missing',
      (cli: string) => rewriteList(cli, (list) => delete list['@specfirst/codegen']),
      /damaged: it has no valid entry for @specfirst\/codegen/,
    ],
    [
      'a file name with a path in it',
      (cli: string) =>
        rewriteList(cli, (list) => ((list['@specfirst/runtime'] as { file: string }).file = '../../../etc/passwd.tgz')),
      /no valid entry for @specfirst\/runtime/,
    ],
    [
      'a listed tarball missing',
      (cli: string) => rmSync(path.join(cli, 'vendor', 'specfirst-cli-0.1.0.tgz')),
      /specfirst-cli-0\.1\.0\.tgz, listed for @specfirst\/cli, is missing/,
    ],
    [
      'a list that is no JSON',
      (cli: string) => writeFileSync(path.join(cli, 'vendor', 'packages.json'), '{'),
      /damaged: it is not a JSON object/,
    ],
    [
      'a list that is null',
      (cli: string) => writeFileSync(path.join(cli, 'vendor', 'packages.json'), 'null'),
      /damaged: it is not a JSON object/,
    ],
    [
      'an entry without its integrity',
      (cli: string) => rewriteList(cli, (list) => delete (list['@specfirst/cli'] as { integrity?: string }).integrity),
      /no valid entry for @specfirst\/cli/,
    ],
    [
      'an entry without its version',
      (cli: string) => rewriteList(cli, (list) => delete (list['eslint-plugin-spec'] as { version?: string }).version),
      /no valid entry for eslint-plugin-spec/,
    ],
    [
      'a file name that is no string',
      (cli: string) =>
        rewriteList(
          cli,
          (list) => ((list['@specfirst/runtime'] as { file: unknown }).file = ['specfirst-runtime-0.1.0.tgz']),
        ),
      /no valid entry for @specfirst\/runtime/,
    ],
    [
      'a file name that goes on after .tgz',
      (cli: string) =>
        rewriteList(
          cli,
          (list) =>
            ((list['@specfirst/runtime'] as { file: string }).file =
              'specfirst-runtime-0.1.0.tgz/../../../../etc/passwd'),
        ),
      /no valid entry for @specfirst\/runtime/,
    ],
  ])('refuses %s, with a hint', (_what, damage, message) => {
    const { cli } = fakeVendor(`damaged-${Math.random().toString(36).slice(2)}`);
    damage(cli);
    let error: unknown;
    try {
      findPackageSource(cli, false);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(PackageSourceError);
    expect((error as PackageSourceError).message).toMatch(message);
    expect((error as PackageSourceError).hint).not.toBe('');
  });
});

function rewriteList(cli: string, edit: (list: Record<string, unknown>) => void): void {
  const file = path.join(cli, 'vendor', 'packages.json');
  const list = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  edit(list);
  writeFileSync(file, JSON.stringify(list));
}
