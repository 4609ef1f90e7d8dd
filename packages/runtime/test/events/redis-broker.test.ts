/**
 * The Redis broker against the broker contract (broker-contract.ts) on a real redis-server: REDIS_URL,
 * default redis://127.0.0.1:6379. Every key lives under a prefix of this run and is deleted afterwards.
 * Without a server these tests fail (they never skip): start one with
 * `redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no` (or `.ci/run`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { BrokerError, NoGroupError } from '../../src/events/broker.js';
import { redisBroker } from '../../src/events/redis-broker.js';
import { brokerContract } from './broker-contract.js';
import { REDIS_URL, redisTestServer } from './redis-support.js';

const { prefix: PREFIX, admin, requireRedis, deleteKeys } = redisTestServer('brokers');

let harnesses = 0;

brokerContract('redis', async () => {
  await requireRedis();
  const prefix = `${PREFIX}${++harnesses}:`;
  return {
    broker: redisBroker(REDIS_URL),
    key: (name) => `${prefix}${name}`,
    elapse: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    wipe: async (...keys) => {
      await admin.del(...keys);
    },
    dispose: () => deleteKeys(prefix),
  };
});

describe('redisBroker', () => {
  it('reports an unreachable server as SFR4201, retryable, instead of waiting forever', async () => {
    // Port 1 on the loopback interface: nothing listens there.
    const broker = redisBroker('redis://127.0.0.1:1', { redis: { connectTimeout: 500 } });
    try {
      const error: unknown = await broker.length('any').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BrokerError);
      expect(error).toMatchObject({ code: 'SFR4201', retryable: true });
      expect((error as Error).message).toContain('127.0.0.1:1');
    } finally {
      await broker.close();
    }
  });

  it('runs its scripts again after the server forgot them (SCRIPT FLUSH, a restart)', async () => {
    await requireRedis();
    const broker = redisBroker(REDIS_URL);
    const stream = `${PREFIX}scripts`;
    try {
      await broker.createGroup(stream, 'g', '0');
      const id = await broker.add(stream, { n: '1' });
      await broker.read(stream, 'g', 'c', { from: '>', count: 1 });
      await admin.script('FLUSH');
      const deadId = await broker.deadLetter(stream, 'g', id, `${stream}:dead-letter`, { reason: 'handler' });
      expect(await broker.range(`${stream}:dead-letter`, '-', '+', 10)).toEqual([
        { id: deadId, fields: { reason: 'handler' } },
      ]);
      expect((await broker.pending(stream, 'g')).count).toBe(0);
    } finally {
      await broker.close();
    }
  });

  it('writes flat fields any Redis client reads, and reads entries written by one', async () => {
    await requireRedis();
    const broker = redisBroker(REDIS_URL);
    const stream = `${PREFIX}interop`;
    try {
      const id = await broker.add(stream, { type: 'OrderCreated', payload: '{"a":1}' });
      expect(await admin.xrange(stream, id, id)).toEqual([[id, ['type', 'OrderCreated', 'payload', '{"a":1}']]]);
      const raw = await admin.xadd(stream, '*', 'type', 'Raw', 'payload', '{}');
      expect(await broker.range(stream, `(${id}`, '+', 10)).toEqual([
        { id: raw, fields: { type: 'Raw', payload: '{}' } },
      ]);
    } finally {
      await broker.close();
    }
  });
});

/** A free port on the loopback interface (for a redis-server of the test's own). */
async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}

/** Starts a redis-server without persistence on `port` and waits (bounded) until it answers. */
async function startRedis(port: number): Promise<ChildProcess> {
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', tmpdir()],
    { stdio: 'ignore' },
  );
  const failed = once(child, 'error').then(([error]) => {
    throw new Error(`cannot start redis-server (install it: apt-get install redis-server): ${String(error)}`);
  });
  const probe = new Redis(port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  probe.on('error', () => undefined);
  try {
    for (let attempt = 0; attempt < 100; attempt++) {
      const answered = await Promise.race([
        probe.connect().then(
          () => true,
          () => false,
        ),
        failed,
      ]);
      if (answered) return child;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    child.kill('SIGKILL');
    throw new Error(`redis-server on port ${port} did not answer within 5 s`);
  } finally {
    probe.disconnect();
  }
}

async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGKILL');
  await exited;
}

