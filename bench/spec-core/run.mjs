#!/usr/bin/env node
/**
 * Benchmarks @specfirst/spec-core on a 1,000-operation spec, in two formats, and prints every
 * figure next to a baseline measured in the same run. See bench/README.md.
 *
 *   pnpm bench:spec-core            (builds first)
 *   node bench/spec-core/run.mjs    (uses the current build)
 *
 * Environment: BENCH_N (resources, default 200), BENCH_RUNS (in-process runs, default 15),
 * BENCH_PROC_RUNS (process runs, default 7), BENCH_SKIP_REDOCLY=1 (skip the external baseline).
 * Exits 1 when an input does not load cleanly; never because a target is missed.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { writeBigOpenApi } from '../gen-big-openapi.mjs';
import { writeBigSpecfirstProject } from './gen-big-specfirst.mjs';
import { fail, log, positiveInt } from '../lib.mjs';

const ROOT = path.resolve(import.meta.dirname, '../..');
const OUT = path.join(ROOT, 'bench/.out');
const SPEC_CORE = path.join(ROOT, 'packages/spec-core');
const CLI = path.join(ROOT, 'packages/cli/bin/specfirst.js');
const PROBE = path.join(import.meta.dirname, 'probe.mjs');
const REDOCLY_VERSION = '2.77.0';
const REDOCLY_DIR = path.join(OUT, 'redocly');

const N = positiveInt('BENCH_N', 200);
const RUNS = positiveInt('BENCH_RUNS', 15);
const WARMUP = 3;
const PROC_RUNS = positiveInt('BENCH_PROC_RUNS', 7);
const RSS_RUNS = 3;

/** Targets from the issue. */
const TARGET = { loadMs: 300, cachedMs: 5, redoclyFactor: 2, redoclyReportedMs: 900 };

// ---------------------------------------------------------------------------------------------
// Inputs

if (!existsSync(path.join(SPEC_CORE, 'dist/index.js')) || !existsSync(path.join(ROOT, 'packages/cli/dist/main.js'))) {
  fail('no build found; run `pnpm build` first (or `pnpm bench:spec-core`, which builds)', 2);
}

mkdirSync(OUT, { recursive: true });
const BIG_OPENAPI = path.join(OUT, 'big.yaml');
const BIG_PROJECT = path.join(OUT, 'big-specfirst');
const rel = (p) => path.relative(ROOT, p) || '.';

writeBigOpenApi(N, BIG_OPENAPI);
rmSync(BIG_PROJECT, { recursive: true, force: true });
writeBigSpecfirstProject(N, BIG_PROJECT);

const core = await import(pathToFileURL(path.join(SPEC_CORE, 'dist/index.js')).href);
const specCoreRequire = createRequire(path.join(SPEC_CORE, 'package.json'));
// The same module instance spec-core imports (its ESM import of this CommonJS package shares the cache).
const YAML = specCoreRequire('yaml');
const yamlVersion = JSON.parse(readFileSync(specCoreRequire.resolve('yaml/package.json'), 'utf8')).version;

const openapiText = readFileSync(BIG_OPENAPI, 'utf8');

/** Loads once, asserts zero diagnostics and the expected shape; returns the files it looked at. */
function assertClean(target, label) {
  core.clearProjectCache();
  core.clearParseCache();
  const result = core.loadProjectSync(target, { cache: false });
  if (result.diagnostics.length > 0) {
    console.error(
      `bench: ${label} (${rel(target)}) loads with ${result.diagnostics.length} ${result.diagnostics.length === 1 ? 'diagnostic' : 'diagnostics'}; expected none:`,
    );
    for (const d of result.diagnostics.slice(0, 10))
      console.error(`  ${d.file}:${d.line}:${d.column} ${d.code} ${d.message}`);
    process.exit(1);
  }
  const operations = result.ir.services.reduce((n, s) => n + s.operations.length, 0);
  const models = result.ir.models.filter((m) => m.variant === 'model').length;
  if (operations !== 5 * N || models !== N + 1) {
    fail(`${label}: expected ${5 * N} operations and ${N + 1} models, got ${operations} and ${models}`);
  }
  return result.files;
}

