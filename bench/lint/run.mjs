#!/usr/bin/env node
/**
 * What eslint-plugin-spec adds to a lint of a large SpecFirst project: 200 services × 10
 * TypeScript files, linted through the ESLint Node API with typescript-eslint's recommended config
 * (the named baseline [A]) and with the same plus `spec.configs.recommended` ([B]). Each lint is a
 * fresh process (cold module caches and a cold spec load, as in CI); A and B alternate, same run.
 * Prints the overhead (B − A) / A against the issue's goal (< 10 %) and the plugin's IR load
 * count, which must be exactly 1 per process. See bench/README.md (## lint).
 *
 *   pnpm bench:lint               (builds first)
 *   node bench/lint/run.mjs       (uses the current build)
 *
 * Environment: BENCH_RUNS (measured runs of each config, default 5, after 1 warm-up run each),
 * BENCH_N (services, default 200).
 * Exits 1 when the generated spec has errors, a lint fails or finds a parse error, the two configs
 * disagree on the baseline's problems, a planted spec violation goes unreported, or a B process
 * loads the IR other than exactly once.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { fail, log, positiveInt } from '../lib.mjs';
import { FILES_PER_SERVICE, generate } from './gen-project.mjs';

const ROOT = path.resolve(import.meta.dirname, '../..');
const OUT = path.join(ROOT, 'bench/.out/lint');
const PROJECT = path.join(OUT, 'project');
const CLI = path.join(ROOT, 'packages/cli/bin/specfirst.js');
const PLUGIN = path.join(ROOT, 'packages/eslint-plugin-spec/dist/index.js');
const CHILD = path.join(import.meta.dirname, 'lint-once.mjs');

const RUNS = positiveInt('BENCH_RUNS', 5);
const N = positiveInt('BENCH_N', 200);

/** Goals from the issue. */
const GOAL = { overhead: 0.1, irLoads: 1 };

/** Which planted problem each spec rule must find (see gen-project.mjs). */
const SPEC_RULES = {
  'spec/no-adhoc-schema': 'adhocSchema',
  'spec/no-manual-router': 'manualRouter',
  'spec/no-shadow-model': 'shadowModel',
};

const rel = (p) => path.relative(ROOT, p) || '.';

// ---------------------------------------------------------------------------------------------
// Inputs

if (!existsSync(PLUGIN) || !existsSync(path.join(ROOT, 'packages/cli/dist/main.js')))
  fail('no build found; run `pnpm build` first (or `pnpm bench:lint`, which builds)', 2);

const pluginRequire = createRequire(path.join(ROOT, 'packages/eslint-plugin-spec/package.json'));
const rootRequire = createRequire(path.join(ROOT, 'package.json'));
const resolveFrom = (name) => {
  for (const req of [pluginRequire, rootRequire]) {
    try {
      return req.resolve(name);
    } catch {
      // try the next
    }
  }
  fail(`cannot resolve \`${name}\` from packages/eslint-plugin-spec or the repository root`, 2);
};
const versionOf = (name) => {
  for (const req of [pluginRequire, rootRequire]) {
    try {
      return req(`${name}/package.json`).version;
    } catch {
      // try the next
    }
  }
  return '?';
};
const url = (name) => pathToFileURL(resolveFrom(name)).href;

rmSync(OUT, { recursive: true, force: true });
mkdirSync(OUT, { recursive: true });
const { totals, planted } = generate(N, PROJECT);
const check = spawnSync(process.execPath, [CLI, 'check', PROJECT], {
  cwd: ROOT,
  encoding: 'utf8',
  env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
});
const checkOutput = `${check.stdout}${check.stderr}`.trim();
if (check.error || check.status !== 0 || /\berror\b/i.test(checkOutput)) {
  fail(
    `the generated spec does not check: \`specfirst check ${rel(PROJECT)}\` exited ${check.status}:\n${check.error?.message ?? checkOutput}`,
  );
}

// The two configs, as eslint.config files at the project root (ESLint loads them inside lintFiles).
const BASE_CONFIG = `// [A] the baseline: @eslint/js recommended + typescript-eslint recommended (no type information).
import js from '${url('@eslint/js')}';
import tseslint from '${url('typescript-eslint')}';

export const baseline = [
  js.configs.recommended,
  ...tseslint.configs.recommended,
  { languageOptions: { globals: { process: 'readonly', Buffer: 'readonly', NodeJS: 'readonly' } } },
];
export default baseline;
`;
const PLUGIN_CONFIG = `// [B] the baseline plus eslint-plugin-spec's recommended config.
import spec from '${pathToFileURL(PLUGIN).href}';
import { baseline } from './eslint.config.baseline.mjs';

export default [...baseline, spec.configs.recommended];
`;
const CONFIGS = {
  A: { file: path.join(PROJECT, 'eslint.config.baseline.mjs'), plugin: '-' },
  B: { file: path.join(PROJECT, 'eslint.config.plugin.mjs'), plugin: PLUGIN },
};
writeFileSync(CONFIGS.A.file, BASE_CONFIG);
writeFileSync(CONFIGS.B.file, PLUGIN_CONFIG);

