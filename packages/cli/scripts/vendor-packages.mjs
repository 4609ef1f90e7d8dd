#!/usr/bin/env node
/**
 * `prepack` / `postpack` of @specfirst/cli: while SpecFirst is not on the npm registry
 * (`PUBLISHED_ON_NPM` in src/init/versions.ts), the CLI's tarball carries packed copies of the
 * packages a new project depends on, in `vendor/`, so that `specfirst init` run from an installed
 * CLI can give the project packages that install (docs/upgrading.md). `vendor/packages.json` names
 * each tarball with its version and integrity; src/init/dependencies.ts reads it. Once the packages
 * are published, this script does nothing.
 *
 * The CLI's own copy in `vendor/` is packed first, before `vendor/` exists, so it carries no
 * `vendor/` of its own: a project's local `specfirst` syncs and checks, and a new project is made
 * with the CLI that was installed from the full tarball.
 *
 * Two packs of the CLI at once would share `vendor/`: a lock folder makes the second one fail with
 * a clear message instead of shipping a half-filled `vendor/`.
 *
 *   node scripts/vendor-packages.mjs prepack    # fill vendor/
 *   node scripts/vendor-packages.mjs postpack   # remove it again
 */
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
// The repository's one way to pack a package (scripts/check-packages.mjs and the tests use it too).
import { packPackage } from '../../../scripts/lib/packages.mjs';

const CLI = fileURLToPath(new URL('..', import.meta.url));
const PACKAGES = path.dirname(CLI);
const VENDOR = path.join(CLI, 'vendor');
const LOCK = path.join(CLI, '.vendor-lock');
/** Set while this script packs the CLI's own copy: that pack must not vendor again. */
const INNER = 'SPECFIRST_VENDOR_INNER';

class VendorError extends Error {}

/** Packs the package in `folder` into `destination` with pnpm (which turns `workspace:*` into versions). */
async function pack(folder, destination, env = process.env) {
  const { name, version } = JSON.parse(readFileSync(path.join(folder, 'package.json'), 'utf8'));
  if (!existsSync(path.join(folder, 'dist'))) {
    throw new VendorError(
      `${name} is not built (${path.relative(process.cwd(), folder)}/dist is missing); run \`pnpm build\` at the repository root first`,
    );
  }
  return { name, version, file: await packPackage(folder, destination, env) };
}

/** Takes the lock, or fails naming the pack that holds it; a lock whose process is gone is taken over. */
function lock() {
  try {
    mkdirSync(LOCK);
  } catch (error) {
    if (error.code !== 'EEXIST') throw error;
    const holder = Number(readFileSync(path.join(LOCK, 'pid'), { encoding: 'utf8', flag: 'a+' }));
    // A lock without a process id yet was taken a moment ago, unless it is old.
    let alive = holder === 0 && Date.now() - statSync(LOCK).mtimeMs < 30_000;
    try {
      alive ||= holder > 0 && process.kill(holder, 0);
    } catch {
      // No such process: the lock is left over from a pack that died.
    }
    if (alive)
      throw new VendorError(
        `another pack of @specfirst/cli (process ${holder}) is filling vendor/; pack one at a time`,
      );
  }
  writeFileSync(path.join(LOCK, 'pid'), String(process.pid));
}

async function prepack() {
  if (process.env[INNER] === '1') return;
  if (!existsSync(path.join(CLI, 'dist/init/versions.js')))
    throw new VendorError('@specfirst/cli is not built; run `pnpm build` at the repository root first');
  // The packages a new project needs, from the table init itself reads.
  const { PUBLISHED_ON_NPM, SPECFIRST_PACKAGES } = await import('../dist/init/versions.js');
  if (PUBLISHED_ON_NPM) return;
  const folders = Object.values(SPECFIRST_PACKAGES)
    .map(({ folder }) => folder)
    .filter((folder) => folder !== 'cli');
  lock();
  rmSync(VENDOR, { recursive: true, force: true });
  const scratch = mkdtempSync(path.join(tmpdir(), 'specfirst-vendor-'));
  try {
    const packed = [await pack(CLI, scratch, { ...process.env, [INNER]: '1' })];
    mkdirSync(VENDOR);
    for (const folder of folders) packed.push(await pack(path.join(PACKAGES, folder), VENDOR));
    const manifest = {};
    for (const { name, version, file } of packed.sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const target = path.join(VENDOR, path.basename(file));
      // A copy, not a rename: the scratch folder may be on another file system.
      if (file !== target) copyFileSync(file, target);
      const integrity = `sha512-${createHash('sha512').update(readFileSync(target)).digest('base64')}`;
      manifest[name] = { file: path.basename(target), version, integrity };
    }
    writeFileSync(path.join(VENDOR, 'packages.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  } catch (error) {
    cleanUp();
    throw error;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

function cleanUp() {
  rmSync(VENDOR, { recursive: true, force: true });
  rmSync(LOCK, { recursive: true, force: true });
}

function postpack() {
  if (process.env[INNER] === '1') return;
  cleanUp();
}

const step = process.argv[2];
try {
  if (step === 'prepack') await prepack();
  else if (step === 'postpack') postpack();
  else throw new VendorError(`usage: vendor-packages.mjs prepack|postpack (got ${JSON.stringify(step)})`);
} catch (error) {
  process.stderr.write(
    `vendor-packages: ${error instanceof VendorError ? error.message : (error.stack ?? String(error))}\n`,
  );
  process.exitCode = 1;
}