// `files` lists every file a load looked at, absent optional ones (spec/events.yaml) included:
// the cache check stats them all, the YAML baselines parse the ones that exist.
const isFile = (f) => {
  try {
    return statSync(f).isFile();
  } catch {
    return false;
  }
};
const statAll = (files) => {
  for (const f of files) {
    try {
      statSync(f, { bigint: true });
    } catch {
      // absent: the cache check records that too
    }
  }
};
const openapiWatched = assertClean(BIG_OPENAPI, 'OpenAPI input');
const projectWatched = assertClean(BIG_PROJECT, 'SpecFirst input');
const projectFiles = projectWatched.filter(isFile);
const projectTexts = projectFiles.map((f) => readFileSync(f, 'utf8'));
const lineCount = (texts) => texts.reduce((n, t) => n + t.split('\n').length - 1, 0);

log('spec-core benchmark');
log(
  `  node ${process.version}, ${os.cpus()[0]?.model ?? 'unknown CPU'} × ${os.cpus().length}, load average ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
log(`  yaml ${yamlVersion}; N=${N}: ${5 * N} operations, ${N + 1} models`);
log(
  `  input 1: ${rel(BIG_OPENAPI)} (${lineCount([openapiText])} lines, ${(openapiText.length / 1024).toFixed(0)} KiB)`,
);
log(
  `  input 2: ${rel(BIG_PROJECT)}/ (${projectFiles.length} files, ${lineCount(projectTexts)} lines, ${(projectTexts.join('').length / 1024).toFixed(0)} KiB)`,
);
log(
  `  both load with 0 diagnostics; in-process: ${WARMUP} warm-up + ${RUNS} runs; processes: 1 warm-up + ${PROC_RUNS} runs`,
);
log('');

// ---------------------------------------------------------------------------------------------
// Measuring

function stats(times) {
  const sorted = [...times].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { median, min: sorted[0], runs: sorted.length };
}

function timeSync(fn, { warmup = WARMUP, runs = RUNS, before } = {}) {
  const times = [];
  for (let i = 0; i < warmup + runs; i++) {
    before?.();
    const t0 = performance.now();
    fn();
    const elapsed = performance.now() - t0;
    if (i >= warmup) times.push(elapsed);
  }
  return stats(times);
}

async function timeAsync(fn, { warmup = WARMUP, runs = RUNS, before } = {}) {
  const times = [];
  for (let i = 0; i < warmup + runs; i++) {
    before?.();
    const t0 = performance.now();
    await fn();
    const elapsed = performance.now() - t0;
    if (i >= warmup) times.push(elapsed);
  }
  return stats(times);
}

function clearCaches() {
  core.clearProjectCache();
  core.clearParseCache();
}

/** Wall time of a whole process (output discarded), 1 warm-up run. */
function timeProcess(command, args, { env, runs = PROC_RUNS } = {}) {
  const times = [];
  for (let i = 0; i < 1 + runs; i++) {
    const t0 = performance.now();
    const child = spawnSync(command, args, { cwd: ROOT, stdio: 'ignore', env: { ...process.env, ...env } });
    const elapsed = performance.now() - t0;
    if (child.error) throw child.error;
    if (i > 0) times.push(elapsed);
  }
  return stats(times);
}

/** Runs a fresh process `runs` times and collects the JSON it prints (probe.mjs). */
function probe(args, runs = PROC_RUNS) {
  const results = [];
  for (let i = 0; i < 1 + runs; i++) {
    const child = spawnSync(process.execPath, [PROBE, ...args], { cwd: ROOT, encoding: 'utf8' });
    if (child.status !== 0) fail(`probe ${args.join(' ')} failed: ${child.stderr}`);
    if (i > 0) results.push(JSON.parse(child.stdout));
  }
  return {
    import: stats(results.map((r) => r.importMs)),
    run: stats(results.map((r) => r.runMs)),
    diagnostics: Math.max(...results.map((r) => r.diagnostics)),
  };
}

const TIME_BIN = '/usr/bin/time';
const hasGnuTime = existsSync(TIME_BIN) && spawnSync(TIME_BIN, ['-f', '%M', 'true'], { encoding: 'utf8' }).status === 0;
const RSS_FILE = path.join(OUT, 'rss.txt');
const RSS_PROBE = `data:text/javascript,${encodeURIComponent(
  "import{writeFileSync}from'node:fs';process.on('exit',()=>writeFileSync(process.env.BENCH_RSS_FILE,String(process.resourceUsage().maxRSS)))",
)}`;

/** Peak resident set size of a Node process in MiB (median of a few runs). */
function peakRss(nodeArgs, env = {}) {
  const values = [];
  for (let i = 0; i < RSS_RUNS; i++) {
    rmSync(RSS_FILE, { force: true });
    const child = hasGnuTime
      ? spawnSync(TIME_BIN, ['-f', '%M', '-o', RSS_FILE, process.execPath, ...nodeArgs], {
          cwd: ROOT,
          stdio: 'ignore',
          env: { ...process.env, ...env },
        })
      : spawnSync(process.execPath, ['--import', RSS_PROBE, ...nodeArgs], {
          cwd: ROOT,
          stdio: 'ignore',
          env: { ...process.env, ...env, BENCH_RSS_FILE: RSS_FILE },
        });
    if (child.error || !existsSync(RSS_FILE)) return undefined;
    const kib = Number(readFileSync(RSS_FILE, 'utf8').trim().split('\n').pop());
    if (Number.isFinite(kib)) values.push(kib / 1024);
  }
  return values.length > 0 ? stats(values).median : undefined;
}

// ---------------------------------------------------------------------------------------------
// The table

const rows = [];
const baselines = new Map();
function section(title) {
  rows.push({ section: title });
}
/** A row; `id` makes it a baseline others can name, `vs` names the baseline of its ratio. */
function row(label, s, { id, vs, unit = 'ms' } = {}) {
  const r = { label, s, id, vs, unit };
  rows.push(r);
  if (id) baselines.set(id, r);
  return s;
}

// (a), (b), (c): OpenAPI document, in process
section(`In process, warmed up: ${rel(BIG_OPENAPI)}`);
row(
  'yaml parse() of the text',
  timeSync(() => YAML.parse(openapiText)),
  { id: 'A' },
);
const loadOpenapi = row(
  'loadProjectSync, cold (caches cleared)',
  timeSync(() => core.loadProjectSync(BIG_OPENAPI, { cache: false }), { before: clearCaches }),
  { vs: 'A' },
);
row(
  'loadProject (async), cold',
  await timeAsync(() => core.loadProject(BIG_OPENAPI, { cache: false }), { before: clearCaches }),
  { vs: 'A' },
);
row(
  'loadProjectSync, parse cache kept (all but YAML parsing)',
  timeSync(() => core.loadProjectSync(BIG_OPENAPI, { cache: false }), { before: core.clearProjectCache }),
  { vs: 'A' },
);
row(
  `stat() of the ${openapiWatched.length} files the load looked at`,
  timeSync(() => statAll(openapiWatched)),
  { id: 'S1' },
);
clearCaches();
core.loadProjectSync(BIG_OPENAPI);
const cachedOpenapi = row(
  'loadProjectSync, cached (unchanged)',
  timeSync(() => core.loadProjectSync(BIG_OPENAPI)),
  { vs: 'S1' },
);

section(`In process, warmed up: ${rel(BIG_PROJECT)}/ (SpecFirst format)`);
row(
  `yaml parse() of its ${projectTexts.length} files`,
  timeSync(() => projectTexts.forEach((t) => YAML.parse(t))),
  { id: 'B' },
);
const loadProject = row(
  'loadProjectSync, cold (caches cleared)',
  timeSync(() => core.loadProjectSync(BIG_PROJECT, { cache: false }), { before: clearCaches }),
  { vs: 'B' },
);
row(
  'loadProjectSync, parse cache kept (all but YAML parsing)',
  timeSync(() => core.loadProjectSync(BIG_PROJECT, { cache: false }), { before: core.clearProjectCache }),
  { vs: 'B' },
);
row(
  `stat() of the ${projectWatched.length} files the load looked at`,
  timeSync(() => statAll(projectWatched)),
  { id: 'S2' },
);
clearCaches();
core.loadProjectSync(BIG_PROJECT);
const cachedProject = row(
  'loadProjectSync, cached (unchanged)',
  timeSync(() => core.loadProjectSync(BIG_PROJECT)),
  { vs: 'S2' },
);

// What a one-shot command pays on top: module loading and unoptimised first calls.
section('Fresh process, first call (no warm-up), as a one-shot command sees it');
const yamlProbe = probe(['yaml', BIG_OPENAPI]);
const firstOpenapi = probe(['load', BIG_OPENAPI]);
row('import yaml', yamlProbe.import, { id: 'I' });
row('import @specfirst/spec-core', firstOpenapi.import, { vs: 'I' });
row(`yaml parse() of big.yaml, first call`, yamlProbe.run, { id: 'F1' });
row('loadProject big.yaml, first call', firstOpenapi.run, { vs: 'F1' });
row(`yaml parse() of the ${projectFiles.length} SpecFirst files, first call`, probe(['yaml', ...projectFiles]).run, {
  id: 'F2',
});
const firstProject = probe(['load', BIG_PROJECT]);
row('loadProject big-specfirst/, first call', firstProject.run, { vs: 'F2' });
if (firstOpenapi.diagnostics > 0 || firstProject.diagnostics > 0) fail('a probe reported diagnostics');

// (d) whole processes
section('Whole process, wall time');
row('node -e 0 (Node start-up)', timeProcess(process.execPath, ['-e', '0']), { id: 'N' });
const yamlOnly = (files) => [
  '-e',
  `const r=require('node:module').createRequire(${JSON.stringify(path.join(SPEC_CORE, 'package.json'))});` +
    `const Y=r('yaml'),fs=require('node:fs');for(const f of ${JSON.stringify(files)})Y.parse(fs.readFileSync(f,'utf8'));`,
];
row('node -e: import yaml, parse big.yaml', timeProcess(process.execPath, yamlOnly([BIG_OPENAPI])), {
  id: 'P1',
  vs: 'N',
});
const checkArgs = [CLI, 'check', rel(BIG_OPENAPI)];
const verify = spawnSync(process.execPath, checkArgs, { cwd: ROOT, encoding: 'utf8' });
if (verify.status !== 0)
  fail(`\`specfirst check ${rel(BIG_OPENAPI)}\` exited ${verify.status}:\n${verify.stdout}${verify.stderr}`);
