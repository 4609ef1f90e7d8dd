#!/usr/bin/env node
/**
 * Jobs per second end to end (enqueue → handler → completed) on real Redis: the task code
 * `specfirst sync` generates for the shop fixture (orders' `enqueueSendReceipt`, the mailer's
 * `createMailerWorker`, on `bullmqTaskBackend`), against raw BullMQ (`Queue.add` + `Worker`) with the
 * same concurrency and payload, in the same run, the two taking turns; and the latency of one
 * enqueue (p50, p99) of each, under that load and one at a time. See bench/README.md.
 *
 *   pnpm bench:tasks              (builds first)
 *   node bench/tasks/run.mjs      (uses the current build)
 *
 * Environment: REDIS_URL (default redis://127.0.0.1:6379), BENCH_JOBS (per run, default 5000),
 * BENCH_CONCURRENCY (the worker's concurrency and the enqueues in flight, default 32), BENCH_ROUNDS
 * (measured runs of each subject, default 5), BENCH_LATENCY (enqueues one at a time per subject and
 * round, default 500). Exits 1 on any error (Redis unreachable included), 2 on bad usage.
 */
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { clearTimeout, setTimeout } from 'node:timers';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { TASK_JOB_VERSION, taskQueueName } from '@specfirst/spec-core/tasks';
import { fail, log, positiveInt } from '../lib.mjs';

const ROOT = path.resolve(import.meta.dirname, '../..');
const OUT = path.join(ROOT, 'bench/.out/tasks');
const CLI = path.join(ROOT, 'packages/cli/bin/specfirst.js');
const GENERATED = path.join(OUT, 'generated');
const GENERATED_JS = path.join(OUT, 'generated-js');
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

const JOBS = positiveInt('BENCH_JOBS', 5000);
// bullmqTaskBackend keeps the newest 10,000 completed jobs; a run counts its completed jobs.
if (JOBS > 10_000) fail(`BENCH_JOBS must be at most 10000, got ${JOBS}`, 2);
const CONCURRENCY = positiveInt('BENCH_CONCURRENCY', 32);
const ROUNDS = positiveInt('BENCH_ROUNDS', 5);
const LATENCY = positiveInt('BENCH_LATENCY', 500);
const RUN_TIMEOUT_MS = 60_000;

const quiet = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
const rel = (file) => path.relative(ROOT, file);
const fmtInt = (n) => Math.round(n).toLocaleString('en-US');
const fmtMs = (ms) => ms.toFixed(2);
const fmtMs3 = (ms) => ms.toFixed(3);

// The BullMQ the runtime depends on (the same copy its backend loads), for the raw baseline.
const { Queue, Worker } = createRequire(path.join(ROOT, 'packages/runtime/package.json'))('bullmq');

// ---------------------------------------------------------------------------------------------
// Redis, and the keys of this run

const admin = new Redis(REDIS_URL, { lazyConnect: true, connectTimeout: 3000, maxRetriesPerRequest: 1 });
admin.on('error', () => undefined);
try {
  await admin.connect();
  await admin.ping();
} catch (error) {
  fail(`cannot reach Redis at ${REDIS_URL} (set REDIS_URL, or start redis-server on 127.0.0.1:6379): ${error.message}`);
}
/** Every BullMQ prefix of this run starts so (without `:`, which bullmqTaskBackend refuses; BullMQ adds its own after a prefix). */
const RUN = `sf-bench-tasks-${process.pid}-${Date.now().toString(36)}`;

async function deletePrefix(prefix) {
  let cursor = '0';
  for (let round = 0; round < 10_000; round++) {
    const [next, keys] = await admin.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    if (keys.length > 0) await admin.unlink(...keys);
    cursor = next;
    if (cursor === '0') return;
  }
}
process.on('exit', () => admin.disconnect());
for (const signal of ['SIGINT', 'SIGTERM'])
  process.on(signal, () => void deletePrefix(RUN).finally(() => process.exit(130)));

// ---------------------------------------------------------------------------------------------
// The subject: generated code for the shop fixture

