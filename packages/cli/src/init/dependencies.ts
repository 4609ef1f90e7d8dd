/**
 * Where a new project gets SpecFirst's own packages, and how its package.json names them. One
 * source per situation, and never an absolute path:
 *
 * - `checkout`: init runs from a checkout of the SpecFirst repository. The packages are linked to
 *   the checkout's folders by relative paths (`link:` for pnpm, `file:` for npm, which links a
 *   folder), so a developer's edits show at once.
 * - `vendored`: the CLI was installed from its tarball, which carries packed copies of the packages
 *   (`vendor/packages.json`, made by scripts/vendor-packages.mjs at pack time). Init copies them into
 *   the project, under `vendor/specfirst/`, and names them by `file:` paths inside the project; the
 *   overrides make the packages' dependencies on each other resolve to the same tarballs, not to
 *   the registry, where they are not.
 * - `registry`: once the packages are published ({@link PUBLISHED_ON_NPM}), the CLI's version.
 */
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PUBLISHED_ON_NPM, SPECFIRST_PACKAGES, TOOL_VERSIONS, type SpecFirstPackage } from './versions.js';

export type PackageManager = 'pnpm' | 'npm';

/** A packed package the CLI carries, as vendor/packages.json lists it. */
export interface VendoredPackage {
  /** The tarball's file name, inside the vendor folder. */
  file: string;
  version: string;
  /** `sha512-<base64>` of the tarball. */
  integrity: string;
}

export type PackageSource =
  | { kind: 'checkout'; root: string }
  | { kind: 'vendored'; folder: string; packages: Record<SpecFirstPackage, VendoredPackage> }
  | { kind: 'registry'; version: string };

/** A file init copies into the new project, as it is. */
export interface CopiedFile {
  from: string;
  /** Relative to the project root, `/`-separated. */
  to: string;
  integrity: string;
}

export interface Dependencies {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  /** What every copy of a package resolves to, wherever it is required (package.json `overrides` for npm, pnpm-workspace.yaml's for pnpm). */
  overrides: Record<string, string>;
  /** The vendored tarballs, for the project's vendor folder. */
  copies: CopiedFile[];
}

/** Where a project keeps the packed SpecFirst packages it installs from. */
export const PROJECT_VENDOR_FOLDER = 'vendor/specfirst';

/** The folder of this package (`packages/cli` in a checkout): two levels above `dist/init/`. */
export const CLI_DIR = fileURLToPath(new URL('../../', import.meta.url));

export class PackageSourceError extends Error {
  constructor(
    message: string,
    readonly hint: string,
  ) {
    super(message);
  }
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as unknown;
  } catch {
    return undefined;
  }
}

function packageJson(file: string): { name?: unknown; version?: unknown } | undefined {
  const json = readJson(file);
  return typeof json === 'object' && json !== null ? (json as { name?: unknown; version?: unknown }) : undefined;
}

/** The version every SpecFirst package is released under: the CLI's. */
export function specFirstVersion(cliDir = CLI_DIR): string {
  const version = packageJson(path.join(cliDir, 'package.json'))?.version;
  if (typeof version !== 'string') throw new Error(`cannot read the version of @specfirst/cli from ${cliDir}`);
  return version;
}

/**
 * The root of the SpecFirst checkout this CLI runs from, or undefined when it was installed. A
 * checkout is recognised by its layout, not by a folder name: the CLI lives in
 * `<root>/packages/cli`, `<root>/pnpm-workspace.yaml` exists, and every SpecFirst package is in its
 * folder under `<root>/packages/` with its name. (Installed, the CLI is in
 * `node_modules/@specfirst/cli` or pnpm's `.pnpm` store, which has none of that.)
 */
export function findCheckout(cliDir = CLI_DIR): string | undefined {
  const cli = path.resolve(cliDir);
  if (path.basename(cli) !== 'cli' || path.basename(path.dirname(cli)) !== 'packages') return undefined;
  const root = path.dirname(path.dirname(cli));
  if (!existsSync(path.join(root, 'pnpm-workspace.yaml'))) return undefined;
  for (const [name, { folder }] of Object.entries(SPECFIRST_PACKAGES)) {
    if (packageJson(path.join(root, 'packages', folder, 'package.json'))?.name !== name) return undefined;
  }
  return root;
}

