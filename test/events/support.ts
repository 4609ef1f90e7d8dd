/** What the events proofs share: the Redis they run on, their own key prefix, bounded waits. */
import type { Logger } from '@specfirst/runtime';
import { Redis } from 'ioredis';

/** The Redis of these tests: `REDIS_URL`, else the machine's redis-server. */
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/**
 * A client on {@link REDIS_URL}, checked with PING. Unreachable Redis is an error that says what to
 * do: these tests fail, they never skip.
 */
export async function connectRedis(): Promise<Redis> {
  const redis = new Redis(REDIS_URL, { lazyConnect: true, connectTimeout: 3000, maxRetriesPerRequest: 1 });
  redis.on('error', () => undefined); // the failed connect() below reports it
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    redis.disconnect();
    throw new Error(
      `The events tests need Redis at ${REDIS_URL} (set REDIS_URL, or start redis-server on 127.0.0.1:6379): ${(error as Error).message}`,
      { cause: error },
    );
  }
  return redis;
}

/** A key prefix no other run uses: `sf-test:<what>:<pid>:<time>:`. */
export function uniquePrefix(what: string): string {
  return `sf-test:${what}:${process.pid}:${Date.now().toString(36)}:`;
}

/** Deletes every key under `prefix` (SCAN, bounded). */
export async function deletePrefix(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  for (let round = 0; round < 10_000; round++) {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    if (keys.length > 0) await redis.unlink(...keys);
    cursor = next;
    if (cursor === '0') return;
  }
}

/** Waits until `done()` holds, checking every `everyMs`; throws with `describe()` after `timeoutMs`. */
export async function waitFor(
  done: () => boolean | Promise<boolean>,
  timeoutMs: number,
  describe: () => string | Promise<string>,
  everyMs = 20,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms: ${await describe()}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** mulberry32: a small seeded generator, so that a chaos run can be replayed from its printed seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A logger that drops everything (the tests look at what handlers saw, not at log lines). */
export const silentLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};