// ---------------------------------------------------------------------------------------------
// Measuring

/** One lint in a fresh process, from the project folder: its own figures plus whole-process wall time. */
function lintOnce(id) {
  const { file, plugin } = CONFIGS[id];
  const t0 = performance.now();
  const child = spawnSync(process.execPath, [CHILD, file, plugin], {
    cwd: PROJECT,
    encoding: 'utf8',
    maxBuffer: 64 << 20,
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
  });
  const wallMs = performance.now() - t0;
  if (child.error) fail(`[${id}] could not run ${rel(CHILD)}: ${child.error.message}`);
  const line = child.stdout.trim().split('\n').at(-1) ?? '';
  let result;
  try {
    result = JSON.parse(line);
  } catch {
    result = undefined;
  }
  if (child.status !== 0 || !result)
    fail(`[${id}] lint process exited ${child.status}:\n${`${child.stdout}${child.stderr}`.trim()}`);
  if (result.fatal > 0)
    fail(
      `[${id}] ${result.fatal === 1 ? '1 file' : `${result.fatal} files`} did not parse, e.g.\n  ${result.fatalSample.join('\n  ')}`,
    );
  if (result.files !== totals.files) fail(`[${id}] linted ${result.files} files, expected ${totals.files}`);
  if (id === 'B' && result.irLoads !== GOAL.irLoads)
    fail(`[B] irLoadCount() is ${result.irLoads} after the lint, expected exactly ${GOAL.irLoads}`);
  return { ...result, wallMs };
}

function stats(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return { median: sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2, min: sorted[0] };
}

