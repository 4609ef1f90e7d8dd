#!/usr/bin/env node
/**
 * Times `specfirst sync` on a 1,000-operation OpenAPI document as whole processes, next to
 * openapi-typescript on the same document (the named baseline), and checks that a sync of an
 * up-to-date output folder writes nothing. See bench/README.md.
 *
 *   pnpm bench:codegen             (builds first)
 *   node bench/codegen/run.mjs     (uses the current build)
 *
 * Environment: BENCH_RUNS (measured runs of each command, default 5, after 1 warm-up run),
 * BENCH_N (resources in the generated document, default 200 = 1,000 operations).
 * Exits 1 when a command fails or a no-op sync writes a file.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { writeBigOpenApi } from '../gen-big-openapi.mjs';
import { fail, log, positiveInt } from '../lib.mjs';

const ROOT = path.resolve(import.meta.dirname, '../..');
const OUT = path.join(ROOT, 'bench/.out/codegen');
const BIG = path.join(OUT, 'big.yaml');
const OT_OUT = path.join(OUT, 'openapi-typescript');
const OT_FILE = path.join(OT_OUT, 'schema.d.ts');
const SYNC_OUT = path.join(OUT, 'sync-out');
const CLI = path.join(ROOT, 'packages/cli/bin/specfirst.js');

const RUNS = positiveInt('BENCH_RUNS', 5);
const N = positiveInt('BENCH_N', 200);

/** Goals from the issue. */
const GOAL = { noopMs: 500, openapiTypescriptReportedMs: 1900 };

const rel = (p) => path.relative(ROOT, p) || '.';

// ---------------------------------------------------------------------------------------------
// Inputs

if (!existsSync(path.join(ROOT, 'packages/cli/dist/main.js')))
  fail('no build found; run `pnpm build` first (or `pnpm bench:codegen`, which builds)', 2);

rmSync(OUT, { recursive: true, force: true });
mkdirSync(OUT, { recursive: true });
const bigText = writeBigOpenApi(N, BIG);

const benchRequire = createRequire(path.join(ROOT, 'bench/package.json'));
const otPkgFile = benchRequire.resolve('openapi-typescript/package.json');
const otPkg = JSON.parse(readFileSync(otPkgFile, 'utf8'));
const OT_BIN = path.join(
  path.dirname(otPkgFile),
  typeof otPkg.bin === 'string' ? otPkg.bin : otPkg.bin['openapi-typescript'],
);

// ---------------------------------------------------------------------------------------------
// Measuring whole processes

const TIME_BIN = '/usr/bin/time';
const hasGnuTime = existsSync(TIME_BIN) && spawnSync(TIME_BIN, ['-v', 'true'], { encoding: 'utf8' }).status === 0;
const RSS_FILE = path.join(mkdtempSync(path.join(os.tmpdir(), 'bench-codegen-')), 'rss.txt');
const RSS_PROBE = `data:text/javascript,${encodeURIComponent(
  "import{writeFileSync}from'node:fs';process.on('exit',()=>writeFileSync(process.env.BENCH_RSS_FILE,String(process.resourceUsage().maxRSS)))",
)}`;
process.on('exit', () => rmSync(path.dirname(RSS_FILE), { recursive: true, force: true }));

/** Runs `node ...args` once from the repository root: wall time, peak RSS, exit status, output. */
function runNode(args) {
  rmSync(RSS_FILE, { force: true });
  const options = {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 64 << 20,
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
  };
  const t0 = performance.now();
  const child = hasGnuTime
    ? spawnSync(TIME_BIN, ['-v', '-o', RSS_FILE, process.execPath, ...args], options)
    : spawnSync(process.execPath, ['--import', RSS_PROBE, ...args], {
        ...options,
        env: { ...options.env, BENCH_RSS_FILE: RSS_FILE },
      });
  const ms = performance.now() - t0;
  if (child.error) throw child.error;
  let rssMiB;
  if (existsSync(RSS_FILE)) {
    const text = readFileSync(RSS_FILE, 'utf8');
    const kib = hasGnuTime
      ? Number(/Maximum resident set size \(kbytes\):\s*(\d+)/.exec(text)?.[1])
      : Number(text.trim());
    if (Number.isFinite(kib) && kib > 0) rssMiB = kib / 1024;
  }
  return { ms, rssMiB, status: child.status, output: `${child.stdout}${child.stderr}`.trim() };
}

