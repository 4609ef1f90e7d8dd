/**
 * Stalled jobs of a killed worker come back through BullMQ's stall detection: a worker process
 * (bullmq-stall-child.mjs, the built runtime) takes a job and is SIGKILLed mid-job; its lock is no
 * longer renewed, and a worker of this process (short `lockDurationMs` and `stalledIntervalMs`)
 * finds the job stalled, moves it back, and runs it. A job that stalls more often than
 * `maxStalledCount` allows is dead-lettered as `stalled` instead.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bullmqTaskBackend } from '../../src/tasks/bullmq-backend.js';
import type { TaskBackend } from '../../src/tasks/types.js';
import { recordingLogger } from '../support.js';
import { REDIS_URL, redisTestServer } from '../events/redis-support.js';

const CHILD = fileURLToPath(new URL('./bullmq-stall-child.mjs', import.meta.url));
const { requireRedis, deleteKeys } = redisTestServer('bullmq-stall');
const FILE_PREFIX = `specfirst-test-bullmq-stall-${process.pid}-${Date.now()}`;
let tests = 0;
const toClose: { close(): Promise<void> }[] = [];

beforeAll(() => {
  // The child runs the built runtime: build it (incremental) so that it never tests old code.
  const build = spawnSync(
    process.execPath,
    [
      createRequire(import.meta.url).resolve('typescript/bin/tsc'),
      '-b',
      fileURLToPath(new URL('../..', import.meta.url)),
    ],
    { encoding: 'utf8' },
  );
  if (build.status !== 0) throw new Error(`building the runtime failed:\n${build.stdout}${build.stderr}`);
}, 120_000);

afterAll(async () => {
  for (const each of toClose) await each.close();
  await deleteKeys(FILE_PREFIX);
});

/** Runs the child until it prints `RUNNING <id>`, then SIGKILLs it; returns that id. */
async function runUntilMidJobThenKill(prefix: string): Promise<string> {
  const child = spawn(process.execPath, [CHILD], {
    env: { ...process.env, REDIS_URL, BULLMQ_PREFIX: prefix },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) =>
    child.once('exit', (code, signal) => resolve(signal ?? code)),
  );
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const running = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the child did not start a job:\n${stdout}${stderr}`)), 20_000);
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /RUNNING (\S+)/.exec(stdout);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    void exited.then((how) => reject(new Error(`the child exited (${String(how)}) before a job:\n${stdout}${stderr}`)));
  });
  child.kill('SIGKILL');
  expect(await exited).toBe('SIGKILL');
  return running;
}

async function setup(maxStalledCount: number) {
  await requireRedis();
  const prefix = `${FILE_PREFIX}-${++tests}`;
  const backend: TaskBackend = bullmqTaskBackend({
    url: REDIS_URL,
    prefix,
    lockDurationMs: 1000,
    stalledIntervalMs: 300,
    maxStalledCount,
  });
  const raw = new Queue('mailer', { connection: { url: REDIS_URL }, prefix });
  toClose.push(backend, raw);
  return { backend, prefix, raw };
}

describe('a worker SIGKILLed mid-job', () => {
  it('leaves a stalled job that another worker runs through BullMQ’s stall detection', async () => {
    const { backend, prefix, raw } = await setup(1);
    const [id] = await backend.add([
      {
        queue: 'mailer',
        name: 'sendReceipt',
        data: { v: 1, args: { to: 'a' } },
        retry: { attempts: 1, backoff: 'fixed', delayMs: 0 },
      },
    ]);
    expect(await runUntilMidJobThenKill(prefix)).toBe(id);
    // The killed worker's job is still active, with a lock nobody renews.
    expect(await raw.getJobState(id!)).toBe('active');

    const attempts: number[] = [];
    const processing = await backend.process(
      'mailer',
      async (job) => {
        attempts.push(job.attempt);
        return 'sent after the crash';
      },
      { concurrency: 1, logger: recordingLogger() },
    );
    expect(await backend.outcome('mailer', id!, 20_000)).toEqual({
      status: 'completed',
      result: 'sent after the crash',
    });
    // Run once more: a stall is not a failed attempt (the task allows one), and BullMQ counted it.
    expect(attempts).toEqual([1]);
    expect((await raw.getJob(id!))!.stalledCounter).toBe(1);
    await processing.close(1000);
  }, 60_000);

  it('dead-letters a job that stalled more often than maxStalledCount allows, as `stalled`', async () => {
    const { backend, prefix } = await setup(0);
    const [id] = await backend.add([
      {
        queue: 'mailer',
        name: 'sendReceipt',
        data: { v: 1, args: {} },
        retry: { attempts: 3, backoff: 'fixed', delayMs: 0 },
      },
    ]);
    expect(await runUntilMidJobThenKill(prefix)).toBe(id);
    let runs = 0;
    const processing = await backend.process('mailer', async () => void runs++, {
      concurrency: 1,
      logger: recordingLogger(),
    });
    expect(await backend.outcome('mailer', id!, 20_000)).toMatchObject({
      status: 'failed',
      failure: { reason: 'stalled', message: 'job stalled more than allowable limit' },
    });
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline && (await backend.listDeadLetters('mailer')).length === 0)
      await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await backend.listDeadLetters('mailer')).map((letter) => [letter.id, letter.failure.reason])).toEqual([
      [id, 'stalled'],
    ]);
    expect(runs).toBe(0);
    await processing.close(1000);
  }, 60_000);
});
