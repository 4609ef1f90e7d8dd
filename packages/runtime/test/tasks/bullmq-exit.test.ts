/**
 * What keeps a process alive after the BullMQ backend's close(): nothing. A process that enqueues,
 * processes, waits for outcomes (one answered, one timed out), closes its processing and its backend
 * must exit by itself. Run in a child process on the built runtime (`pnpm build` first).
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { REDIS_URL, redisTestServer } from '../events/redis-support.js';

const backendModule = pathToFileURL(fileURLToPath(new URL('../../dist/tasks/bullmq-backend.js', import.meta.url))).href;
const { requireRedis, deleteKeys } = redisTestServer('bullmq-exit');
const prefix = `specfirst-test-bullmq-exit-${process.pid}-${Date.now()}`;

afterAll(() => deleteKeys(prefix));

const script = `
import { bullmqTaskBackend } from ${JSON.stringify(backendModule)};
const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const backend = bullmqTaskBackend({ url: process.env.REDIS_URL, prefix: process.env.BULLMQ_PREFIX });
const retry = { attempts: 1, backoff: 'fixed', delayMs: 0 };
const processing = await backend.process('mailer', async (job) => job.data.args, { concurrency: 2, logger: quiet });
const [id] = await backend.add([{ queue: 'mailer', name: 'sendReceipt', data: { v: 1, args: 'ok' }, retry }]);
const [late] = await backend.add([{ queue: 'reports', name: 'report', data: { v: 1, args: 1 }, retry }]);
const done = await backend.outcome('mailer', id, 10000);
const waiting = await backend.outcome('reports', late, 50);
await processing.close(1000);
await backend.close();
console.log(done.status + ' ' + waiting.status);
`;

describe('a closed BullMQ backend', () => {
  it('lets the process exit', async () => {
    await requireRedis();
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      env: { ...process.env, REDIS_URL, BULLMQ_PREFIX: prefix },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    const [code, signal] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null];
    clearTimeout(killer);
    // Killed after 20 s: a connection, timer or event stream kept the process alive.
    expect({ code, signal, out: out.trim() }).toEqual({ code: 0, signal: null, out: 'completed unfinished' });
  }, 30_000);
});
