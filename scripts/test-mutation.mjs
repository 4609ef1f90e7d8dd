// `pnpm test:mutation <package or file or module> ...`: runs Stryker (stryker.config.mjs) on the
// modules the arguments name, after `pnpm build`. Without an argument it lists what it can run.
//
//   pnpm test:mutation spec-core                         every module of packages/spec-core
//   pnpm test:mutation packages/spec-core/src/formats/openapi/openapi.ts the module that mutates this file
//   pnpm test:mutation openapi no-adhoc-schema           modules by their name in stryker.config.mjs
//   pnpm test:mutation all                               every module (slow: tens of minutes on two cores)
//   pnpm test:mutation spec-core --concurrency 1         options after the names go to `stryker run`
//
// Slow, so neither CI nor `pnpm test` runs it. The report: reports/mutation/index.html.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
// stryker.config.mjs selects modules from SPECFIRST_MUTATE when it loads; here we want the table only.
delete process.env['SPECFIRST_MUTATE'];
const { MODULES } = await import('../stryker.config.mjs');

/** @param {{ mutate: string | string[] }} module */
const mutated = (module) => (Array.isArray(module.mutate) ? module.mutate : [module.mutate]);

/** `packages/spec-core/src/x.ts` → `spec-core`; `scripts/x.ts` → `scripts`. */
function packageOf(/** @type {string} */ file) {
  const parts = file.split('/');
  return parts[0] === 'packages' || parts[0] === 'examples' ? parts[1] : parts[0];
}

/** A path as the table writes it: relative to the repository, with forward slashes, no `./`. */
function repoPath(/** @type {string} */ argument) {
  return path.relative(ROOT, path.resolve(process.cwd(), argument)).split(path.sep).join('/');
}

/** The module names an argument stands for, or undefined when it names nothing. */
function modulesFor(/** @type {string} */ argument) {
  const names = Object.keys(MODULES);
  if (argument === 'all') return names;
  if (argument in MODULES) return [argument];
  const packageName = argument
    .replace(/^@specfirst\//, '')
    .replace(/^(packages|examples)\//, '')
    .replace(/\/$/, '');
  const ofPackage = names.filter((name) => mutated(MODULES[name]).some((file) => packageOf(file) === packageName));
  if (ofPackage.length > 0) return ofPackage;
  const file = repoPath(argument);
  const ofFile = names.filter((name) =>
    mutated(MODULES[name]).some((pattern) => pattern === file || pattern.startsWith(`${file}/`)),
  );
  return ofFile.length > 0 ? ofFile : undefined;
}

function list() {
  const lines = ['Modules stryker.config.mjs can mutate (pnpm test:mutation <package | file | module> ...):', ''];
  const byPackage = new Map();
  for (const [name, module] of Object.entries(MODULES)) {
    const pkg = packageOf(mutated(module)[0]);
    byPackage.set(pkg, [...(byPackage.get(pkg) ?? []), [name, module]]);
  }
  for (const [pkg, modules] of byPackage) {
    lines.push(`${pkg}`);
    for (const [name, module] of modules) {
      lines.push(`  ${name}: ${mutated(module).join(', ')}`);
      lines.push(`    tested by ${module.tests.join(', ')}`);
    }
  }
  lines.push(
    '',
    'A file not listed here: add it to MODULES in stryker.config.mjs with the unit tests that claim to check it.',
  );
  return lines.join('\n');
}

const args = process.argv.slice(2);
const firstOption = args.findIndex((arg) => arg.startsWith('-'));
const targets = firstOption === -1 ? args : args.slice(0, firstOption);
const strykerOptions = firstOption === -1 ? [] : args.slice(firstOption);

if (targets.length === 0) {
  console.log(list());
  process.exit(0);
}

const selected = new Set();
for (const target of targets) {
  const names = modulesFor(target);
  if (!names) {
    console.error(`test:mutation: \`${target}\` names no package, file or module of stryker.config.mjs.\n\n${list()}`);
    process.exit(2);
  }
  for (const name of names) selected.add(name);
}

console.log(`test:mutation: ${[...selected].join(', ')}`);
const run = (
  /** @type {string} */ command,
  /** @type {string[]} */ commandArgs,
  /** @type {NodeJS.ProcessEnv} */ env = process.env,
) =>
  spawnSync(command, commandArgs, { cwd: ROOT, stdio: 'inherit', env, shell: process.platform === 'win32' }).status ??
  1;

// Stryker's sandbox links the packages' dist/, which must be current.
const built = run('pnpm', ['build']);
if (built !== 0) process.exit(built);
process.exit(
  run('pnpm', ['exec', 'stryker', 'run', ...strykerOptions], {
    ...process.env,
    SPECFIRST_MUTATE: [...selected].join(','),
  }),
);
