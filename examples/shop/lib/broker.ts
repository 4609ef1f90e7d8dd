/** The event transport the environment asks for: Redis when `REDIS_URL` is set, else in memory. */
import { memoryBroker, type EventBroker } from '@specfirst/runtime/events';

export interface ChosenBroker {
  broker: EventBroker;
  /** For the banner: `in-memory broker` or `Redis at redis://127.0.0.1:6379`. */
  description: string;
}

export async function brokerFromEnv(env: NodeJS.ProcessEnv = process.env): Promise<ChosenBroker> {
  const url = env['REDIS_URL'];
  if (!url) return { broker: memoryBroker(), description: 'in-memory broker' };
  // Loaded only here: a shop without Redis never loads ioredis.
  const { redisBroker } = await import('@specfirst/runtime/events/redis');
  const broker = redisBroker(url);
  const where = new URL(url);
  where.password = '';
  const description = `Redis at ${where.toString()}`;
  // Fail at start, and say why, rather than wait on a server that is not there.
  const answer = broker.get(`${env['EVENTS_PREFIX'] ?? ''}shop:ping`);
  const timeout = new Promise<never>((_, reject) =>
    setTimeout(() => reject(new Error(`${description} does not answer; is redis-server running?`)), 5000).unref(),
  );
  try {
    await Promise.race([answer, timeout]);
  } catch (error) {
    await broker.close();
    throw error;
  }
  return { broker, description };
}
