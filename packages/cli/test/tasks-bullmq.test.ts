/**
 * `specfirst tasks dead-letters` and `specfirst tasks retry` on real BullMQ queues (REDIS_URL, else
 * 127.0.0.1:6379), under a BullMQ prefix of their own whose keys are deleted afterwards. Jobs are
 * dead-lettered the way a worker does it: the runtime's BullMQ backend runs a processor that
 * rejects with a `TaskJobError`. Without a Redis, every test here fails.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { jsonLogger } from '@specfirst/runtime';
import { TaskJobError, type DeadLetterJob, type TaskBackend } from '@specfirst/runtime/tasks';
import { bullmqTaskBackend } from '@specfirst/runtime/tasks/bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TasksDeadLettersJson, TasksRetryJson } from '../src/tasks-output.js';
import { runCli } from './support/run-cli.js';

const REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
/** BullMQ refuses `:` in its prefix. */
const PREFIX = `specfirst-cli-tasks-${process.pid}-${Date.now()}`;
const RETRY = { attempts: 2, backoff: 'fixed', delayMs: 0 } as const;
const logger = jsonLogger('error', () => undefined);

const temp = mkdtempSync(path.join(tmpdir(), 'specfirst-tasks-bullmq-'));
const PROJECT = path.join(temp, 'shopfloor');
for (const [file, text] of Object.entries({
  'specfirst.yaml': 'name: shopfloor\n',
  'spec/models.yaml': 'models:\n  Receipt:\n    properties:\n      orderId: string\n',
  'spec/services.yaml': 'services:\n  mailer: { type: worker }\n  resizer: { type: worker }\n',
  'spec/tasks.yaml':
    'tasks:\n  sendReceipt: { worker: mailer, args: Receipt }\n  resize: { worker: resizer, args: Receipt }\n',
})) {
  mkdirSync(path.dirname(path.join(PROJECT, file)), { recursive: true });
  writeFileSync(path.join(PROJECT, file), text);
}

const CONNECTION = ['--redis', REDIS_URL, '--prefix', PREFIX, '--project', PROJECT];

let backend: TaskBackend;
let admin: Redis;