function stats(values) {
  const sorted = values.filter((v) => v !== undefined).sort((a, b) => a - b);
  if (sorted.length === 0) return undefined;
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { median, min: sorted[0] };
}

/**
 * One warm-up run, then RUNS measured ones; `before` runs before each (outside the timing),
 * `after` gets each run's result. Returns the timing and RSS statistics.
 */
function measure(label, args, { before, after } = {}) {
  const runs = [];
  for (let i = 0; i < 1 + RUNS; i++) {
    before?.();
    const r = runNode(args);
    if (r.status !== 0) fail(`\`${label}\` exited ${r.status}:\n${r.output}`);
    after?.(r);
    if (i > 0) runs.push(r);
  }
  return { time: stats(runs.map((r) => r.ms)), rss: stats(runs.map((r) => r.rssMiB)) };
}

/** Every file and folder under `dir`: path → "mtime-ns size" for files, "dir" for folders. */
function snapshot(dir) {
  const entries = new Map();
  const walk = (d) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, entry.name);
      if (entry.isDirectory()) {
        entries.set(p, 'dir');
        walk(p);
      } else {
        const s = statSync(p, { bigint: true });
        entries.set(p, `${s.mtimeNs} ${s.size}`);
      }
    }
  };
  if (existsSync(dir)) walk(dir);
  return entries;
}

function differences(before, after) {
  const changes = [];
  for (const [p, v] of after) {
    if (!before.has(p)) changes.push(`created ${rel(p)}`);
    else if (before.get(p) !== v) changes.push(`rewrote ${rel(p)} (mtime/size ${before.get(p)} → ${v})`);
  }
  for (const p of before.keys()) if (!after.has(p)) changes.push(`deleted ${rel(p)}`);
  return changes;
}

log('codegen benchmark');
log(
  `  node ${process.version}, ${os.cpus()[0]?.model ?? 'unknown CPU'} × ${os.cpus().length}, load average ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
log(
  `  input: ${rel(BIG)} (N=${N}: ${5 * N} operations, ${N + 1} schemas; ${bigText.split('\n').length - 1} lines, ${(bigText.length / 1024).toFixed(0)} KiB)`,
);
log(
  `  each command: 1 warm-up run + ${RUNS} measured, whole process from ${rel(ROOT) === '.' ? 'the repository root' : rel(ROOT)}; peak RSS from ${hasGnuTime ? '/usr/bin/time -v' : 'process.resourceUsage().maxRSS'}`,
);
log('');

const rows = [];
const notes = [];
let exitCode = 0;

// Node start-up, for scale.
rows.push({ id: 'N', label: 'node -e 0 (Node start-up)', ...measure('node -e 0', ['-e', '0']) });

// (a) the named baseline
const otArgs = [OT_BIN, rel(BIG), '-o', rel(OT_FILE)];
const ot = measure(`openapi-typescript ${rel(BIG)} -o ${rel(OT_FILE)}`, otArgs, {
  before: () => rmSync(OT_OUT, { recursive: true, force: true }),
  after: () => {
    if (!existsSync(OT_FILE) || !readFileSync(OT_FILE, 'utf8').includes(`Res${N - 1}`))
      fail(`openapi-typescript wrote no ${rel(OT_FILE)} describing Res${N - 1}`);
  },
});
rows.push({ id: 'A', label: `openapi-typescript ${otPkg.version}: ${rel(BIG)} -o ${rel(OT_FILE)}`, ...ot });

// (b) full sync and (c) no-op sync
const syncArgs = [rel(CLI), 'sync', rel(BIG), '--out', rel(SYNC_OUT)];
const syncLabel = `specfirst sync ${rel(BIG)} --out ${rel(SYNC_OUT)}`;
rmSync(SYNC_OUT, { recursive: true, force: true });
const probe = runNode(syncArgs);
let full;
let noop;
const noopWrites = [];
if (probe.status !== 0) {
  fail(`\`${syncLabel}\` exited ${probe.status}:\n${probe.output}`);
} else {
  full = measure(syncLabel, syncArgs, { before: () => rmSync(SYNC_OUT, { recursive: true, force: true }) });
  const files = [...snapshot(SYNC_OUT).values()].filter((v) => v !== 'dir');
  const bytes = files.reduce((n, v) => n + Number(v.split(' ')[1]), 0);
  rows.push({
    label: `specfirst sync, full (empty out dir; writes ${files.length} files, ${(bytes / 1024).toFixed(0)} KiB)`,
    vs: 'A',
    ...full,
  });

  // The out dir is now up to date; a sync must leave every file under bench/.out/codegen alone.
  let snap;
  noop = measure(`${syncLabel} (no-op)`, syncArgs, {
    before: () => (snap = snapshot(OUT)),
    after: () => noopWrites.push(...differences(snap, snapshot(OUT))),
  });
  rows.push({ label: 'specfirst sync, no-op (out dir up to date)', vs: 'A', ...noop });
}