const checkOpenapi = row(`specfirst check ${rel(BIG_OPENAPI)}`, timeProcess(process.execPath, checkArgs), { vs: 'P1' });
row(
  `node -e: import yaml, parse the ${projectFiles.length} SpecFirst files`,
  timeProcess(process.execPath, yamlOnly(projectFiles)),
  { id: 'P2', vs: 'N' },
);
const checkProjectArgs = [CLI, 'check', rel(BIG_PROJECT)];
const verifyProject = spawnSync(process.execPath, checkProjectArgs, { cwd: ROOT, encoding: 'utf8' });
if (verifyProject.status !== 0)
  fail(
    `\`specfirst check ${rel(BIG_PROJECT)}\` exited ${verifyProject.status}:\n${verifyProject.stdout}${verifyProject.stderr}`,
  );
row(`specfirst check ${rel(BIG_PROJECT)}`, timeProcess(process.execPath, checkProjectArgs), { vs: 'P2' });

// (e) external baseline
const notes = [];
const REDOCLY_ENV = { REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_COLOR: '1' };
const redoclyBin = setUpRedocly();
let redocly;
if (redoclyBin) {
  const args = [redoclyBin, 'lint', rel(BIG_OPENAPI)];
  const tryRun = spawnSync(process.execPath, args, {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, ...REDOCLY_ENV },
    maxBuffer: 64 << 20,
  });
  // lint exits 1 when it finds problems (the synthetic document has many under the recommended rules).
  if (
    tryRun.error ||
    (tryRun.status !== 0 && tryRun.status !== 1) ||
    !/validated in/.test(tryRun.stdout + tryRun.stderr)
  ) {
    notes.push(
      `redocly lint did not run as expected (exit ${tryRun.status}); skipped: ${(tryRun.error?.message ?? tryRun.stderr).trim().split('\n')[0]}`,
    );
  } else {
    const verdict = /❌|Validation failed/.test(tryRun.stdout + tryRun.stderr)
      ? 'reports problems, exit 1'
      : `exit ${tryRun.status}`;
    redocly = row(
      `redocly lint ${rel(BIG_OPENAPI)} (@redocly/cli ${REDOCLY_VERSION}; ${verdict})`,
      timeProcess(process.execPath, args, { env: REDOCLY_ENV }),
      {
        id: 'R',
        vs: 'P1',
      },
    );
    row(`specfirst check ${rel(BIG_OPENAPI)}, against redocly`, checkOpenapi, { vs: 'R' });
  }
}

