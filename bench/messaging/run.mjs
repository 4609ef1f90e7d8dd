#!/usr/bin/env node
/**
 * Messages per second end to end (publish → handler → ack) on real Redis: the event code
 * `specfirst sync` generates for the shop fixture (orders publishes `order.created`, billing
 * consumes it), against raw ioredis XADD / XREADGROUP / XACK with the same batch size, in the same
 * run; the in-memory broker for information; and the memory of a consumer holding 10,000 pending
 * entries (bench/messaging/hold.mjs, its own process). See bench/README.md.
 *
 *   pnpm bench:messaging              (builds first)
 *   node bench/messaging/run.mjs      (uses the current build)
 *
 * Environment: REDIS_URL (default redis://127.0.0.1:6379), BENCH_MESSAGES (per run, default
 * 20000), BENCH_BATCH (XREADGROUP COUNT, publishes in flight and the topic's concurrency, default
 * 64), BENCH_ROUNDS (measured runs of each subject, default 5), BENCH_HOLD (pending entries of the
 * memory measurement, default 10000). Exits 1 on any error (Redis unreachable included), 2 on bad usage.
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
import { MESSAGE_CONTENT_TYPE, WIRE } from '@specfirst/spec-core/streams';
import { fail, log, positiveInt } from '../lib.mjs';

const ROOT = path.resolve(import.meta.dirname, '../..');
const HERE = import.meta.dirname;
const OUT = path.join(ROOT, 'bench/.out/messaging');
const CLI = path.join(ROOT, 'packages/cli/bin/specfirst.js');
const SHOP = path.join(OUT, 'shop');
const GENERATED = path.join(SHOP, 'generated');
const GENERATED_JS = path.join(OUT, 'generated-js');
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

const MESSAGES = positiveInt('BENCH_MESSAGES', 20_000);
const BATCH = positiveInt('BENCH_BATCH', 64);
const ROUNDS = positiveInt('BENCH_ROUNDS', 5);
const HOLD = positiveInt('BENCH_HOLD', 10_000);
const RUN_TIMEOUT_MS = 30_000;

const quiet = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
const rel = (file) => path.relative(ROOT, file);
const fmtInt = (n) => Math.round(n).toLocaleString('en-US');

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
const RUN = `sf-bench:messaging:${process.pid}:${Date.now().toString(36)}:`;

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
 * Copies fixtures/shop to bench/.out/messaging/shop with `concurrency: BATCH` on `order.created`
 * (the default, 1, runs one handler at a time: a setting, not the runtime's speed), runs
 * `specfirst sync` on it, and transpiles the generated `.ts` files to `.js` next to a copy, since
 * the bench runs on plain `node`. Returns the imported orders and billing event modules.
 */
async function prepareGenerated() {
  if (!existsSync(path.join(ROOT, 'packages/cli/dist/main.js')))
    fail('no build found; run `pnpm build` first (or `pnpm bench:messaging`, which builds)', 2);
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
  cpSync(path.join(ROOT, 'fixtures/shop'), SHOP, { recursive: true });
  const eventsFile = path.join(SHOP, 'spec/events.yaml');
  const events = readFileSync(eventsFile, 'utf8');
  const patched = events.replace(/^( {2}order\.created:\n)/m, `$1    concurrency: ${BATCH}\n`);
  if (patched === events) fail(`could not find the topic order.created in ${rel(eventsFile)}`);
  const sync = () =>
    spawnSync(process.execPath, [CLI, 'sync', rel(SHOP), '--out', rel(GENERATED)], { cwd: ROOT, encoding: 'utf8' });
  writeFileSync(eventsFile, patched);
  let result = sync();
  let concurrencyKey = true;
  if (result.status !== 0 && /unknown key `concurrency`/.test(result.stdout + result.stderr)) {
    // A spec format without the delivery keys of issue #13: generate the fixture as it is.
    concurrencyKey = false;
    writeFileSync(eventsFile, events);
    result = sync();
  }
  if (result.error || result.status !== 0)
    fail(
      `\`specfirst sync ${rel(SHOP)} --out ${rel(GENERATED)}\` failed (exit ${result.status}):\n${result.stdout}${result.stderr}`,
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
    const file = path.join(GENERATED_JS, 'events', service, 'index.js');
    if (!existsSync(file)) fail(`\`specfirst sync\` wrote no ${rel(file).replace(/\.js$/, '.ts')}`);
    return import(pathToFileURL(file).href);
  };
  return { orders: await load('orders'), billing: await load('billing'), concurrencyKey };
}