/**
 * Runs `specfirst sync` on fixtures/shop into bench/.out/tasks/generated and transpiles the
 * generated `.ts` files to `.js` next to a copy, since the bench runs on plain `node`. Returns the
 * imported orders and mailer task modules.
 */
async function prepareGenerated() {
  if (!existsSync(path.join(ROOT, 'packages/cli/dist/main.js')))
    fail('no build found; run `pnpm build` first (or `pnpm bench:tasks`, which builds)', 2);
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
  const shop = path.join(ROOT, 'fixtures/shop');
  const result = spawnSync(process.execPath, [CLI, 'sync', rel(shop), '--out', rel(GENERATED)], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  if (result.error || result.status !== 0)
    fail(
      `\`specfirst sync ${rel(shop)} --out ${rel(GENERATED)}\` failed (exit ${result.status}):\n${result.stdout}${result.stderr}`,
    );
  const ts = createRequire(path.join(ROOT, 'package.json'))('typescript');
  cpSync(GENERATED, GENERATED_JS, { recursive: true });
  for (const entry of readdirSync(GENERATED_JS, { recursive: true })) {
    const file = path.join(GENERATED_JS, entry);
    if (!/\.[cm]?ts$/.test(file) || /\.d\.[cm]?ts$/.test(file)) continue;
    const { outputText } = ts.transpileModule(readFileSync(file, 'utf8'), {
      fileName: file,
      compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022 },
    });
    writeFileSync(file.replace(/ts$/, 'js'), outputText);
  }
  const load = async (service) => {
    const file = path.join(GENERATED_JS, 'tasks', service, 'index.js');
    if (!existsSync(file)) fail(`\`specfirst sync\` wrote no ${rel(file).replace(/\.js$/, '.ts')}`);
    return import(pathToFileURL(file).href);
  };
  return { orders: await load('orders'), mailer: await load('mailer') };
}

const generated = await prepareGenerated();
const { memoryTaskBackend } = await import('@specfirst/runtime/tasks');
const { bullmqTaskBackend } = await import('@specfirst/runtime/tasks/bullmq');
const task = generated.mailer.sendReceiptTask;
const QUEUE = taskQueueName(task.worker);

/** `SendReceiptArgs` (fixtures/shop/spec/models.yaml), valid for the generated validator: the payload of every subject. */
const sendReceiptArgs = (n) => ({ orderId: randomUUID(), email: `customer${n}@example.com` });
/** What every subject's handler returns: a `SendReceiptResult`. */
const receipt = (args) => ({ messageId: `receipt-${args.orderId}` });

/** Every subject's handler: checks it got a `SendReceiptArgs`, counts it, returns a receipt. */
function handlerCounting(total, label) {
  let handled = 0;
  let resolve;
  const done = new Promise((r) => (resolve = r));
  const handle = (args) => {
    if (typeof args?.orderId !== 'string') throw new Error(`${label}: handler got ${JSON.stringify(args)}`);
    if (++handled === total) resolve();
    return receipt(args);
  };
  return { handle, done, count: () => handled };
}

