/**
 * One worker process of the chaos run (chaos.test.ts), which SIGKILLs some of them mid-job and starts
 * them again. It runs the generated `createGrinderWorker` (test/tasks/chaos-spec, generated and
 * transpiled by the test) on `bullmqTaskBackend` with short stall settings, and records in Redis what
 * its handler does (chaos-records.mjs). Plain JavaScript on the built runtime, so that a restart
 * costs one Node start-up.
 *
 * The backend is passed through a tap (`tapped`) that changes nothing: it notes which attempts the
 * worker's processor is running (so the test can tell that a SIGKILL lands mid-job) and the moment
 * the processor rejects an attempt as `time-limit` (so the test can measure the limit from the
 * handler's start, both on this process's clock). It also notes when its event loop stood still
 * (a timer due then, the time limit's among them, fires late), and how much CPU it used meanwhile.
 *
 * Environment: REDIS_URL, CHAOS_PREFIX (BullMQ prefix), CHAOS_RECORDS (key prefix of the records),
 * CHAOS_MODULE (path of the generated tasks/grinder/index.js), CHAOS_CONCURRENCY. Prints `ready` once
 * started; SIGTERM stops it gracefully.
 */
import { setInterval } from 'node:timers';
import { setTimeout as delay } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { jsonLogger } from '@specfirst/runtime';
import { bullmqTaskBackend } from '@specfirst/runtime/tasks/bullmq';
import { Redis } from 'ioredis';
import { chaosKeys } from './chaos-records.mjs';

const { REDIS_URL, CHAOS_PREFIX, CHAOS_RECORDS, CHAOS_MODULE, CHAOS_CONCURRENCY } = process.env;
if (!REDIS_URL || !CHAOS_PREFIX || !CHAOS_RECORDS || !CHAOS_MODULE || !CHAOS_CONCURRENCY) {
  console.error(
    'chaos-worker: REDIS_URL, CHAOS_PREFIX, CHAOS_RECORDS, CHAOS_MODULE and CHAOS_CONCURRENCY are required',
  );
  process.exit(2);
}
const { createGrinderWorker, crunchTask } = await import(pathToFileURL(CHAOS_MODULE).href);
const keys = chaosKeys(CHAOS_RECORDS);
const inflight = keys.inflight(process.pid);
const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 3, enableAutoPipelining: true });
const limitMs = crunchTask.timeoutMs;

/** The backend as it is, but for `process`, whose processor is wrapped to note what it runs and its time-limit failures. */
function tapped(backend) {
  const tap = (processor) => async (job, signal) => {
    const attempt = `${job.id}#${job.attempt}@${process.pid}`;
    void redis.hset(inflight, attempt, String(Date.now()));
    try {
      return await processor(job, signal);
    } catch (error) {
      const at = Date.now();
      if (error?.reason === 'time-limit') await redis.hset(keys.timeLimit, attempt, String(at));
      throw error;
    } finally {
      void redis.hdel(inflight, attempt);
    }
  };
  return new Proxy(backend, {
    get(target, key) {
      if (key === 'process') return (queue, processor, options) => target.process(queue, tap(processor), options);
      const value = Reflect.get(target, key, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/** The one task's handler: does what its args' `mode` says (chaos-records.mjs `chaosMode`). */
async function crunch(args, context) {
  const attempt = `${context.jobId}#${context.attempt}@${process.pid}`;
  if (args.mode === 'fail') {
    await redis.hincrby(keys.threw, context.jobId, 1);
    throw new Error(`chaos: job ${context.jobId} fails on every attempt (attempt ${context.attempt})`);
  }
  if (args.mode === 'hang' || (args.mode === 'hangOnce' && context.attempt === 1)) {
    const started = Date.now();
    await redis.hset(keys.hangStart, attempt, `${process.pid} ${started}`);
    context.signal.addEventListener('abort', () => void redis.hset(keys.hangAbort, attempt, String(Date.now())), {
      once: true,
    });
    // Ignores its signal: runs on for three times its limit, then returns as if nothing happened.
    await delay(3 * limitMs);
    await redis.hincrby(keys.late, context.jobId, 1);
    return { n: args.n };
  }
  await delay(args.workMs);
  await redis
    .multi()
    .hincrby(keys.done, context.jobId, 1)
    .hset(keys.doneAttempt, context.jobId, context.attempt)
    .exec();
  return { n: args.n };
}

const backend = bullmqTaskBackend({
  url: REDIS_URL,
  prefix: CHAOS_PREFIX,
  // A SIGKILLed worker's jobs come back once their lock lapses and another worker's stall check runs.
  lockDurationMs: 1000,
  stalledIntervalMs: 500,
});
const worker = createGrinderWorker(
  { crunch },
  {
    backend: tapped(backend),
    concurrency: Number(CHAOS_CONCURRENCY),
    logger: jsonLogger('error'),
    shutdownTimeoutMs: 2000,
  },
);

process.on('SIGTERM', () => {
  worker
    .stop()
    .then(() => Promise.all([backend.close(), redis.quit()]))
    .then(
      () => process.exit(0),
      (error) => {
        console.error(error);
        process.exit(1);
      },
    );
});

await worker.start();
// When this process's timers fire late (a time limit's among them), and whether it was busy then or
// not given the CPU: a probe every PROBE_MS notes each tick later than STALL_MS as a stall, with the
// CPU time the process used meanwhile.
const PROBE_MS = 10;
const STALL_MS = 20;
let lastTick = Date.now();
let lastCpu = process.cpuUsage();
setInterval(() => {
  const now = Date.now();
  const cpu = process.cpuUsage();
  const late = now - lastTick - PROBE_MS;
  if (late > STALL_MS) {
    const cpuMs = (cpu.user - lastCpu.user + cpu.system - lastCpu.system) / 1000;
    void redis.rpush(keys.stalls, `${process.pid} ${lastTick + PROBE_MS} ${now} ${Math.round(cpuMs)}`);
  }
  lastTick = now;
  lastCpu = cpu;
}, PROBE_MS).unref();
console.log('ready');
