/** Clean-up of what a Redis test wrote under its own key prefix (BullMQ's keys have no single name to delete). */
import { Redis } from 'ioredis';

/** Deletes every key that starts with `prefix` (SCAN, then DEL), in at most 10,000 rounds. */
export async function deleteKeys(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    for (let round = 0; round < 10_000; round++) {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
      if (cursor === '0') return;
    }
  } finally {
    redis.disconnect();
  }
}
