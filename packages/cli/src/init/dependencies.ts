/**
 * The `dependencies` and `devDependencies` of a new project. Run from a checkout of the SpecFirst
 * repository, the SpecFirst packages are linked to the checkout's folders (they are not on the npm
 * registry yet, and a developer wants their edits to show); anywhere else they get the CLI's own
 * version, since they are released together.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SPECFIRST_PACKAGES, TOOL_VERSIONS, type SpecFirstPackage } from './versions.js';

export type PackageManager = 'pnpm' | 'npm';

export interface Dependencies {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
}

/** The folder of this package (`packages/cli` in a checkout): two levels above `dist/init/`. */
export const CLI_DIR = fileURLToPath(new URL('../../', import.meta.url));

function packageJson(file: string): { name?: unknown; version?: unknown } | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as { name?: unknown; version?: unknown };
  } catch {
    return undefined;
  }
}

/** The version every SpecFirst package is released under: the CLI's. */
export function specFirstVersion(cliDir = CLI_DIR): string {
  const version = packageJson(path.join(cliDir, 'package.json'))?.version;
  if (typeof version !== 'string') throw new Error(`cannot read the version of @specfirst/cli from ${cliDir}`);
  return version;
}

/**
 * The root of the SpecFirst checkout this CLI runs from, or undefined when it was installed from
 * the registry. A checkout is recognised by its layout, not by a folder name: the CLI lives in
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

/**
 * How package.json names a SpecFirst package: `link:` (pnpm) or `file:` (npm, which links a
 * folder) to the checkout's folder by absolute path, or the released version.
 */
function specFirstSpecifier(name: SpecFirstPackage, checkout: string | undefined, manager: PackageManager, version: string): string {
  if (checkout === undefined) return version;
  const folder = path.join(checkout, 'packages', SPECFIRST_PACKAGES[name].folder);
  return `${manager === 'pnpm' ? 'link' : 'file'}:${folder}`;
}

export function projectDependencies(manager: PackageManager, checkout: string | undefined, version = specFirstVersion()): Dependencies {
  const dependencies: Record<string, string> = {};
  const devDependencies: Record<string, string> = { ...TOOL_VERSIONS };
  for (const name of Object.keys(SPECFIRST_PACKAGES) as SpecFirstPackage[]) {
    const target = SPECFIRST_PACKAGES[name].runtime ? dependencies : devDependencies;
    target[name] = specFirstSpecifier(name, checkout, manager, version);
  }
  return { dependencies: sortKeys(dependencies), devDependencies: sortKeys(devDependencies) };
}

/** Sorted as `pnpm add` and `npm install` would leave them, so the first `add` shows a small diff. */
function sortKeys(record: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