function setUpRedocly() {
  if (process.env.BENCH_SKIP_REDOCLY === '1') {
    notes.push('redocly baseline skipped: BENCH_SKIP_REDOCLY=1');
    return undefined;
  }
  const pkgFile = path.join(REDOCLY_DIR, 'node_modules/@redocly/cli/package.json');
  const installed = () => existsSync(pkgFile) && JSON.parse(readFileSync(pkgFile, 'utf8')).version === REDOCLY_VERSION;
  if (!installed()) {
    log(`installing @redocly/cli@${REDOCLY_VERSION} into ${rel(REDOCLY_DIR)} (once) ...`);
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const install = spawnSync(
      npm,
      ['i', '--prefix', REDOCLY_DIR, `@redocly/cli@${REDOCLY_VERSION}`, '--save-exact', '--no-audit', '--no-fund'],
      {
        cwd: ROOT,
        encoding: 'utf8',
        timeout: 300_000,
      },
    );
    if (install.error || install.status !== 0 || !installed()) {
      const why =
        (install.error?.message ?? install.stderr ?? '').trim().split('\n').slice(-1)[0] || `exit ${install.status}`;
      notes.push(
        `redocly baseline skipped: \`npm i --prefix ${rel(REDOCLY_DIR)} @redocly/cli@${REDOCLY_VERSION}\` failed (${why})`,
      );
      return undefined;
    }
  }
  const pkg = JSON.parse(readFileSync(pkgFile, 'utf8'));
  const binRel = typeof pkg.bin === 'string' ? pkg.bin : (pkg.bin?.redocly ?? pkg.bin?.openapi);
  const bin = binRel ? path.join(path.dirname(pkgFile), binRel) : undefined;
  if (!bin || !existsSync(bin)) {
    notes.push('redocly baseline skipped: no `redocly` bin in the installed package');
    return undefined;
  }
  return bin;
}

