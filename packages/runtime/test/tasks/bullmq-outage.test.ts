/**
 * The BullMQ task backend when Redis goes away: each test starts a PRIVATE redis-server on a free
 * port (never the shared one), lets the backend reach it, then SIGKILLs it. Every call must then
 * settle within a bound: `outcome` answers `unfinished` by its deadline, `add` rejects with SFR4360,
 * `close()` and a worker's `stop()` return. The bounds below are waits (what "hangs" means here),
 * not speed measurements: each is several times what the call needs.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { bullmqTaskBackend } from '../../src/tasks/bullmq-backend.js';
import type { JobSpec, TaskBackend, TaskOutcome } from '../../src/tasks/types.js';
import { createWorker } from '../../src/tasks/worker.js';
import { recordingLogger } from '../support.js';
import { sendReceiptTask } from './support.js';

const ONCE = { attempts: 1, backoff: 'fixed', delayMs: 0 } as const;
const PENDING = Symbol('still pending');

function job(name: string, args: unknown, more: Partial<JobSpec> = {}): JobSpec {
  return { queue: 'mailer', name, data: { v: 1, args }, retry: ONCE, ...more };
}

/** What `work` settled with within `ms`, or PENDING: a bounded wait, so that a hang fails the test instead of timing it out. */
async function settledWithin<T>(
  work: Promise<T>,
  ms: number,
): Promise<{ ok: T } | { error: unknown } | typeof PENDING> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<typeof PENDING>((resolve) => (timer = setTimeout(() => resolve(PENDING), ms)));
  try {
    return await Promise.race([
      work.then(
        (ok) => ({ ok }),
        (error: unknown) => ({ error }),
      ),
      late,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

const servers = new Set<ChildProcess>();
const backends = new Set<TaskBackend>();

afterEach(async () => {
  for (const backend of backends) await settledWithin(backend.close(), 5000);
  backends.clear();
  for (const server of servers) server.kill('SIGKILL');
  servers.clear();
});

/** A redis-server of this test's own on `port`, answering PING (bounded wait); fails loudly without the binary. */
async function startRedis(port: number): Promise<ChildProcess> {
  const found = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
  if (found.error || found.status !== 0)
    throw new Error(
      `these tests start a private redis-server and found none on PATH (${String(found.error ?? found.stderr)}): install it (Debian: apt-get install redis-server)`,
    );
  const server = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  );
  servers.add(server);
  const probe = new Redis(port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  probe.on('error', () => undefined);
  try {
    for (let round = 0; round < 100; round++) {
      try {
        if (probe.status !== 'ready') await probe.connect();
        await probe.ping();
        return server;
      } catch {
        probe.disconnect();
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
    throw new Error(`the private redis-server on port ${port} did not answer within 5 s`);
  } finally {
    probe.disconnect();
  }
}

async function kill(server: ChildProcess): Promise<void> {
  const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));
  server.kill('SIGKILL');
  await exited;
  servers.delete(server);
}

/** A backend on a private Redis that it has reached (one job added), and that Redis. */
async function reachedThenKilled() {
  const port = await freePort();
  const server = await startRedis(port);
  const backend = bullmqTaskBackend({ url: `redis://127.0.0.1:${port}`, prefix: 'outage' });
  backends.add(backend);
  const [id] = await backend.add([job('sendReceipt', { orderId: 'o-1' }, { jobId: 'before' })]);
  expect(await backend.outcome('mailer', id!, 0)).toEqual({ status: 'unfinished' });
  await kill(server);
  return { backend, port, id: id! };
}

describe('bullmqTaskBackend when Redis goes away (a private redis-server, SIGKILLed)', { timeout: 60_000 }, () => {
  it('outcome answers unfinished by its deadline', async () => {
    const { backend, id } = await reachedThenKilled();
    expect(await settledWithin(backend.outcome('mailer', id, 300), 3000)).toEqual({
      ok: { status: 'unfinished' } satisfies TaskOutcome<unknown>,
    });
    // A queue it never used before the outage, too.
    expect(await settledWithin(backend.outcome('reports', 'x', 300), 3000)).toEqual({ ok: { status: 'unfinished' } });
  });

  it('add rejects with SFR4360 and its hint, on a queue it used and on one it did not; after Redis is back, add works again', async () => {
    const { backend, port } = await reachedThenKilled();
    for (const spec of [job('sendReceipt', { orderId: 'o-2' }), { ...job('report', {}), queue: 'reports' }]) {
      const settled = await settledWithin(backend.add([spec]), 8000);
      expect(settled).not.toBe(PENDING);
      expect(settled).toMatchObject({ error: { code: 'SFR4360' } });
      expect((settled as { error: { hint: string } }).error.hint).toMatch(/redis-server .*REDIS_URL/);
    }
    await startRedis(port);
    let added: unknown = PENDING;
    for (let round = 0; round < 40 && !(typeof added === 'object' && 'ok' in (added as object)); round++) {
      added = await settledWithin(backend.add([job('sendReceipt', { orderId: 'o-3' }, { jobId: 'after' })]), 8000);
      if (!(typeof added === 'object' && 'ok' in (added as object))) await new Promise((r) => setTimeout(r, 250));
    }
    expect(added).toEqual({ ok: ['after'] });
  });

  it('close() returns, with a processing running a job and a waiter open', async () => {
    const port = await freePort();
    const server = await startRedis(port);
    const backend = bullmqTaskBackend({ url: `redis://127.0.0.1:${port}`, prefix: 'outage' });
    backends.add(backend);
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    await backend.process(
      'mailer',
      () => {
        started();
        return new Promise(() => undefined);
      },
      { concurrency: 1, logger: recordingLogger() },
    );
    await backend.add([job('sendReceipt', {}, { jobId: 'before' })]);
    expect(await settledWithin(running, 10_000)).toEqual({ ok: undefined });
    await kill(server);
    const waiting = backend.outcome('mailer', 'before', 60_000);
    expect(await settledWithin(backend.close(), 8000)).toEqual({ ok: undefined });
    expect(await settledWithin(waiting, 1000)).toEqual({ ok: { status: 'unfinished' } });
  });

  it('worker.stop() with shutdownTimeoutMs 1000 and a job that ignores its signal returns within the wait and its margin', async () => {
    const port = await freePort();
    const server = await startRedis(port);
    const backend = bullmqTaskBackend({ url: `redis://127.0.0.1:${port}`, prefix: 'outage' });
    backends.add(backend);
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    const worker = createWorker(
      'mailer',
      { sendReceipt: sendReceiptTask() },
      {
        sendReceipt: () => {
          started();
          return new Promise(() => undefined); // ignores its signal, never settles
        },
      },
      { backend, shutdownTimeoutMs: 1000, logger: recordingLogger() },
    );
    await worker.start();
    await backend.add([job('sendReceipt', { orderId: 'o-4' })]);
    expect(await settledWithin(running, 10_000)).toEqual({ ok: undefined });
    await kill(server);
    // 1000 ms of wait, at most 500 ms of margin to hand the job back and close (documented), and slack.
    expect(await settledWithin(worker.stop(), 2500)).toEqual({ ok: undefined });
  });
});
