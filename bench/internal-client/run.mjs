#!/usr/bin/env node
/**
 * What an internal client costs over a plain `fetch`: the same GET to the same local server (its
 * own process, bench/internal-client/server.mjs), sequentially (time per call) and with
 * BENCH_CONCURRENCY calls in flight (calls per second), in the same run. See bench/README.md.
 *
 *   pnpm bench:internal-client              (builds first)
 *   node bench/internal-client/run.mjs      (uses the current build)
 *
 * Environment: BENCH_CALLS (calls per measured run, default 4000), BENCH_CONCURRENCY (calls in
 * flight in the concurrent runs, default 16), BENCH_ROUNDS (measured runs of each subject, default
 * 5). Exits 1 on any error, 2 on bad usage.
 */
import { fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { clearTimeout, setTimeout } from 'node:timers';
import { fail, log, positiveInt } from '../lib.mjs';

const ROOT = path.resolve(import.meta.dirname, '../..');
const CALLS = positiveInt('BENCH_CALLS', 4000);
const CONCURRENCY = positiveInt('BENCH_CONCURRENCY', 16);
const ROUNDS = positiveInt('BENCH_ROUNDS', 5);
const START_TIMEOUT_MS = 10_000;

if (!existsSync(path.join(ROOT, 'packages/runtime/dist/internal/index.js')))
  fail('no build found; run `pnpm build` first (or `pnpm bench:internal-client`, which builds)', 2);
const { createInternalClient, runInCallContext, newTraceparent } = await import('@specfirst/runtime/internal');

// ---------------------------------------------------------------------------------------------
// The callee

const server = fork(path.join(import.meta.dirname, 'server.mjs'), [], { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
const port = await new Promise((resolve, reject) => {
  const timer = setTimeout(
    () => reject(new Error(`the server did not start within ${START_TIMEOUT_MS} ms`)),
    START_TIMEOUT_MS,
  );
  server.stdout.once('data', (chunk) => {
    clearTimeout(timer);
    resolve(Number(String(chunk).trim()));
  });
  server.once('exit', (code) => reject(new Error(`the server exited (${code}) before it listened`)));
}).catch((error) => fail(error.message));
process.on('exit', () => server.kill());
const BASE = `http://127.0.0.1:${port}`;

// ---------------------------------------------------------------------------------------------
// The subjects: one GET of a user each, its JSON body read

const table = {
  caller: 'orders',
  callee: 'users',
  urlEnv: 'USERS_URL',
  defaultUrl: 'http://users:3001',
  keyEnv: 'SPECFIRST_KEY_ORDERS_TO_USERS',
  basePath: '/api',
  operations: { getUser: { method: 'get', path: '/users/{id}', statuses: ['200', '404'] } },
};
const unsigned = createInternalClient(table, { baseUrl: BASE, env: {} });
const signed = createInternalClient(table, {
  baseUrl: BASE,
  env: { SPECFIRST_KEY_ORDERS_TO_USERS: 'bench-key-0123456789abcdef' },
});
const context = { requestId: 'bench-request', traceparent: newTraceparent() };

function check(status, body, what) {
  if (status !== 200 || body?.id !== '7') fail(`${what} answered ${status} ${JSON.stringify(body)}`);
}

const SUBJECTS = [
  {
    name: '[F] fetch',
    call: async () => {
      const response = await globalThis.fetch(`${BASE}/api/users/7`);
      const body = await response.json();
      check(response.status, body, 'fetch');
    },
  },
  {
    name: 'internal client',
    call: async () => {
      const { status, body } = await unsigned.getUser({ params: { id: '7' } });
      check(status, body, 'the internal client');
    },
  },
  {
    name: 'signed, in a call context',
    call: () =>
      runInCallContext(context, async () => {
        const { status, body } = await signed.getUser({ params: { id: '7' } });
        check(status, body, 'the signed internal client');
      }),
  },
];

/** `calls` calls, `inFlight` at a time; the elapsed ms. */
async function run(subject, calls, inFlight) {
  let next = 0;
  const lane = async () => {
    while (next < calls) {
      next++;
      await subject.call();
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: inFlight }, lane));
  return performance.now() - started;
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

log(
  `internal client vs fetch: ${CALLS} GETs per run, ${ROUNDS} rounds, concurrency 1 and ${CONCURRENCY}; server on ${BASE}`,
);
for (const subject of SUBJECTS) {
  await run(subject, Math.min(CALLS, 1000), 1); // warm-up: JIT, keep-alive connections
  await run(subject, Math.min(CALLS, 1000), CONCURRENCY);
}

const results = new Map(SUBJECTS.map((s) => [s.name, { sequential: [], concurrent: [], seqRatio: [], conRatio: [] }]));
for (let round = 1; round <= ROUNDS; round++) {
  // Subjects take turns within a round: pairs run back to back see the same machine load, so each
  // round's ratios to [F] are compared, not figures from different moments.
  const line = [];
  let fetchSeq;
  let fetchCon;
  for (const subject of SUBJECTS) {
    const seq = ((await run(subject, CALLS, 1)) * 1000) / CALLS;
    const con = (CALLS * 1000) / (await run(subject, CALLS, CONCURRENCY));
    fetchSeq ??= seq;
    fetchCon ??= con;
    const r = results.get(subject.name);
    r.sequential.push(seq);
    r.concurrent.push(con);
    r.seqRatio.push(seq / fetchSeq);
    r.conRatio.push(con / fetchCon);
    line.push(
      `${subject.name} ${seq.toFixed(0)} µs/call (${(seq / fetchSeq).toFixed(2)}x), ${Math.round(con)} calls/s (${(con / fetchCon).toFixed(2)}x)`,
    );
  }
  log(`round ${round}: ${line.join(' | ')}`);
}

log('');
log(
  `| Subject | one at a time: µs per call | ÷ [F] (median of rounds) | ${CONCURRENCY} in flight: calls/s | ÷ [F] (median of rounds) |`,
);
log('| --- | --- | --- | --- | --- |');
for (const subject of SUBJECTS) {
  const { sequential, concurrent, seqRatio, conRatio } = results.get(subject.name);
  log(
    `| ${subject.name} | ${median(sequential).toFixed(0)} | ${median(seqRatio).toFixed(2)}x | ${Math.round(median(concurrent)).toLocaleString('en-US')} | ${median(conRatio).toFixed(2)}x |`,
  );
}
log('');
log(
  "Medians over the rounds. Time per call ÷ fetch's: above 1 is slower; calls per second ÷ fetch's: below 1 is slower.",
);
server.kill();