// ---------------------------------------------------------------------------------------------
// Printing

const fmtMs = (v) => (v === undefined ? '' : v >= 100 ? v.toFixed(0) : v.toFixed(1));
const fmtMiB = (s) => (s === undefined ? '' : `${s.median.toFixed(1)} MiB`);
const table = rows.map((r) => {
  const base = r.vs ? rows.find((b) => b.id === r.vs) : undefined;
  return [
    `${r.id ? `[${r.id}] ` : '    '}${r.label}`,
    fmtMs(r.time.median),
    fmtMs(r.time.min),
    fmtMiB(r.rss),
    base ? `${(r.time.median / base.time.median).toFixed(2)}x [${r.vs}]` : r.id === 'A' ? 'baseline' : '',
  ];
});
const headers = ['measurement (whole process, wall time)', 'median ms', 'min ms', 'peak RSS', 'ratio (median / [A])'];
const widths = headers.map((h, i) => Math.max(h.length, ...table.map((cells) => cells[i].length)));
const line = (cells) =>
  cells
    .map((c, i) => (i === 0 || i === 4 ? c.padEnd(widths[i]) : c.padStart(widths[i])))
    .join('  ')
    .trimEnd();
log(line(headers));
log(widths.map((w) => '-'.repeat(w)).join('  '));
for (const cells of table) log(line(cells));

log('');
log('Goals (from the issue)');
const ms = (v) => `${v.toFixed(0)} ms`;
if (full) {
  log(
    `        full sync / openapi-typescript: ${(full.time.median / ot.time.median).toFixed(2)}x (${ms(full.time.median)} vs ${ms(ot.time.median)}, medians)`,
  );
  log(
    `  ${noop.time.median < GOAL.noopMs ? 'PASS' : 'MISS'}  no-op sync < ${GOAL.noopMs} ms: median ${ms(noop.time.median)}, min ${ms(noop.time.min)}`,
  );
  if (noopWrites.length === 0)
    log(
      `  PASS  no-op sync wrote nothing (mtime and size of every file under ${rel(OUT)} unchanged over ${1 + RUNS} runs)`,
    );
  else {
    log(
      `  FAIL  no-op sync wrote: ${noopWrites.length === 1 ? '1 change' : `${noopWrites.length} changes`} under ${rel(OUT)}:`,
    );
    for (const change of noopWrites.slice(0, 20)) log(`          ${change}`);
    if (noopWrites.length > 20) log(`          ... and ${noopWrites.length - 20} more`);
    exitCode = 1;
  }
} else {
  log('        full sync / openapi-typescript: not measured (no `specfirst sync`)');
  log(`        no-op sync < ${GOAL.noopMs} ms: not measured (no \`specfirst sync\`)`);
}
log(
  `        openapi-typescript here: median ${ms(ot.time.median)}; the issue reports about ${(GOAL.openapiTypescriptReportedMs / 1000).toFixed(1)} s on these machines`,
);
for (const note of notes) log(`  note: ${note}`);
log(
  `  (load average at the end: ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}; figures from a busy machine vary, compare min as well as median)`,
);
process.exitCode = exitCode;