/** `promise`, or an error saying `what()` (asked when the time is up) after RUN_TIMEOUT_MS. */
function withTimeout(promise, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what()} did not finish within ${RUN_TIMEOUT_MS} ms`)), RUN_TIMEOUT_MS);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Enqueues `total` jobs, CONCURRENCY in flight at a time, with `enqueueOne`; returns each enqueue's latency (ms). */
async function enqueueAll(total, enqueueOne) {
  const latencies = new Float64Array(total);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(CONCURRENCY, total) }, async () => {
      while (next < total) {
        const n = next++;
        const started = performance.now();
        await enqueueOne(sendReceiptArgs(n));
        latencies[n] = performance.now() - started;
      }
    }),
  );
  return latencies;
}

/**
 * Resolves once BullMQ counts `total` completed jobs on `queue` under `prefix`: the last one is done.
 * (Completed, not "nothing waiting": the generated mailer also keeps its `purgeCarts` schedule, whose
 * next run waits as a delayed job.)
 */
async function untilCompleted(prefix, total) {
  const queue = new Queue(QUEUE, { connection: admin, prefix });
  try {
    for (let i = 0; i < 100_000; i++) {
      if ((await queue.getCompletedCount()) >= total) return;
      await sleep(1);
    }
    throw new Error(`fewer than ${total} jobs completed on ${prefix}:${QUEUE}`);
  } finally {
    await queue.close();
  }
}

/** redis-server's CPU time so far (ms), from INFO cpu. */
async function redisCpuMs() {
  const info = await admin.info('cpu');
  const field = (name) => Number(new RegExp(`${name}:([\\d.]+)`).exec(info)?.[1] ?? NaN);
  return (field('used_cpu_user') + field('used_cpu_sys')) * 1000;
}

/**
 * CPU time from now on, per job: this process's (producer and worker), and redis-server's (which
 * counts whatever else the server runs meanwhile: the steadier figure on a Redis of one's own).
 */
async function cpuMeter() {
  const redisBefore = await redisCpuMs();
  const before = process.cpuUsage();
  return {
    async perJob(total) {
      const used = process.cpuUsage(before);
      const redis = (await redisCpuMs()) - redisBefore;
      return { process: (used.user + used.system) / 1000 / total, redis: redis / total };
    },
  };
}

/** A connection for BullMQ as its docs ask for one (no per-request retry limit). */
const bullConnection = () => new Redis(REDIS_URL, { maxRetriesPerRequest: null });

/** The job options raw BullMQ gets: the task's attempts and backoff, as a user would write them. */
const rawJobOptions = () => ({
  attempts: task.retry.attempts,
  backoff: { type: task.retry.backoff === 'fixed' ? 'fixed' : 'exponential', delay: task.retry.delayMs },
});
/**
 * The same, with the settings bullmqTaskBackend gives every job on top (an id of its own, the newest
 * 10,000 completed jobs kept for a day, failed jobs kept): a row for information, which tells what
 * those settings cost BullMQ from what the runtime costs.
 */
const backendLikeJobOptions = () => ({
  ...rawJobOptions(),
  jobId: randomUUID(),
  removeOnComplete: { count: 10_000, age: 86_400 },
  removeOnFail: false,
});

/** The generated producer and worker (a backend each, like two services) on Redis, or both on one memory backend. */
async function runGenerated(total, transport = 'redis') {
  const prefix = `${RUN}-gen-${randomUUID().slice(0, 8)}`;
  const shared = transport === 'memory' ? memoryTaskBackend() : undefined;
  const producerBackend = shared ?? bullmqTaskBackend({ url: REDIS_URL, prefix });
  const workerBackend = shared ?? bullmqTaskBackend({ url: REDIS_URL, prefix });
  const counter = handlerCounting(total, 'generated');
  const tasks = generated.orders.createOrdersTasks(producerBackend);
  const worker = generated.mailer.createMailerWorker(
    { sendReceipt: (args) => counter.handle(args), purgeCarts: () => undefined },
    { backend: workerBackend, concurrency: CONCURRENCY, logger: quiet },
  );
  await worker.start();
  const handles = [];
  const cpu = await cpuMeter();
  const started = performance.now();
  let latencies;
  await withTimeout(
    (async () => {
      latencies = await enqueueAll(total, async (args) => {
        handles.push(await tasks.enqueueSendReceipt(args));
      });
      await counter.done;
      if (shared) await Promise.all(handles.map((handle) => handle.result({ timeoutMs: RUN_TIMEOUT_MS })));
      else await untilCompleted(prefix, total);
    })(),
    () => `generated code on ${transport} (${counter.count()}/${total} handled)`,
  );
  const seconds = (performance.now() - started) / 1000;
  const cpuPerJob = await cpu.perJob(total);
  await worker.stop();
  await Promise.all(shared ? [shared.close()] : [producerBackend.close(), workerBackend.close()]);
  if (!shared) await deletePrefix(prefix);
  return { rate: total / seconds, latencies, cpuPerJob };
}

/** Raw BullMQ: `Queue.add` of the same job name and data (`{ v, args }`), and a `Worker` with the same concurrency and handler. */
async function runRaw(total, jobOptions = rawJobOptions) {
  const prefix = `${RUN}-raw-${randomUUID().slice(0, 8)}`;
  const connections = [bullConnection(), bullConnection()];
  const queue = new Queue(QUEUE, { connection: connections[0], prefix });
  const counter = handlerCounting(total, 'raw');
  const worker = new Worker(QUEUE, async (job) => counter.handle(job.data.args), {
    connection: connections[1],
    prefix,
    concurrency: CONCURRENCY,
  });
  await worker.waitUntilReady();
  const cpu = await cpuMeter();
  const started = performance.now();
  let latencies;
  await withTimeout(
    (async () => {
      latencies = await enqueueAll(total, (args) => queue.add(task.name, { v: TASK_JOB_VERSION, args }, jobOptions()));
      await counter.done;
      await untilCompleted(prefix, total);
    })(),
    () => `raw BullMQ (${counter.count()}/${total} handled)`,
  );
  const seconds = (performance.now() - started) / 1000;
  const cpuPerJob = await cpu.perJob(total);
  await worker.close();
  await queue.close();
  for (const connection of connections) connection.disconnect();
  await deletePrefix(prefix);
  return { rate: total / seconds, latencies, cpuPerJob };
}

/** Latency of `count` enqueues one at a time, no worker running (after 50 not counted). */
async function enqueueLatency(subject, count) {
  const prefix = `${RUN}-lat-${subject}-${randomUUID().slice(0, 8)}`;
  let enqueueOne;
  let close;
  if (subject !== 'generated') {
    const connection = bullConnection();
    const queue = new Queue(QUEUE, { connection, prefix });
    enqueueOne = (args) =>
      queue.add(
        task.name,
        { v: TASK_JOB_VERSION, args },
        subject === 'raw' ? rawJobOptions() : backendLikeJobOptions(),
      );
    close = async () => {
      await queue.close();
      connection.disconnect();
    };
  } else {
    const backend = bullmqTaskBackend({ url: REDIS_URL, prefix });
    const tasks = generated.orders.createOrdersTasks(backend);
    enqueueOne = (args) => tasks.enqueueSendReceipt(args);
    close = () => backend.close();
  }
  const latencies = new Float64Array(count);
  try {
    for (let n = 0; n < 50; n++) await enqueueOne(sendReceiptArgs(n));
    for (let n = 0; n < count; n++) {
      const args = sendReceiptArgs(n);
      const started = performance.now();
      await enqueueOne(args);
      latencies[n] = performance.now() - started;
    }
  } finally {
    await close();
    await deletePrefix(prefix);
  }
  return latencies;
}

// ---------------------------------------------------------------------------------------------
// Measuring

const loadavg = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
/** The value at quantile `q` of `values` (nearest rank). */
function quantile(values, q) {
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const concat = (arrays) => {
  const all = new Float64Array(arrays.reduce((sum, a) => sum + a.length, 0));
  let at = 0;
  for (const a of arrays) {
    all.set(a, at);
    at += a.length;
  }
  return all;
};

log('tasks benchmark');
log(
  `  node ${process.version}, ${os.cpus()[0]?.model ?? 'unknown CPU'} × ${os.cpus().length}, load average ${loadavg()}`,
);
log(`  redis ${REDIS_URL} (server ${(await admin.info('server')).match(/redis_version:(\S+)/)?.[1] ?? '?'})`);
log(
  `  ${fmtInt(JOBS)} jobs per run, worker concurrency ${CONCURRENCY} and ${CONCURRENCY} enqueues in flight, ` +
    `${ROUNDS} measured runs of each after a warm-up, taking turns; ${fmtInt(LATENCY)} enqueues one at a time per subject and round`,
);
log(
  `  subject: code generated by \`specfirst sync\` from fixtures/shop (sendReceipt: orders enqueues, the mailer runs it) in ${rel(GENERATED)}`,
);
log('');