const generated = await prepareGenerated();
const { brokerSink, createConsumers, memoryBroker, publish } = await import('@specfirst/runtime/events');
const { redisBroker } = await import('@specfirst/runtime/events/redis');

/** An `OrderCreated` message (fixtures/shop/spec/models.yaml), valid for the generated validator. */
function orderCreated(n) {
  return { orderId: randomUUID(), userId: randomUUID(), total: { amount: n, currency: 'EUR' } };
}

/** What every subject's handler does with a message: check it is one, count it. */
function handlerCounting(total, label) {
  let handled = 0;
  let resolve;
  const done = new Promise((r) => (resolve = r));
  const handle = (message) => {
    if (typeof message?.total?.amount !== 'number') throw new Error(`${label}: handler got ${JSON.stringify(message)}`);
    if (++handled === total) resolve();
  };
  return { handle, done, count: () => handled };
}

function withTimeout(promise, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${RUN_TIMEOUT_MS} ms`)), RUN_TIMEOUT_MS);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Publishes `total` messages, BATCH in flight at a time, with `publishOne`. */
async function publishAll(total, publishOne) {
  for (let from = 0; from < total; from += BATCH) {
    const batch = [];
    for (let n = from; n < Math.min(total, from + BATCH); n++) batch.push(publishOne(orderCreated(n)));
    await Promise.all(batch);
  }
}

async function untilNothingPending(stream, group) {
  for (let i = 0; i < 10_000; i++) {
    const [count] = await admin.xpending(stream, group);
    if (count === 0) return;
    await sleep(1);
  }
  throw new Error(`entries still pending on ${stream}`);
}

/**
 * The generated publisher and consumers, on Redis (one connection each, like two services) or in
 * memory. `concurrency`: instead of `createBillingConsumers`, `createConsumers('billing', …)` on the
 * generated `orderCreatedTopic` with that concurrency (when the spec format cannot say it).
 * `unchecked`: the runtime's `publish` and `createConsumers` on the generated topic with a validator
 * that accepts anything, to tell the cost of validating (on publish and on receive) from the rest.
 */
async function runGenerated(total, transport, { concurrency, unchecked = false } = {}) {
  const prefix = `${RUN}${transport}-${randomUUID().slice(0, 8)}:`;
  const shared = transport === 'memory' ? memoryBroker() : undefined;
  const pubBroker = shared ?? redisBroker(REDIS_URL);
  const conBroker = shared ?? redisBroker(REDIS_URL);
  const counter = handlerCounting(total, 'generated');
  const options = { broker: conBroker, consumer: 'bench', prefix, batchSize: BATCH, blockMs: 100, logger: quiet };
  const handler = (message) => counter.handle(message);
  let publishOne;
  let consumers;
  if (concurrency === undefined && !unchecked) {
    const publisher = generated.orders.createOrdersPublisher(pubBroker, { prefix });
    publishOne = (message) => publisher.publishOrderCreated(message);
    consumers = generated.billing.createBillingConsumers({ orderCreated: handler }, options);
  } else {
    const acceptAll = Object.assign(() => true, { errors: null });
    const topic = {
      ...generated.billing.orderCreatedTopic,
      ...(concurrency === undefined ? {} : { concurrency }),
      ...(unchecked ? { validate: acceptAll } : {}),
    };
    const sink = brokerSink(pubBroker, { prefix });
    publishOne = (message) => publish(sink, topic, message);
    consumers = createConsumers('billing', [{ topic, handler }], options);
  }
  await consumers.start();
  const started = performance.now();
  await withTimeout(
    (async () => {
      await publishAll(total, publishOne);
      await counter.done;
      if (transport === 'memory') {
        for (let i = 0; i < 10_000 && (await conBroker.pending(`${prefix}order.created`, 'billing')).count > 0; i++)
          await sleep(1);
      } else await untilNothingPending(`${prefix}order.created`, 'billing');
    })(),
    `generated code on ${transport} (${counter.count()}/${total} handled)`,
  );
  const seconds = (performance.now() - started) / 1000;
  await consumers.stop();
  if (!shared) await Promise.all([pubBroker.close(), conBroker.close()]);
  await deletePrefix(prefix);
  return total / seconds;
}

/**
 * Raw ioredis: XADD with the same wire fields; XREADGROUP COUNT BATCH, the handler on each entry, then
 * one XACK for the batch (`ackEach`: one XACK per entry, all sent at once, as the runtime acknowledges).
 */
async function runRaw(total, ackEach = false, autoPipelining = false) {
  const prefix = `${RUN}raw-${randomUUID().slice(0, 8)}:`;
  const stream = `${prefix}order.created`;
  // redisBroker turns ioredis's auto-pipelining on (commands of one tick go in one write); the raw
  // baseline is ioredis as it comes, and a row for information runs it with auto-pipelining too.
  const producer = new Redis(REDIS_URL, { enableAutoPipelining: autoPipelining });
  const consumer = new Redis(REDIS_URL, { enableAutoPipelining: autoPipelining });
  await consumer.xgroup('CREATE', stream, 'billing', '0', 'MKSTREAM');
  const counter = handlerCounting(total, 'raw');
  const consuming = (async () => {
    while (counter.count() < total) {
      const reply = await consumer.xreadgroup(
        'GROUP',
        'billing',
        'bench',
        'COUNT',
        BATCH,
        'BLOCK',
        100,
        'STREAMS',
        stream,
        '>',
      );
      if (!reply) continue;
      const ids = [];
      for (const [id, flat] of reply[0][1]) {
        const fields = {};
        for (let i = 0; i + 1 < flat.length; i += 2) fields[flat[i]] = flat[i + 1];
        counter.handle(JSON.parse(fields[WIRE.payload]));
        ids.push(id);
      }
      if (ackEach) await Promise.all(ids.map((id) => consumer.xack(stream, 'billing', id)));
      else await consumer.xack(stream, 'billing', ...ids);
    }
  })();
  const started = performance.now();
  await withTimeout(
    Promise.all([
      publishAll(total, (message) =>
        producer.xadd(
          stream,
          '*',
          WIRE.id,
          randomUUID(),
          WIRE.type,
          'OrderCreated',
          WIRE.version,
          '1',
          WIRE.contentType,
          MESSAGE_CONTENT_TYPE,
          WIRE.payload,
          JSON.stringify(message),
        ),
      ),
      consuming,
    ]),
    `raw ioredis (${counter.count()}/${total} handled)`,
  );
  const seconds = (performance.now() - started) / 1000;
  producer.disconnect();
  consumer.disconnect();
  await deletePrefix(prefix);
  return total / seconds;
}

/** Runs bench/messaging/hold.mjs and returns what it measured. */
function runHold() {
  const child = spawnSync(process.execPath, ['--expose-gc', path.join(HERE, 'hold.mjs')], {
    cwd: ROOT,
    env: { ...process.env, REDIS_URL, HOLD_PREFIX: `${RUN}hold:`, HOLD_ENTRIES: String(HOLD) },
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (child.status !== 0)
    fail(
      `bench/messaging/hold.mjs failed (${child.signal ?? `exit ${child.status}`}):\n${child.stdout}${child.stderr}`,
    );
  return JSON.parse(child.stdout.trim().split('\n').at(-1));
}

// ---------------------------------------------------------------------------------------------
// Measuring

const loadavg = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
log('messaging benchmark');
log(
  `  node ${process.version}, ${os.cpus()[0]?.model ?? 'unknown CPU'} × ${os.cpus().length}, load average ${loadavg()}`,
);
log(`  redis ${REDIS_URL} (server ${(await admin.info('server')).match(/redis_version:(\S+)/)?.[1] ?? '?'})`);
log(
  `  ${fmtInt(MESSAGES)} messages per run, batch ${BATCH} (XREADGROUP COUNT, publishes in flight, topic concurrency), ${ROUNDS} measured runs of each after a warm-up`,
);
log(
  generated.concurrencyKey
    ? `  subject: code generated by \`specfirst sync\` from fixtures/shop (order.created with concurrency ${BATCH}) in ${rel(GENERATED)}`
    : `  subject: code generated by \`specfirst sync\` from fixtures/shop in ${rel(GENERATED)}; the spec format has no \`concurrency\` key yet, so ` +
        `the generated consumers run at concurrency 1, and a second row runs the generated topic at concurrency ${BATCH} through createConsumers`,
);
log('');

