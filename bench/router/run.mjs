#!/usr/bin/env node
/**
 * Benchmarks the request validation of Express 5 servers over loopback: plain Express (no
 * validation, the ceiling and the named baseline), zod, express-openapi-validator, a hand-written
 * ajv handler and the router SpecFirst generates, on two bodies (one user, 100 users). See
 * bench/README.md.
 *
 *   pnpm bench:router             (builds first)
 *   node bench/router/run.mjs     (uses the current build)
 *
 * Each server is its own process pinned to core 0 (`taskset -c 0`), the load generator
 * (autocannon, bench/router/load.mjs) its own process pinned to core 1. Before measuring, each
 * server must answer 201 to the valid bodies and 400 to each invalid one (plain Express is exempt
 * from the 400s). Any non-2xx answer, error or timeout while measuring fails the run.
 *
 * Environment: BENCH_SECONDS (measured seconds, default 10), BENCH_WARMUP_SECONDS (default 3),
 * BENCH_CONNECTIONS (default 100), BENCH_PIPELINING (default 1),
 * BENCH_SERVERS (comma-separated ids, default all: plain,generated,zod,openapi-validator,ajv).
 * Exits 1 on any error, 2 on bad usage.
 */
import { Buffer } from 'node:buffer';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { clearTimeout, setTimeout } from 'node:timers';
import { isDeepStrictEqual } from 'node:util';
import { fail, log, positiveInt } from '../lib.mjs';

const ROOT = path.resolve(import.meta.dirname, '../..');
const HERE = import.meta.dirname;
const OUT = path.join(ROOT, 'bench/.out/router');
const LOAD = path.join(HERE, 'load.mjs');
const CLI = path.join(ROOT, 'packages/cli/bin/specfirst.js');
const API = path.join(HERE, 'api.yaml');
const GENERATED_OUT = path.join(ROOT, 'bench/.out/router-generated');
const GENERATED_JS = path.join(ROOT, 'bench/.out/router-generated-js');
const TASKSET = '/usr/bin/taskset';
const SERVER_CORE = '0';
const LOAD_CORE = '1';

const SECONDS = positiveInt('BENCH_SECONDS', 10);
const WARMUP_SECONDS = positiveInt('BENCH_WARMUP_SECONDS', 3);
// 100 connections keep the server's core busy; with 10, plain Express left it idle a third of the time
// on these 2-core machines, which pulled every ratio towards 1.
const CONNECTIONS = positiveInt('BENCH_CONNECTIONS', 100);
const PIPELINING = positiveInt('BENCH_PIPELINING', 1);

/**
 * The servers, in the order they are measured. `issue` holds the ratios to plain Express that the
 * issue reports for these machines, printed next to ours.
 */
const SERVERS = [
  { id: 'plain', file: 'plain-express.mjs', label: 'plain Express, no validation', validates: false },
  { id: 'generated', file: 'generated.mjs', label: 'SpecFirst generated router', validates: true },
  { id: 'zod', file: 'zod.mjs', label: 'zod 4', validates: true, issue: { small: 0.98, bulk: 0.62 } },
  {
    id: 'openapi-validator',
    file: 'openapi-validator.mjs',
    label: 'express-openapi-validator',
    validates: true,
    issue: { small: 0.73, bulk: 0.73 },
  },
  {
    id: 'ajv',
    file: 'ajv-handwritten.mjs',
    label: 'hand-written ajv handler',
    validates: true,
    issue: { small: 0.96, bulk: 0.95 },
  },
];

