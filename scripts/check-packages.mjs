#!/usr/bin/env node
/**
 * Checks what `pnpm publish -r` would publish, with the ecosystem's own tools (`pnpm check:packages`
 * builds first; CI runs it after typecheck):
 *
 *   pnpm change check   the fixed group of pnpm-workspace.yaml is in lockstep (one version for all)
 *   pnpm pack           each package that is not private, so workspace:* becomes a real version
 *   publint             every field of each packed package.json against the files packed, strictly,
 *                       down to suggestions
 *   attw                Are the Types Wrong: the types of every entry point resolve
 *
 * Nothing reaches the network: publint and attw read the tarballs. Exit code 1 when any of them
 * reports anything, 2 when a tool cannot run.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import { packAll, ROOT } from './lib/packages.mjs';

const run = promisify(execFile);
const kB = (bytes) => `${(bytes / 1000).toFixed(1)} kB`;

/**
 * attw's profile for a package. Our packages are ES modules only, so `esm-only`: types must resolve
 * under TypeScript's `node16`/`nodenext` resolution from ES modules, and under `bundler`. It leaves
 * out `node10` (the old `moduleResolution: node`, which ignores `exports`, so subpaths such as
 * `@specfirst/runtime/client` cannot resolve there) and `node16` from CommonJS (TypeScript's CommonJS
 * mode cannot require() an ES module; attw would report just that, for every entry point). A package
 * whose `exports` offer a `require` condition (eslint-plugin-spec, for `.eslintrc` loaders) gets the
 * `node16` profile, which checks `node16` from CommonJS as well.
 */
function attwProfile(manifest) {
  return JSON.stringify(manifest.exports ?? {}).includes('"require"') ? 'node16' : 'esm-only';
}

const RESOLUTIONS = {
  'node16-esm': 'node16 from ESM',
  'node16-cjs': 'node16 from CJS',
  bundler: 'bundler',
  node10: 'node10',
};
const IGNORED = { 'esm-only': ['node10', 'node16-cjs'], node16: ['node10'] };

async function attw(pkg) {
  const profile = attwProfile(pkg.manifest);
  const args = ['exec', 'attw', pkg.tarball, '--profile', profile];
  let stdout;
  try {
    ({ stdout } = await run('pnpm', [...args, '--format', 'json'], { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 }));
  } catch (error) {
    // attw exits 1 with its JSON on stdout when it finds problems.
    if (!error.stdout?.trim().startsWith('{'))
      throw new Error(`attw could not check ${pkg.name}: ${error.stderr || error.message}`, { cause: error });
    ({ stdout } = error);
  }
  const { analysis } = JSON.parse(stdout);
  const checked = Object.keys(RESOLUTIONS).filter((kind) => !IGNORED[profile].includes(kind));
  const problems = analysis.types
    ? analysis.problems.filter((p) => !('resolutionKind' in p) || checked.includes(p.resolutionKind))
    : [];
  const entrypoints = Object.keys(analysis.entrypoints).filter((name) => !analysis.entrypoints[name].isWildcard);
  if (analysis.types && problems.length === 0) {
    return {
      ok: true,
      line: `attw --profile ${profile}: types resolve for ${entrypoints.map((e) => JSON.stringify(e)).join(', ')} (${checked.map((k) => RESOLUTIONS[k]).join(', ')})`,
    };
  }
  // Show attw's own table for what it found.
  const table = await run('pnpm', [...args, '--format', 'table-flipped', '--no-color', '--no-emoji'], {
    cwd: ROOT,
    maxBuffer: 64 * 1024 * 1024,
  }).catch((error) => error);
  const reason = analysis.types ? `${problems.length} problem(s)` : 'the package ships no types';
  return { ok: false, line: `attw --profile ${profile}: ${reason}\n${table.stdout}` };
}

async function lint(pkg) {
  const bytes = readFileSync(pkg.tarball);
  const { messages, pkg: manifest } = await publint({
    pack: { tarball: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) },
    level: 'suggestion',
    strict: true,
  });
  if (messages.length === 0) return { ok: true, line: 'publint: nothing to report' };
  const lines = messages.map((m) => `    ${m.type}: ${formatMessage(m, manifest, { color: false })}`);
  return { ok: false, line: `publint: ${messages.length} message(s)\n${lines.join('\n')}` };
}

async function main() {
  try {
    const { stdout } = await run('pnpm', ['change', 'check'], { cwd: ROOT });
    console.log(`pnpm change check: ${stdout.trim()}`);
  } catch (error) {
    console.error(
      `pnpm change check failed:\n${error.stderr || error.stdout}\nhint: the packages of the fixed group in pnpm-workspace.yaml must share one version; \`pnpm version -r\` bumps them together (docs/releasing.md)`,
    );
    return 1;
  }

  const dest = mkdtempSync(path.join(os.tmpdir(), 'specfirst-packages-'));
  try {
    const packed = await packAll(dest);
    console.log(`packed ${packed.length} packages with pnpm`);
    let failed = 0;
    for (const pkg of packed) {
      console.log(
        `${pkg.name}@${pkg.manifest.version}: ${pkg.files.length} files, ${kB(pkg.bytes)} packed, ${kB(pkg.unpackedBytes)} unpacked`,
      );
      for (const result of [await lint(pkg), await attw(pkg)]) {
        console.log(`  ${result.ok ? '✓' : '✗'} ${result.line}`);
        if (!result.ok) failed += 1;
      }
    }
    if (failed > 0) {
      console.error(
        `\n${failed} check(s) failed: fix each at its source (package.json, the build, the files shipped), then run \`pnpm check:packages\` again`,
      );
      return 1;
    }
    console.log(`publint and attw found nothing in ${packed.length} tarballs`);
    return 0;
  } finally {
    rmSync(dest, { recursive: true, force: true });
  }
}

try {
  process.exitCode = await main();
} catch (error) {
  console.error(`check-packages: ${error.message}`);
  process.exitCode = 2;
}