const subjects = [
  { id: 'raw', label: '[R] raw ioredis XADD / XREADGROUP / XACK', run: (n) => runRaw(n) },
  { id: 'raw-ack-each', label: '    raw ioredis, one XACK per entry', run: (n) => runRaw(n, true) },
  {
    id: 'raw-pipelined',
    label: '    raw ioredis, auto-pipelining (information)',
    run: (n) => runRaw(n, false, true),
  },
  {
    id: 'generated',
    label: generated.concurrencyKey
      ? `    generated publisher + consumers, concurrency ${BATCH}`
      : '    generated publisher + consumers, concurrency 1',
    run: (n) => runGenerated(n, 'redis'),
  },
];
if (!generated.concurrencyKey)
  subjects.push({
    id: 'topic',
    label: `    generated publisher + topic at concurrency ${BATCH}`,
    run: (n) => runGenerated(n, 'redis', { concurrency: BATCH }),
  });
subjects.push({
  id: 'unchecked',
  label: '    the same, validation off (information)',
  run: (n) => runGenerated(n, 'redis', { concurrency: generated.concurrencyKey ? undefined : BATCH, unchecked: true }),
});
const memoryConcurrency = generated.concurrencyKey ? undefined : BATCH;

try {
  const warm = Math.min(MESSAGES, 2000);
  for (const subject of subjects) await subject.run(warm);
  await runGenerated(warm, 'memory', { concurrency: memoryConcurrency });

  const figures = new Map(subjects.map((subject) => [subject.id, []]));
  for (let round = 1; round <= ROUNDS; round++) {
    const line = [];
    for (const subject of subjects) {
      const value = await subject.run(MESSAGES);
      figures.get(subject.id).push(value);
      line.push(`${subject.id} ${fmtInt(value)}`);
    }
    const base = figures.get('raw').at(-1);
    const ratios = subjects
      .filter((s) => s.id !== 'raw')
      .map((s) => `${s.id} ${(figures.get(s.id).at(-1) / base).toFixed(2)}x`);
    log(`  run ${round}: ${line.join(', ')} msgs/s; to raw: ${ratios.join(', ')}`);
  }
  const memory = await runGenerated(MESSAGES, 'memory', { concurrency: memoryConcurrency });
  const hold = runHold();

  const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  const base = median(figures.get('raw'));
  log('');
  log(
    `Results: msgs/s from the first publish to the last ack, ${fmtInt(MESSAGES)} messages, median of ${ROUNDS} runs (min–max); ratio to [R]`,
  );
  for (const subject of subjects) {
    const values = figures.get(subject.id);
    const ratio = subject.id === 'raw' ? 'baseline' : `${(median(values) / base).toFixed(2)}x`;
    log(
      `${`${subject.label} (Redis)`.padEnd(60)} ${fmtInt(median(values)).padStart(8)} msgs/s  (${fmtInt(Math.min(...values))}–${fmtInt(Math.max(...values))})  ${ratio}`,
    );
  }
  log(
    `${`    generated publisher + consumers${memoryConcurrency ? `, topic at concurrency ${BATCH}` : ''} (memory broker)`.padEnd(60)} ${fmtInt(memory).padStart(8)} msgs/s  (one run, for information)`,
  );
  // Pairs measured back to back see the same load: the median of their ratios is the steadier figure.
  for (const subject of subjects.filter((s) => s.id === 'generated' || s.id === 'topic')) {
    const paired = median(figures.get(subject.id).map((value, i) => value / figures.get('raw')[i]));
    const ofMedians = median(figures.get(subject.id)) / base;
    log(
      `goal, ${subject.id} >= 0.8x raw: ${paired >= 0.8 ? 'PASS' : 'MISS'} (median of the per-run ratios ${paired.toFixed(2)}x; ratio of the medians ${ofMedians.toFixed(2)}x)`,
    );
  }
  log('');
  const mib = (bytes) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
  const heapDelta = hold.after.heapUsed - hold.before.heapUsed;
  log(
    `A consumer restarted with ${fmtInt(hold.pendingHeld)} entries pending under its name, handlers waiting (concurrency ${hold.concurrency}, batch ${hold.batchSize}): ` +
      `${fmtInt(hold.inFlight)} handlers in flight at the peak; heap used ${mib(hold.before.heapUsed)} → ${mib(hold.after.heapUsed)} ` +
      `(+${mib(heapDelta)}, ${fmtInt(heapDelta / Math.max(1, hold.inFlight))} bytes per entry in flight), ` +
      `RSS ${mib(hold.before.rss)} → ${mib(hold.after.rss)} (+${mib(hold.after.rss - hold.before.rss)}), after gc; ` +
      `then all ${fmtInt(hold.entries)} drained in ${hold.drainSeconds.toFixed(2)} s (${fmtInt(hold.entries / hold.drainSeconds)} msgs/s)`,
  );
  log(`(load average at the end: ${loadavg()}; compare ratios within one run)`);
} catch (error) {
  await deletePrefix(RUN);
  fail(error.stack ?? String(error));
}
await deletePrefix(RUN);
process.exit(0);