const subjects = [
  { id: 'raw', label: '[R] raw BullMQ Queue.add + Worker', run: (n) => runRaw(n) },
  { id: 'generated', label: '    generated enqueueSendReceipt + createMailerWorker', run: (n) => runGenerated(n) },
  {
    id: 'raw-like',
    label: "    raw BullMQ with the backend's job settings (information)",
    run: (n) => runRaw(n, backendLikeJobOptions),
  },
];

try {
  const warm = Math.min(JOBS, 1000);
  for (const subject of subjects) await subject.run(warm);
  await runGenerated(warm, 'memory');

  const rates = new Map(subjects.map((s) => [s.id, []]));
  const loaded = new Map(subjects.map((s) => [s.id, []]));
  const alone = new Map(subjects.map((s) => [s.id, []]));
  const cpus = new Map(subjects.map((s) => [s.id, []]));
  for (let round = 1; round <= ROUNDS; round++) {
    // Taking turns: raw first in odd rounds, last in even ones.
    const order = round % 2 === 1 ? subjects : [...subjects].reverse();
    const line = [];
    for (const subject of order) {
      const { rate, latencies, cpuPerJob } = await subject.run(JOBS);
      rates.get(subject.id).push(rate);
      cpus.get(subject.id).push(cpuPerJob);
      loaded.get(subject.id).push(latencies);
      alone.get(subject.id).push(await enqueueLatency(subject.id, LATENCY));
      line.push(
        `${subject.id} ${fmtInt(rate)} jobs/s (enqueue p50 ${fmtMs(quantile(latencies, 0.5))} / p99 ${fmtMs(quantile(latencies, 0.99))} ms)`,
      );
    }
    const ratio = (id) => (rates.get(id).at(-1) / rates.get('raw').at(-1)).toFixed(2);
    log(`  run ${round}: ${line.join(', ')}; to raw: generated ${ratio('generated')}x, raw-like ${ratio('raw-like')}x`);
  }
  const memory = await runGenerated(JOBS, 'memory');

  const base = median(rates.get('raw'));
  log('');
  log(
    `Results: jobs/s from the first enqueue to the last job completed, ${fmtInt(JOBS)} jobs, median of ${ROUNDS} runs (min–max); ratio to [R]`,
  );
  for (const subject of subjects) {
    const values = rates.get(subject.id);
    const ratio = subject.id === 'raw' ? 'baseline' : `${(median(values) / base).toFixed(2)}x`;
    log(
      `${`${subject.label} (Redis)`.padEnd(68)} ${fmtInt(median(values)).padStart(8)} jobs/s  (${fmtInt(Math.min(...values))}–${fmtInt(Math.max(...values))})  ${ratio}`,
    );
  }
  log(
    `${'    generated code on memoryTaskBackend()'.padEnd(68)} ${fmtInt(memory.rate).padStart(8)} jobs/s  (one run, for information)`,
  );
  log('');
  log(
    "CPU time per job, ms (median of the measured runs): this process (producer and worker); redis-server (anyone's commands)",
  );
  for (const subject of subjects) {
    const values = cpus.get(subject.id);
    log(
      `${subject.label.padEnd(58)} ${fmtMs3(median(values.map((c) => c.process)))} ; ${fmtMs3(median(values.map((c) => c.redis)))}`,
    );
  }
  log('');
  log(`Enqueue latency, ms (p50 / p99 over all measured runs)`);
  for (const subject of subjects) {
    const under = concat(loaded.get(subject.id));
    const one = concat(alone.get(subject.id));
    log(
      `${subject.label.padEnd(58)} under load (${CONCURRENCY} in flight): ${fmtMs(quantile(under, 0.5))} / ${fmtMs(quantile(under, 0.99))}; ` +
        `one at a time: ${fmtMs(quantile(one, 0.5))} / ${fmtMs(quantile(one, 0.99))}`,
    );
  }
  // Pairs measured back to back see the same load: the median of their ratios is the steadier figure.
  const paired = median(rates.get('generated').map((value, i) => value / rates.get('raw')[i]));
  const ofMedians = median(rates.get('generated')) / base;
  log('');
  log(
    `goal, generated >= 0.9x raw: ${paired >= 0.9 ? 'PASS' : 'MISS'} (median of the per-run ratios ${paired.toFixed(2)}x; ratio of the medians ${ofMedians.toFixed(2)}x)`,
  );
  log(`(load average at the end: ${loadavg()}; compare ratios within one run)`);
} catch (error) {
  await deletePrefix(RUN);
  fail(error.stack ?? String(error));
}
await deletePrefix(RUN);
process.exit(0);