/** Waits (bounded: 10 s) until the worker's dead-letter queue holds `count` dead letters. */
async function deadLetters(queue: string, count: number): Promise<DeadLetterJob[]> {
  const deadline = Date.now() + 10_000;
  for (let round = 0; round < 500; round++) {
    const found = await backend.listDeadLetters(queue, { limit: 100 });
    if (found.length >= count || Date.now() > deadline) return found;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return [];
}

beforeAll(async () => {
  admin = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  admin.on('error', () => undefined);
  try {
    await admin.connect();
    await admin.ping();
  } catch (error) {
    throw new Error(
      `these tests need a Redis at ${REDIS_URL} (REDIS_URL, else 127.0.0.1:6379): ${(error as Error).message}; start redis-server or set REDIS_URL`,
      { cause: error },
    );
  }
  backend = bullmqTaskBackend({ url: REDIS_URL, prefix: PREFIX });
  // Two dead letters of `mailer`: invalid args (at once), and an error on both attempts.
  await backend.add([
    { queue: 'mailer', name: 'sendReceipt', data: { v: 1, args: { orderId: 'o-1' } }, retry: RETRY, jobId: 'r-1' },
    { queue: 'mailer', name: 'sendReceipt', data: { v: 1, args: { orderId: 'o-2' } }, retry: RETRY, jobId: 'r-2' },
  ]);
  const failing = await backend.process(
    'mailer',
    async (job) => {
      const { orderId } = job.data.args as { orderId: string };
      throw orderId === 'o-1'
        ? new TaskJobError('/orderId is not a known order', 'invalid-args', false)
        : new TaskJobError('smtp down', 'error', true);
    },
    { concurrency: 1, logger },
  );
  expect((await deadLetters('mailer', 2)).map((d) => d.id).sort()).toEqual(['r-1', 'r-2']);
  await failing.close(5000);
}, 30_000);

afterAll(async () => {
  await backend?.close();
  if (admin?.status === 'ready') {
    let cursor = '0';
    for (let round = 0; round < 10_000; round++) {
      const [next, keys] = await admin.scan(cursor, 'MATCH', `${PREFIX}:*`, 'COUNT', 500);
      if (keys.length > 0) await admin.del(...keys);
      cursor = next;
      if (cursor === '0') break;
    }
  }
  admin?.disconnect();
  rmSync(temp, { recursive: true, force: true });
});

describe('specfirst tasks on BullMQ', () => {
  it('lists each worker’s dead letters with their task, reason, attempts, error and args', async () => {
    const { code, stdout, stderr } = await runCli(['tasks', 'dead-letters', '--format', 'json', ...CONNECTION]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as TasksDeadLettersJson;
    expect(report.workers.map((w) => [w.worker, w.queue, w.deadLetterQueue, w.more])).toEqual([
      ['mailer', 'mailer', 'mailer-dead-letter', false],
      ['resizer', 'resizer', 'resizer-dead-letter', false],
    ]);
    const byId = Object.fromEntries(report.workers[0]!.deadLetters.map((d) => [d.jobId, d]));
    expect(byId['r-1']).toMatchObject({
      task: 'sendReceipt',
      reason: 'invalid-args',
      attempts: 1,
      error: '/orderId is not a known order',
      args: { orderId: 'o-1' },
      fromPrevious: false,
    });
    expect(byId['r-2']).toMatchObject({ reason: 'error', attempts: 2, error: 'smtp down', args: { orderId: 'o-2' } });
    expect(report.workers[1]!.deadLetters).toEqual([]);
  });

  it('lists --count at a time and says more follow, in text', async () => {
    const { code, stdout } = await runCli([
      'tasks',
      'dead-letters',
      '--worker',
      'mailer',
      '--count',
      '1',
      ...CONNECTION,
    ]);
    expect(code).toBe(0);
    const lines = stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('the oldest 1 dead letter of `mailer` in `mailer-dead-letter` (more follow)');
    expect(lines.at(-1)).toMatch(/^more: specfirst tasks dead-letters --worker mailer .*--count 2$/);
  });

  it('refuses a job id that is no dead letter of the worker, and retries nothing', async () => {
    const { code, stderr } = await runCli(['tasks', 'retry', 'r-1', 'nope', '--worker', 'mailer', ...CONNECTION]);
    expect(stderr).toContain('no dead letter nope of `mailer` in `mailer-dead-letter`; nothing was retried');
    expect(code).toBe(1);
    expect((await backend.listDeadLetters('mailer')).map((d) => d.id).sort()).toEqual(['r-1', 'r-2']);
  });

  it('retries by job id after a fix: the job runs again with its args, and its dead letter is gone', async () => {
    const dry = await runCli(['tasks', 'retry', 'r-1', '--worker', 'mailer', '--dry-run', ...CONNECTION]);
    expect(dry.stdout).toContain('would retry 1 dead letter onto `mailer`');
    expect((await backend.listDeadLetters('mailer')).map((d) => d.id).sort()).toEqual(['r-1', 'r-2']);

    const { code, stdout } = await runCli([
      'tasks',
      'retry',
      'r-1',
      '--worker',
      'mailer',
      '--format',
      'json',
      ...CONNECTION,
    ]);
    expect(code).toBe(0);
    expect(JSON.parse(stdout) as TasksRetryJson).toEqual({
      dryRun: false,
      retried: [{ worker: 'mailer', queue: 'mailer', jobId: 'r-1', task: 'sendReceipt' }],
      skipped: [],
      gone: [],
      error: null,
    });
    expect((await backend.listDeadLetters('mailer')).map((d) => d.id)).toEqual(['r-2']);

    // The fixed worker: the retried job completes with the args it was enqueued with.
    const fixed = await backend.process(
      'mailer',
      async (job) => ({ sent: (job.data.args as { orderId: string }).orderId }),
      {
        concurrency: 1,
        logger,
      },
    );
    try {
      expect(await backend.outcome('mailer', 'r-1', 10_000)).toEqual({ status: 'completed', result: { sent: 'o-1' } });
    } finally {
      await fixed.close(5000);
    }
  }, 30_000);

  it('retries every dead letter with --all', async () => {
    const { code, stdout } = await runCli(['tasks', 'retry', '--all', '--worker', 'mailer', ...CONNECTION]);
    expect(code).toBe(0);
    expect(stdout).toContain('retried 1 dead letter onto `mailer`\n  r-2  sendReceipt  (worker mailer)');
    expect(await backend.listDeadLetters('mailer')).toEqual([]);
  });

  it('skips a chain step whose previous step failed (it cannot be retried alone), with what to do instead; --all retries the rest', async () => {
    // A chain resize-a → resize-b on `resizer` whose first step fails: resize-b is dead-lettered as previous-step.
    await backend.add([
      {
        queue: 'resizer',
        name: 'resize',
        data: { v: 1, fromPrevious: true },
        retry: RETRY,
        jobId: 'resize-b',
        children: [
          {
            queue: 'resizer',
            name: 'resize',
            data: { v: 1, args: { orderId: 'o-3' } },
            retry: RETRY,
            jobId: 'resize-a',
          },
        ],
      },
    ]);
    const failing = await backend.process(
      'resizer',
      async () => Promise.reject(new TaskJobError('/orderId is not a known order', 'invalid-args', false)),
      { concurrency: 1, logger },
    );
    try {
      expect((await deadLetters('resizer', 2)).map((d) => [d.id, d.failure.reason]).sort()).toEqual([
        ['resize-a', 'invalid-args'],
        ['resize-b', 'previous-step'],
      ]);
    } finally {
      await failing.close(5000);
    }

    const byId = await runCli(['tasks', 'retry', 'resize-b', '--worker', 'resizer', ...CONNECTION]);
    expect(byId.stdout).toContain(
      'skipped 1 dead letter of a step whose previous step failed: it cannot be retried alone\n  resize-b  resize  (worker resizer)\n  hint: after the fix, enqueue the chain (or flow) again',
    );
    expect(byId.code).toBe(1);

    const dry = await runCli(['tasks', 'retry', '--all', '--worker', 'resizer', '--dry-run', ...CONNECTION]);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain(
      'would retry 1 dead letter onto `resizer`\n  resize-a  resize  (worker resizer)\nskipped 1',
    );

    const all = await runCli(['tasks', 'retry', '--all', '--worker', 'resizer', '--format', 'json', ...CONNECTION]);
    expect(all.stderr).toBe('');
    expect(all.code).toBe(0);
    expect(JSON.parse(all.stdout) as TasksRetryJson).toEqual({
      dryRun: false,
      retried: [{ worker: 'resizer', queue: 'resizer', jobId: 'resize-a', task: 'resize' }],
      skipped: [
        {
          worker: 'resizer',
          queue: 'resizer',
          jobId: 'resize-b',
          task: 'resize',
          code: 'SFR4311',
          message: expect.stringContaining('dead letter resize-b of `resize` (queue `resizer`) never ran'),
          hint: expect.stringMatching(/^after the fix, enqueue the chain \(or flow\) again/),
        },
      ],
      gone: [],
      error: null,
    });
    expect((await backend.listDeadLetters('resizer')).map((d) => d.id)).toEqual(['resize-b']);
  }, 30_000);

  it('says when Redis cannot be reached (exit 1), with a hint', async () => {
    const { code, stderr } = await runCli([
      'tasks',
      'dead-letters',
      '--redis',
      'redis://127.0.0.1:1',
      '--project',
      PROJECT,
    ]);
    expect(stderr).toMatch(/^specfirst tasks dead-letters: .*127\.0\.0\.1:1/);
    expect(stderr).toMatch(/\n {2}hint: \S/);
    expect(code).toBe(1);
  }, 30_000);
});