const eslintVersion = pluginRequire('eslint/package.json').version;
log('lint benchmark');
log(
  `  node ${process.version}, ${os.cpus()[0]?.model ?? 'unknown CPU'} × ${os.cpus().length}, load average ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
log(
  `  input: ${rel(PROJECT)}: ${totals.services} services × ${FILES_PER_SERVICE} files = ${totals.files} TypeScript files (${totals.lines.toLocaleString('en')} lines), ${totals.operations} operations; specfirst check: ${checkOutput.split('\n').at(-1)}`,
);
log(
  `  ESLint ${eslintVersion} (Node API, lintFiles(['services'])), typescript-eslint ${versionOf('typescript-eslint')}, @eslint/js ${versionOf('@eslint/js')}, eslint-plugin-spec ${pluginRequire('./package.json').version} (${rel(PLUGIN)})`,
);
log(`  [A] ${rel(CONFIGS.A.file)}: @eslint/js recommended + typescript-eslint recommended`);
log(`  [B] ${rel(CONFIGS.B.file)}: [A] + spec.configs.recommended`);
log(
  `  each config: 1 warm-up run + ${RUNS} measured, alternating A, B; every run a fresh process from ${rel(PROJECT)}`,
);
log('');

const runs = { A: [], B: [] };
for (let i = 0; i < 1 + RUNS; i++) {
  for (const id of ['A', 'B']) {
    const r = lintOnce(id);
    if (i > 0) runs[id].push(r);
  }
}

// ---------------------------------------------------------------------------------------------
// Checking what they found

const [a, b] = [runs.A[0], runs.B[0]];
const problems = []; // differences that make the run fail
for (const [id, list] of Object.entries(runs)) {
  for (const r of list)
    if (JSON.stringify(r.byRule) !== JSON.stringify(list[0].byRule))
      problems.push(`[${id}] runs found different problems`);
}
const specRuleCount = (r) =>
  Object.entries(r.byRule)
    .filter(([rule]) => rule.startsWith('spec/'))
    .reduce((n, [, c]) => n + c, 0);
if (specRuleCount(a) > 0) problems.push(`[A] reported spec/* rules: ${JSON.stringify(a.byRule)}`);
for (const [rule, c] of Object.entries(a.byRule))
  if (b.byRule[rule] !== c) problems.push(`${rule}: ${c} in [A] but ${b.byRule[rule] ?? 0} in [B]`);
for (const [rule, key] of Object.entries(SPEC_RULES)) {
  if ((b.byRule[rule] ?? 0) < planted[key])
    problems.push(
      `${rule}: ${(b.byRule[rule] ?? 0) === 1 ? '1 report' : `${b.byRule[rule] ?? 0} reports`} in [B], ${planted[key]} planted`,
    );
}

// ---------------------------------------------------------------------------------------------
// Printing

const fmt = (v) => v.toFixed(0);
const rows = [
  ['[A] lintFiles', stats(runs.A.map((r) => r.lintMs)), 'A'],
  ['    lintFiles + plugin (B)', stats(runs.B.map((r) => r.lintMs)), 'A'],
  ['[W] whole process, baseline (A)', stats(runs.A.map((r) => r.wallMs)), 'W'],
  ['    whole process + plugin (B)', stats(runs.B.map((r) => r.wallMs)), 'W'],
];
const base = { A: rows[0][1], W: rows[2][1] };
const table = rows.map(([label, s, vs], i) => [
  label,
  fmt(s.median),
  fmt(s.min),
  i % 2 === 0 ? 'baseline' : `${(s.median / base[vs].median).toFixed(3)}x [${vs}]`,
]);
const headers = ['measurement (fresh process each run)', 'median ms', 'min ms', 'ratio (median / [X])'];
const widths = headers.map((h, i) => Math.max(h.length, ...table.map((cells) => cells[i].length)));
const line = (cells) =>
  cells
    .map((c, i) => (i === 0 || i === 3 ? c.padEnd(widths[i]) : c.padStart(widths[i])))
    .join('  ')
    .trimEnd();
log(line(headers));
log(widths.map((w) => '-'.repeat(w)).join('  '));
for (const cells of table) log(line(cells));

log('');
const count = (r) => `${r.files} files, ${r.errors + r.warnings} problems (${r.errors} errors, ${r.warnings} warnings)`;
const ruleList = (r, pick) =>
  Object.entries(r.byRule)
    .filter(([rule]) => pick(rule))
    .sort()
    .map(([rule, c]) => `${rule} ${c}`)
    .join(', ');
log(`[A] ${count(a)}: ${ruleList(a, () => true)}`);
log(`[B] ${count(b)}: the same + ${ruleList(b, (rule) => rule.startsWith('spec/'))}`);
log(
  `    planted: ${Object.entries(SPEC_RULES)
    .map(([rule, key]) => `${rule} ${planted[key]} ${planted[key] === 1 ? 'service' : 'services'}`)
    .join(', ')}`,
);
log(`    IR loads in each [B] process (irLoadCount()): ${runs.B.map((r) => r.irLoads).join(', ')}`);

log('');
log('Goals (from the issue)');
const pct = (v) => `${v >= 0 ? '+' : ''}${(v * 100).toFixed(1)} %`;
const overhead = (x, y) => (x - y) / y;
const lintOver = overhead(rows[1][1].median, rows[0][1].median);
const lintOverMin = overhead(rows[1][1].min, rows[0][1].min);
const wallOver = overhead(rows[3][1].median, rows[2][1].median);
const wallOverMin = overhead(rows[3][1].min, rows[2][1].min);
log(
  `  ${lintOver < GOAL.overhead ? 'PASS' : 'MISS'}  overhead of the plugin, lintFiles: ${pct(lintOver)} (medians ${fmt(rows[1][1].median)} vs ${fmt(rows[0][1].median)} ms; mins: ${pct(lintOverMin)}); goal < ${GOAL.overhead * 100} %`,
);
log(
  `  ${wallOver < GOAL.overhead ? 'PASS' : 'MISS'}  overhead of the plugin, whole process: ${pct(wallOver)} (medians ${fmt(rows[3][1].median)} vs ${fmt(rows[2][1].median)} ms; mins: ${pct(wallOverMin)}); goal < ${GOAL.overhead * 100} %`,
);
const irOk = runs.B.every((r) => r.irLoads === GOAL.irLoads);
log(
  `  ${irOk ? 'PASS' : 'FAIL'}  IR loads per process: ${[...new Set(runs.B.map((r) => r.irLoads))].join(', ')} (goal: exactly ${GOAL.irLoads})`,
);
if (problems.length > 0) {
  log(`  FAIL  the configs' findings: ${problems.length} ${problems.length === 1 ? 'problem' : 'problems'}:`);
  for (const p of [...new Set(problems)].slice(0, 20)) log(`          ${p}`);
} else log(`  PASS  [B] finds what [A] finds, plus every planted spec violation`);
log(
  `  (load average at the end: ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}; figures from a busy machine vary, compare min as well as median)`,
);
process.exitCode = problems.length > 0 || !irOk ? 1 : 0;
