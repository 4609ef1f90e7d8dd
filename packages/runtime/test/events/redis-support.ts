/**
 * The real redis-server the Redis-backed event tests run on: REDIS_URL, default
 * redis://127.0.0.1:6379. Each test file gets a key prefix of its own (`specfirst-test:<name>:<pid>:…`),
 * whose keys are deleted after the file. Without a server the tests fail (they never skip), saying
 * how to start one.
 */
import { Redis } from 'ioredis';
import { afterAll } from 'vitest';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface RedisTestServer {
  /** The prefix of every key this file writes. */
  prefix: string;
  /** A connection of the test's own, for looking behind the broker's back. */
  admin: Redis;
  /** Resolves when Redis answers; rejects with how to start it when it does not. */
  requireRedis(): Promise<void>;
  /** Deletes every key under `prefix`. */
  deleteKeys(prefix: string): Promise<void>;
}

/** Call once per test file, at its top level: registers the clean-up of the file's keys. */
export function redisTestServer(name: string): RedisTestServer {
  const prefix = `specfirst-test:${name}:${process.pid}:${Date.now()}:`;
  const admin = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  let lastError: unknown;
  admin.on('error', (error: unknown) => {
    lastError = error;
  });
  let reachable: Promise<void> | undefined;

  const requireRedis = (): Promise<void> =>
    (reachable ??= admin
      .connect()
      .then(() => admin.ping())
      .then(
        () => undefined,
        (error: unknown) => {
          throw new Error(
            `Redis does not answer at ${REDIS_URL} (${String(lastError ?? error)}): these tests need a real redis-server. ` +
              'Start one with `redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no` ' +
              '(Debian: apt-get install redis-server), or set REDIS_URL to one that runs.',
          );
        },
      ));

  const deleteKeys = async (keyPrefix: string): Promise<void> => {
    let cursor = '0';
    for (let round = 0; round < 10_000; round++) {
      const [next, keys] = await admin.scan(cursor, 'MATCH', `${keyPrefix}*`, 'COUNT', 500);
      if (keys.length > 0) await admin.del(...keys);
      cursor = next;
      if (cursor === '0') return;
    }
  };

  afterAll(async () => {
    if (admin.status === 'ready') {
      await deleteKeys(prefix);
      await admin.quit();
    } else admin.disconnect();
  });

  return { prefix, admin, requireRedis, deleteKeys };
}
