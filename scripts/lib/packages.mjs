/**
 * The packages this repository publishes, packed the way `pnpm publish` packs them: with pnpm, so
 * `workspace:*` becomes a real version and the root LICENSE is copied in. Shared by
 * scripts/check-packages.mjs (publint and attw on the tarballs) and test/packages.test.ts.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Every workspace project that is not private, as pnpm lists them: what `pnpm publish -r` publishes. */
export async function publishedPackages() {
  const { stdout } = await run('pnpm', ['-r', 'ls', '--json', '--depth', '-1'], {
    cwd: ROOT,
    maxBuffer: 16 * 1024 * 1024,
  });
  return JSON.parse(stdout)
    .filter((project) => project.private === false)
    .map((project) => ({ name: project.name, version: project.version, dir: project.path }))
    .sort((a, b) => (a.name < b.name ? -1 : 1));
}

function filesUnder(root, dir = '') {
  return readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const relative = dir === '' ? entry.name : `${dir}/${entry.name}`;
    return entry.isDirectory() ? filesUnder(root, relative) : [relative];
  });
}

/**
 * Packs each published package into a folder of its own under `dest` and unpacks the tarball beside
 * it. One at a time: a package's pack may run its own lifecycle scripts, which take what they take.
 */
/**
 * Packs the package in `dir` with pnpm into `into` (a folder for it alone, or one of its own tarballs)
 * and returns the tarball's path. `env` goes to pnpm and the package's lifecycle scripts.
 */
export async function packPackage(dir, into, env = process.env) {
  const before = new Set(readdirSync(into));
  try {
    await run('pnpm', ['pack', '--pack-destination', into], { cwd: dir, env, maxBuffer: 64 * 1024 * 1024 });
  } catch (error) {
    throw new Error(
      `\`pnpm pack\` failed in ${path.relative(ROOT, dir)}:\n${error.stderr || error.stdout || error.message}\nhint: run it there yourself to see the whole output`,
      { cause: error },
    );
  }
  const tarballs = readdirSync(into).filter((file) => file.endsWith('.tgz') && !before.has(file));
  if (tarballs.length !== 1)
    throw new Error(`expected one new tarball from \`pnpm pack\` in ${into}, found ${tarballs.length}`);
  return path.join(into, tarballs[0]);
}

export async function packAll(dest) {
  const packed = [];
  for (const pkg of await publishedPackages()) {
    const slug = pkg.name.replace(/^@/, '').replace('/', '-');
    const into = path.join(dest, slug);
    mkdirSync(into, { recursive: true });
    const tarball = await packPackage(pkg.dir, into);
    await run('tar', ['-xzf', tarball, '-C', into]);
    const root = path.join(into, 'package');
    const files = filesUnder(root).sort();
    packed.push({
      ...pkg,
      tarball,
      bytes: statSync(tarball).size,
      unpackedBytes: files.reduce((sum, file) => sum + statSync(path.join(root, file)).size, 0),
      root,
      files,
      manifest: JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')),
    });
  }
  return packed;
}
