// A worker in a process of its own, for bullmq-stall.test.ts: it takes jobs of queue `mailer` with the
// built runtime's BullMQ backend, prints `RUNNING <job id>` when a job starts and never finishes it,
// so that the test can SIGKILL it mid-job. Its lock then lapses: only BullMQ's stall detection (in
// another worker) can bring the job back.
import { setTimeout } from 'node:timers';
import { bullmqTaskBackend } from '../../dist/tasks/bullmq-backend.js';

// Bounded: a child nobody killed ends itself after a minute.
setTimeout(() => {
  process.stdout.write('NOT KILLED\n');
  process.exit(2);
}, 60_000);

const { REDIS_URL, BULLMQ_PREFIX } = process.env;
const ignore = () => undefined;
const quiet = { debug: ignore, info: ignore, warn: ignore, error: ignore };
const backend = bullmqTaskBackend({
  url: REDIS_URL,
  prefix: BULLMQ_PREFIX,
  lockDurationMs: 1000,
  stalledIntervalMs: 500,
});
await backend.process(
  'mailer',
  (job) => {
    process.stdout.write(`RUNNING ${job.id}\n`);
    // Never settles: the open timer above keeps the process alive until it is killed.
    return new Promise(() => undefined);
  },
  { concurrency: 1, logger: quiet },
);
process.stdout.write('READY\n');