describe('a Redis server that goes away and comes back (a redis-server of its own)', () => {
  it('fails calls and a blocked read with SFR4201 while it is down; afterwards works, and answers NOGROUP', async () => {
    const port = await freePort();
    let server = await startRedis(port);
    const broker = redisBroker(`redis://127.0.0.1:${port}`);
    const reader = broker.duplicate();
    try {
      await broker.createGroup('orders', 'billing', '0');
      await broker.add('orders', { n: '1' });
      expect((await reader.read('orders', 'billing', 'c', { from: '>', count: 10 })).length).toBe(1);
      const blocked = reader
        .read('orders', 'billing', 'c', { from: '>', count: 10, blockMs: 0 })
        .catch((e: unknown) => e);
      await new Promise((resolve) => setTimeout(resolve, 100));

      await kill(server);
      for (const error of [await broker.length('orders').catch((e: unknown) => e), await blocked]) {
        expect(error).toBeInstanceOf(BrokerError);
        expect(error).toMatchObject({ code: 'SFR4201', retryable: true });
      }

      server = await startRedis(port);
      // The client reconnects on its own; the first calls may still fail while it does.
      let length: unknown;
      for (let attempt = 0; attempt < 50; attempt++) {
        length = await broker.length('orders').catch((e: unknown) => e);
        if (typeof length === 'number') break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(length).toBe(0);
      // Without persistence the stream and its group are gone: NOGROUP, healed by creating the group.
      await expect(broker.read('orders', 'billing', 'c', { from: '0', count: 10 })).rejects.toBeInstanceOf(
        NoGroupError,
      );
      expect(await broker.createGroup('orders', 'billing', '0')).toBe(true);
    } finally {
      await reader.close();
      await broker.close();
      await kill(server);
    }
  }, 30_000);

  it('close() settles every call in flight at once while the server is gone and the client reconnects', async () => {
    const port = await freePort();
    const server = await startRedis(port);
    // Commands wait for the reconnection however long it takes: only close() can settle them.
    const broker = redisBroker(`redis://127.0.0.1:${port}`, { redis: { maxRetriesPerRequest: null } });
    const reader = broker.duplicate();
    try {
      await broker.createGroup('orders', 'billing', '$');
      const blocked = reader
        .read('orders', 'billing', 'c', { from: '>', count: 10, blockMs: 0 })
        .catch((e: unknown) => e);
      await new Promise((resolve) => setTimeout(resolve, 100));
      await kill(server);
      // Issued while the client is reconnecting: queued by ioredis until it is back.
      await new Promise((resolve) => setTimeout(resolve, 300));
      const later = reader
        .read('orders', 'billing', 'c', { from: '>', count: 10, blockMs: 0 })
        .catch((e: unknown) => e);
      const queued = [broker.length('orders'), reader.read('orders', 'billing', 'c', { from: '0', count: 10 })].map(
        (call) => call.catch((e: unknown) => e),
      );
      await within(Promise.all([reader.close(), broker.close()]), 3000, 'close()');
      expect(await within(blocked, 1000, 'the read blocked before the server went')).toEqual([]);
      expect(await within(later, 1000, 'the read issued while reconnecting')).toEqual([]);
      for (const error of await within(Promise.all(queued), 1000, 'the queued calls')) {
        expect(error).toBeInstanceOf(BrokerError);
        expect(error).toMatchObject({ code: 'SFR4202' });
      }
    } finally {
      await reader.close();
      await broker.close();
      await kill(server);
    }
  }, 30_000);
});

/** A bounded wait for a promise that should settle soon; rejects instead of hanging the test. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} did not settle within ${ms} ms`)), ms);
    }),
  ]);
}
