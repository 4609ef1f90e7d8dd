/**
 * `specfirst init` pins a new project's tools to the versions this repository uses itself, from
 * one table (src/init/versions.ts). These tests keep the table and the repository from drifting
 * apart, and check how SpecFirst's own packages are named inside and outside a checkout.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI_DIR, findCheckout, projectDependencies, specFirstVersion } from '../src/init/dependencies.js';
import { SPECFIRST_PACKAGES, TOOL_VERSIONS } from '../src/init/versions.js';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));

interface Manifest {
  name: string;
  version?: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

const readManifest = (folder: string): Manifest => JSON.parse(readFileSync(path.join(REPO, folder, 'package.json'), 'utf8')) as Manifest;

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

  it('releases the SpecFirst packages together: each has the CLI\'s version', () => {
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

  it('links SpecFirst packages to the checkout (link: for pnpm, file: for npm) and pins the tools exactly', () => {
    const pnpm = projectDependencies('pnpm', REPO);
    expect(pnpm.dependencies).toEqual({ '@specfirst/runtime': `link:${path.join(REPO, 'packages/runtime')}` });
    expect(pnpm.devDependencies).toMatchObject({ ...TOOL_VERSIONS, 'eslint-plugin-spec': `link:${path.join(REPO, 'packages/eslint-plugin-spec')}` });
    expect(projectDependencies('npm', REPO).devDependencies['@specfirst/cli']).toBe(`file:${path.join(REPO, 'packages/cli')}`);
    for (const specifier of Object.values(TOOL_VERSIONS)) expect(specifier).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('outside a checkout, names the released version of every SpecFirst package', () => {
    const { dependencies, devDependencies } = projectDependencies('pnpm', undefined, '1.2.3');
    expect(dependencies).toEqual({ '@specfirst/runtime': '1.2.3' });
    expect(devDependencies).toMatchObject({ '@specfirst/cli': '1.2.3', '@specfirst/spec-core': '1.2.3', 'eslint-plugin-spec': '1.2.3' });
    expect(Object.keys(devDependencies)).toEqual([...Object.keys(devDependencies)].sort());
  });
});