/** Live server and load processes, ended on any exit. */
const children = new Set();
process.on('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(130));

const rel = (p) => path.relative(ROOT, p) || '.';

// ---------------------------------------------------------------------------------------------
// Which servers

const explicit = process.env.BENCH_SERVERS !== undefined && process.env.BENCH_SERVERS.trim() !== '';
const selectedIds = explicit
  ? [
      ...new Set(
        process.env.BENCH_SERVERS.split(',')
          .map((s) => s.trim())
          .filter(Boolean),
      ),
    ]
  : SERVERS.map((s) => s.id);
const unknownIds = selectedIds.filter((id) => !SERVERS.some((s) => s.id === id));
if (unknownIds.length > 0)
  fail(
    `BENCH_SERVERS names unknown ${unknownIds.length === 1 ? 'server' : 'servers'} ${unknownIds.join(', ')}; known: ${SERVERS.map((s) => s.id).join(', ')}`,
    2,
  );
const selected = SERVERS.filter((s) => selectedIds.includes(s.id));

// ---------------------------------------------------------------------------------------------
// Bodies and the checks every server must pass

const ADDRESS = { line1: "12 St James's Square", city: 'London', postcode: 'SW1Y 4JH', country: 'GB' };
const USER = {
  email: 'ada@example.com',
  name: 'Ada Lovelace',
  role: 'admin',
  password: 'correct horse battery',
  address: ADDRESS,
};
const USER_ID = '5f0c3c52-8d4e-4c1b-9a57-2f6a1d0e7b93'; // as in servers/common.mjs
const BULK_SIZE = 100;
const bulk = (last) => [...Array.from({ length: BULK_SIZE - 1 }, () => USER), last];
const { password: _password, ...USER_OUT } = USER;

const BODIES = [
  { id: 'small', title: '(a) one user: POST /users', path: '/users', body: USER },
  { id: 'bulk', title: `(b) ${BULK_SIZE} users: POST /users/bulk`, path: '/users/bulk', body: bulk(USER) },
];

/** Valid requests: status 201 and this answer (`createdAt` only has to be a date-time string). */
const VALID = [
  { what: 'one user', path: '/users', body: USER, answer: { id: USER_ID, ...USER_OUT } },
  {
    what: 'one user without role (default customer)',
    path: '/users',
    body: { ...USER, role: undefined },
    answer: { id: USER_ID, ...USER_OUT, role: 'customer' },
  },
  {
    what: 'one user without address',
    path: '/users',
    body: { ...USER, address: undefined },
    answer: { id: USER_ID, ...USER_OUT, address: undefined },
  },
  { what: `${BULK_SIZE} users`, path: '/users/bulk', body: bulk(USER), answer: { created: BULK_SIZE } },
];

/** Invalid requests: each must get 400 from every server that validates. */
const INVALID = [
  { what: 'unknown property isAdmin', path: '/users', body: { ...USER, isAdmin: true } },
  { what: 'email not-an-email', path: '/users', body: { ...USER, email: 'not-an-email' } },
  { what: 'unknown property in address', path: '/users', body: { ...USER, address: { ...ADDRESS, floor: '2' } } },
  { what: 'country gb (lower case)', path: '/users', body: { ...USER, address: { ...ADDRESS, country: 'gb' } } },
  {
    what: 'postcode of 17 characters',
    path: '/users',
    body: { ...USER, address: { ...ADDRESS, postcode: 'X'.repeat(17) } },
  },
  { what: 'password of 11 characters', path: '/users', body: { ...USER, password: 'x'.repeat(11) } },
  { what: 'empty name', path: '/users', body: { ...USER, name: '' } },
  { what: 'name of 101 characters', path: '/users', body: { ...USER, name: 'x'.repeat(101) } },
  { what: 'role root', path: '/users', body: { ...USER, role: 'root' } },
  { what: 'no email', path: '/users', body: { ...USER, email: undefined } },
  { what: 'an array instead of a user', path: '/users', body: [USER] },
  {
    what: 'last of the users has unknown property isAdmin',
    path: '/users/bulk',
    body: bulk({ ...USER, isAdmin: true }),
  },
  {
    what: 'last of the users has email not-an-email',
    path: '/users/bulk',
    body: bulk({ ...USER, email: 'not-an-email' }),
  },
  { what: 'a user instead of an array', path: '/users/bulk', body: USER },
];

async function post(port, urlPath, body) {
  const response = await globalThis.fetch(`http://127.0.0.1:${port}${urlPath}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: globalThis.AbortSignal.timeout(10_000),
  });
  const text = await response.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, text, json };
}

/** Returns the problems found; an empty list means the server behaves. */
async function checkServer(server, port) {
  const problems = [];
  for (const c of VALID) {
    const r = await post(port, c.path, c.body);
    const { createdAt, ...rest } = r.json ?? {};
    const expected = JSON.parse(JSON.stringify(c.answer)); // drops the undefined properties
    const okCreatedAt = !('id' in expected) || (typeof createdAt === 'string' && !Number.isNaN(Date.parse(createdAt)));
    if (r.status !== 201 || !isDeepStrictEqual(rest, expected) || !okCreatedAt) {
      problems.push(
        `${c.what}: expected 201 ${JSON.stringify({ ...expected, ...('id' in expected ? { createdAt: '…' } : {}) })}, got ${r.status} ${r.text.slice(0, 300)}`,
      );
    }
  }
  if (server.validates) {
    for (const c of INVALID) {
      const r = await post(port, c.path, c.body);
      if (r.status !== 400)
        problems.push(`${c.what} (POST ${c.path}): expected 400, got ${r.status} ${r.text.slice(0, 200)}`);
    }
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// Processes

class NotWired extends Error {}

/** Starts a server pinned to SERVER_CORE and resolves with its process and port. */
function startServer(server) {
  return new Promise((resolve, reject) => {
    const child = spawn(TASKSET, ['-c', SERVER_CORE, process.execPath, path.join(HERE, 'servers', server.file)], {
      cwd: ROOT,
      env: { ...process.env, NODE_ENV: 'production' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.add(child);
    let stdout = '';
    let stderr = '';
    let done = false;
    const timer = setTimeout(() => settle(new Error(`${server.file} printed no port within 20 s`)), 20_000);
    const settle = (error, port) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (error) {
        child.kill('SIGKILL');
        reject(error);
      } else resolve({ child, port, stderr: () => stderr });
    };
    child.stdout.setEncoding('utf8').on('data', (chunk) => {
      stdout = (stdout + chunk).slice(-10_000);
      const match = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(stdout);
      if (match) settle(undefined, Number(match[1]));
    });
    child.stderr.setEncoding('utf8').on('data', (chunk) => (stderr = (stderr + chunk).slice(-10_000)));
    child.on('error', (error) => settle(error));
    child.on('exit', (code, signal) => {
      children.delete(child);
      if (/Error: not wired yet/.test(stderr)) settle(new NotWired(stderr.trim()));
      else
        settle(
          new Error(
            `${server.file} exited (${signal ?? `code ${code}`}) before listening:\n${(stderr || stdout).trim()}`,
          ),
        );
    });
  });
}

function stopServer({ child }) {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(timer);
      children.delete(child);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** Runs autocannon (load.mjs) pinned to LOAD_CORE and resolves with its figures. */
function runLoad(port, bodyFile, urlPath, seconds) {
  return new Promise((resolve, reject) => {
    const args = [
      '-c',
      LOAD_CORE,
      process.execPath,
      LOAD,
      `http://127.0.0.1:${port}${urlPath}`,
      bodyFile,
      String(seconds),
      String(CONNECTIONS),
      String(PIPELINING),
    ];
    const child = spawn(TASKSET, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('exit', (code) => {
      children.delete(child);
      const line = stdout.trim().split('\n').pop();
      if (code !== 0 || !line) return reject(new Error(`load generator exited ${code}:\n${stderr.trim()}`));
      resolve(JSON.parse(line));
    });
  });
}