/** The packages the CLI carries in `<cliDir>/vendor`, checked entry by entry; undefined when there is no list. */
export function readVendored(
  cliDir = CLI_DIR,
): { folder: string; packages: Record<SpecFirstPackage, VendoredPackage> } | undefined {
  const folder = path.join(cliDir, 'vendor');
  const list = path.join(folder, 'packages.json');
  if (!existsSync(list)) return undefined;
  const json = readJson(list);
  const broken = (why: string) =>
    new PackageSourceError(
      `${list} is damaged: ${why}`,
      'reinstall @specfirst/cli from its tarball (the file is written when the tarball is packed)',
    );
  if (typeof json !== 'object' || json === null) throw broken('it is not a JSON object');
  const packages = {} as Record<SpecFirstPackage, VendoredPackage>;
  for (const name of Object.keys(SPECFIRST_PACKAGES) as SpecFirstPackage[]) {
    const entry = (json as Record<string, unknown>)[name] as Partial<VendoredPackage> | undefined;
    const { file, version, integrity } = entry ?? {};
    // A plain file name: the list cannot send init to copy a file from elsewhere.
    if (
      typeof file !== 'string' ||
      !/^[a-z0-9@._-]+\.tgz$/i.test(file) ||
      typeof version !== 'string' ||
      typeof integrity !== 'string'
    ) {
      throw broken(`it has no valid entry for ${name}`);
    }
    if (!existsSync(path.join(folder, file))) throw broken(`${file}, listed for ${name}, is missing`);
    packages[name] = { file, version, integrity };
  }
  return { folder, packages };
}

/** Where this CLI gives a new project SpecFirst's packages from (see the top of this file). */
export function findPackageSource(cliDir = CLI_DIR, published = PUBLISHED_ON_NPM): PackageSource {
  const checkout = findCheckout(cliDir);
  if (checkout !== undefined) return { kind: 'checkout', root: checkout };
  if (published) return { kind: 'registry', version: specFirstVersion(cliDir) };
  const vendored = readVendored(cliDir);
  if (vendored !== undefined) return { kind: 'vendored', ...vendored };
  throw new PackageSourceError(
    `this specfirst (${cliDir}) carries no SpecFirst packages for a new project, and they are not on the npm registry yet`,
    "run init with the specfirst installed from the CLI tarball (`pnpm -r pack` in a SpecFirst checkout makes it; see docs/upgrading.md), or from a checkout: `pnpm exec specfirst init`. A project's own specfirst syncs and checks, but does not create projects",
  );
}

/**
 * A relative path from the project root, `/`-separated, as package.json and pnpm want it. Both ends
 * are resolved first: a package manager resolves the path from the real folder, so a project under
 * a linked folder (macOS's /tmp, /var) would otherwise get a path that leads elsewhere.
 */
function relativeTo(projectRoot: string, target: string): string {
  const relative = path.relative(realpathSync(projectRoot), realpathSync(target));
  if (path.isAbsolute(relative)) {
    // Windows: another drive has no relative path.
    throw new PackageSourceError(
      `the project (${projectRoot}) and the SpecFirst checkout (${target}) are on different drives, so the project cannot link the checkout by a relative path`,
      'create the project on the drive of the checkout, or run init with a specfirst installed from its tarball (docs/upgrading.md)',
    );
  }
  return relative.split(path.sep).join('/');
}

/** The `dependencies`, `devDependencies`, overrides and copied files of a new project at `projectRoot` (a folder that exists). */
export function projectDependencies(manager: PackageManager, source: PackageSource, projectRoot: string): Dependencies {
  const dependencies: Record<string, string> = {};
  const devDependencies: Record<string, string> = { ...TOOL_VERSIONS };
  const overrides: Record<string, string> = {};
  const copies: CopiedFile[] = [];
  for (const [name, { folder, role }] of Object.entries(SPECFIRST_PACKAGES) as [
    SpecFirstPackage,
    (typeof SPECFIRST_PACKAGES)[SpecFirstPackage],
  ][]) {
    let specifier: string;
    if (source.kind === 'checkout') {
      specifier = `${manager === 'pnpm' ? 'link' : 'file'}:${relativeTo(projectRoot, path.join(source.root, 'packages', folder))}`;
    } else if (source.kind === 'registry') {
      specifier = source.version;
    } else {
      const packed = source.packages[name];
      const to = `${PROJECT_VENDOR_FOLDER}/${packed.file}`;
      copies.push({ from: path.join(source.folder, packed.file), to, integrity: packed.integrity });
      specifier = `file:${to}`;
      overrides[name] = specifier;
    }
    if (role === 'dependency') dependencies[name] = specifier;
    else if (role === 'devDependency') devDependencies[name] = specifier;
  }
  return {
    dependencies: sortKeys(dependencies),
    devDependencies: sortKeys(devDependencies),
    overrides: sortKeys(overrides),
    copies,
  };
}

/** Sorted as `pnpm add` and `npm install` would leave them, so the first `add` shows a small diff. */
function sortKeys(record: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