// Peak RSS
section(
  `Peak RSS of the process (${hasGnuTime ? '/usr/bin/time' : 'process.resourceUsage().maxRSS'}, median of ${RSS_RUNS})`,
);
const rssRow = (label, args, opts, env) => {
  const mib = peakRss(args, env);
  if (mib === undefined) notes.push(`peak RSS of \`${label}\` could not be measured`);
  else row(label, { median: mib, min: undefined }, { ...opts, unit: 'MiB' });
};
rssRow('node -e: import yaml, parse big.yaml', yamlOnly([BIG_OPENAPI]), { id: 'M' });
rssRow(`specfirst check ${rel(BIG_OPENAPI)}`, checkArgs, { vs: 'M' });
if (redocly)
  rssRow(`redocly lint ${rel(BIG_OPENAPI)}`, [redoclyBin, 'lint', rel(BIG_OPENAPI)], { vs: 'M' }, REDOCLY_ENV);

// ---------------------------------------------------------------------------------------------
// Printing

const fmt = (value, unit) => {
  if (value === undefined) return '';
  if (unit === 'MiB') return `${value.toFixed(1)} MiB`;
  return value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2);
};
const table = rows.map((r) => {
  if (r.section) return r;
  const base = r.vs ? baselines.get(r.vs) : undefined;
  const ratio = base ? `${(r.s.median / base.s.median).toFixed(2)}x [${r.vs}]` : r.id ? 'baseline' : '';
  return [`${r.id ? `[${r.id}] ` : '    '}${r.label}`, fmt(r.s.median, r.unit), fmt(r.s.min, r.unit), ratio];
});
const headers = ['measurement', 'median ms', 'min ms', 'ratio (median / [baseline])'];
const widths = headers.map((h, i) =>
  Math.max(h.length, ...table.filter(Array.isArray).map((cells) => cells[i].length)),
);
const line = (cells) =>
  cells
    .map((c, i) => (i === 0 || i === 3 ? c.padEnd(widths[i]) : c.padStart(widths[i])))
    .join('  ')
    .trimEnd();