/** The cores a process may run on, from /proc (Linux). */
function cpusAllowed(pid) {
  try {
    return /Cpus_allowed_list:\s*(\S+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? '?';
  } catch {
    return '?';
  }
}

// ---------------------------------------------------------------------------------------------
// Preparing

if (!existsSync(TASKSET))
  fail(`${TASKSET} not found; the bench pins the server and the load generator to cores with it`);
for (const core of [SERVER_CORE, LOAD_CORE]) {
  const probe = spawnSync(TASKSET, ['-c', core, 'true'], { encoding: 'utf8' });
  if (probe.status !== 0)
    fail(
      `\`taskset -c ${core} true\` failed (${(probe.stderr || probe.error?.message || '').trim()}); the bench needs cores ${SERVER_CORE} and ${LOAD_CORE}`,
    );
}

mkdirSync(OUT, { recursive: true });
for (const b of BODIES) {
  b.file = path.join(OUT, `${b.id}.json`);
  writeFileSync(b.file, JSON.stringify(b.body));
  b.bytes = Buffer.byteLength(JSON.stringify(b.body));
}

const notes = [];
if (selected.some((s) => s.id === 'generated')) prepareGenerated();

/**
 * The generated server imports what `specfirst sync` writes. Regenerate it from api.yaml into
 * bench/.out/router-generated, then copy that to bench/.out/router-generated-js with every `.ts`
 * file (not `.d.ts`) transpiled to `.js` by the repository's TypeScript (no type check), because
 * servers run on plain `node`. The copy keeps sync's own output folder exactly as sync left it.
 */
function prepareGenerated() {
  if (!existsSync(path.join(ROOT, 'packages/cli/dist/main.js')))
    fail('no build found; run `pnpm build` first (or `pnpm bench:router`, which builds)', 2);
  rmSync(GENERATED_JS, { recursive: true, force: true });
  const sync = spawnSync(process.execPath, [CLI, 'sync', rel(API), '--out', rel(GENERATED_OUT)], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  const said = `${sync.stdout}${sync.stderr}`.trim();
  if (sync.error || sync.status !== 0) {
    notes.push(
      /unknown command 'sync'/.test(said)
        ? '`specfirst sync` does not exist yet (the CLI says "unknown command \'sync\'"), so nothing was generated'
        : `\`specfirst sync ${rel(API)} --out ${rel(GENERATED_OUT)}\` failed (exit ${sync.status}): ${said.split('\n').slice(0, 5).join(' | ')}`,
    );
    return;
  }
  const ts = createRequire(path.join(ROOT, 'package.json'))('typescript');
  cpSync(GENERATED_OUT, GENERATED_JS, { recursive: true });
  let transpiled = 0;
  for (const entry of readdirSync(GENERATED_JS, { recursive: true })) {
    const file = path.join(GENERATED_JS, entry);
    if (!/\.[cm]?ts$/.test(file) || /\.d\.[cm]?ts$/.test(file)) continue;
    const { outputText } = ts.transpileModule(readFileSync(file, 'utf8'), {
      fileName: file,
      compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022 },
    });
    writeFileSync(file.replace(/ts$/, 'js'), outputText);
    transpiled++;
  }
  notes.push(
    `generated: \`specfirst sync ${rel(API)} --out ${rel(GENERATED_OUT)}\` ok; ${transpiled} .ts ${transpiled === 1 ? 'file' : 'files'} transpiled into ${rel(GENERATED_JS)}`,
  );
}

log('router benchmark');
log(
  `  node ${process.version}, ${os.cpus()[0]?.model ?? 'unknown CPU'} × ${os.cpus().length}, load average ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
log(
  `  servers on core ${SERVER_CORE}, autocannon on core ${LOAD_CORE}; ${CONNECTIONS} connections, pipelining ${PIPELINING}; ${WARMUP_SECONDS} s warm-up, then ${SECONDS} s measured`,
);
log(
  `  bodies: ${BODIES.map((b) => `${b.id} ${b.bytes} bytes`).join(', ')}; servers: ${selected.map((s) => s.id).join(', ')}`,
);
for (const note of notes) log(`  note: ${note}`);
log('');

// ---------------------------------------------------------------------------------------------
// Measuring

/** results.get(bodyId).get(serverId) = figures */
const results = new Map(BODIES.map((b) => [b.id, new Map()]));
const skipped = new Map();

for (const b of BODIES) {
  log(`${b.title} (${b.bytes} bytes)`);
  for (const server of selected) {
    if (skipped.has(server.id)) continue;
    let running;
    try {
      running = await startServer(server);
    } catch (error) {
      if (error instanceof NotWired && server.id === 'generated') {
        const why = `bench/router/servers/${server.file} is not wired yet (it throws "not wired yet"; see the TODO at its top)`;
        if (explicit) fail(`${why}, but BENCH_SERVERS asks for it`);
        skipped.set(server.id, why);
        log(`  ${server.id.padEnd(18)} SKIPPED: ${why}`);
        continue;
      }
      const syncNote = server.id === 'generated' && notes.length > 0 ? `\n(${notes.join('; ')})` : '';
      fail(`could not start ${server.id}: ${error.message}${syncNote}`);
    }
    const pinned = cpusAllowed(running.child.pid);
    if (pinned !== SERVER_CORE) fail(`${server.id} runs on cores ${pinned}, expected ${SERVER_CORE}`);

    const problems = await checkServer(server, running.port).catch((error) => [`request failed: ${error.message}`]);
    if (problems.length > 0) {
      fail(
        `${server.id} (${server.file}) fails the checks before measuring:\n  ${problems.join('\n  ')}${running.stderr() ? `\nits stderr:\n${running.stderr()}` : ''}`,
      );
    }

    const failOnRejects = (phase, r) => {
      if (r.non2xx > 0 || r.errors > 0 || r.timeouts > 0 || r.ok2xx === 0) {
        fail(
          `FAILED: ${server.id} during ${phase} on ${b.id}: ${r.non2xx} non-2xx answers, ${r.errors} errors, ${r.timeouts} timeouts, ` +
            `${r.ok2xx} 2xx (status codes ${JSON.stringify(r.statusCodes)}). A non-2xx answer means the benchmark body was rejected.` +
            `${running.stderr() ? `\nserver stderr:\n${running.stderr()}` : ''}`,
        );
      }
    };
    try {
      failOnRejects('warm-up', await runLoad(running.port, b.file, b.path, WARMUP_SECONDS));
      const r = await runLoad(running.port, b.file, b.path, SECONDS);
      failOnRejects('measurement', r);
      results.get(b.id).set(server.id, r);
      log(
        `  ${server.id.padEnd(18)} ${fmtInt(r.reqPerSec).padStart(8)} req/s  p99 ${r.latencyP99} ms  (${r.requests} requests, checks passed, server on core ${pinned})`,
      );
    } catch (error) {
      fail(`${server.id} on ${b.id}: ${error.message}`);
    } finally {
      await stopServer(running);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Printing

function fmtInt(n) {
  return Math.round(n).toLocaleString('en-US');
}
const ratio = (a, b) => (a && b ? `${(a.reqPerSec / b.reqPerSec).toFixed(2)}x` : '');

log('');
log('Results: req/s is the mean of the per-second samples; ratio = req/s ÷ req/s of [P] plain Express');
log('(above 1 is faster); "issue" is the ratio the issue reports for these machines.');
for (const b of BODIES) {
  const byServer = results.get(b.id);
  const base = byServer.get('plain');
  log('');
  log(`${b.title}, ${b.bytes} bytes`);
  const headers = ['server', 'req/s', 'ratio [P]', 'p99 ms', 'issue'];
  const rows = selected
    .filter((s) => byServer.has(s.id))
    .map((s) => {
      const r = byServer.get(s.id);
      return [
        `${s.id === 'plain' ? '[P] ' : '    '}${s.id} (${s.label})`,
        fmtInt(r.reqPerSec),
        s.id === 'plain' ? 'baseline' : ratio(r, base),
        String(r.latencyP99),
        s.issue ? `${s.issue[b.id].toFixed(2)}x` : '',
      ];
    });
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((cells) => cells[i].length)));
  const line = (cells) =>
    cells
      .map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i])))
      .join('  ')
      .trimEnd();
  log(line(headers));
  log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const cells of rows) log(line(cells));
  if (!base) log('  (no ratios: plain is not among BENCH_SERVERS)');
  const generated = byServer.get('generated');
  if (generated) {
    for (const other of ['zod', 'openapi-validator']) {
      const r = byServer.get(other);
      log(
        `  generated vs ${other}: ${r ? `${ratio(generated, r)} (${fmtInt(generated.reqPerSec)} vs ${fmtInt(r.reqPerSec)} req/s)` : `not measured (add ${other} to BENCH_SERVERS)`}`,
      );
    }
  }
}
log('');
for (const [id, why] of skipped) log(`skipped ${id}: ${why}`);
for (const note of notes) log(`note: ${note}`);
log(
  `(load average at the end: ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}; on a busy machine figures move by tens of percent between runs, compare ratios within one run)`,
);