log(line(headers));
log(widths.map((w) => '-'.repeat(w)).join('  '));
for (const r of table) {
  if (Array.isArray(r)) log(line(r));
  else log(`${r.section}`);
}

log('');
log('Targets (from the issue)');
const verdict = (ok) => (ok ? 'PASS' : 'MISS');
const ms = (v) => `${v.toFixed(v < 10 ? 2 : 0)} ms`;
log(
  `  ${verdict(loadOpenapi.median < TARGET.loadMs)}  in-process load+validate of big.yaml < ${TARGET.loadMs} ms: median ${ms(loadOpenapi.median)}`,
);
log(
  `  ${verdict(loadProject.median < TARGET.loadMs)}  in-process load+validate of big-specfirst/ < ${TARGET.loadMs} ms: median ${ms(loadProject.median)}`,
);
log(
  `  ${verdict(cachedOpenapi.median < TARGET.cachedMs)}  cached reload of big.yaml < ${TARGET.cachedMs} ms: median ${ms(cachedOpenapi.median)}`,
);
log(
  `  ${verdict(cachedProject.median < TARGET.cachedMs)}  cached reload of big-specfirst/ < ${TARGET.cachedMs} ms: median ${ms(cachedProject.median)}`,
);
if (redocly) {
  const factor = redocly.median / checkOpenapi.median;
  log(
    `  ${verdict(factor >= TARGET.redoclyFactor)}  \`check\` process ≥ ${TARGET.redoclyFactor}x faster than redocly lint (measured here): ${factor.toFixed(2)}x (${ms(checkOpenapi.median)} vs ${ms(redocly.median)})`,
  );
}
const reported = TARGET.redoclyReportedMs / checkOpenapi.median;
log(
  `  ${verdict(reported >= TARGET.redoclyFactor)}  \`check\` process ≥ ${TARGET.redoclyFactor}x faster than redocly as reported (${TARGET.redoclyReportedMs} ms): ${reported.toFixed(2)}x`,
);
for (const note of notes) log(`  note: ${note}`);
log(
  `  (load average at the end: ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}; figures from a busy machine vary, compare min as well as median)`,
);
