/** The task queues the environment asks for: BullMQ on Redis when `REDIS_URL` is set, else in memory. */
import { memoryTaskBackend, type TaskBackend } from '@specfirst/runtime/tasks';

export interface ChosenTaskBackend {
  backend: TaskBackend;
  /** For the ready line: `in-memory queue` or `BullMQ on Redis at redis://127.0.0.1:6379`. */
  description: string;
}

export async function taskBackendFromEnv(env: NodeJS.ProcessEnv = process.env): Promise<ChosenTaskBackend> {
  const url = env['REDIS_URL'];
  if (!url) return { backend: memoryTaskBackend(), description: 'in-memory queue' };
  // Loaded only here: a shop without Redis never loads bullmq.
  const { bullmqTaskBackend } = await import('@specfirst/runtime/tasks/bullmq');
  // TASKS_PREFIX: BullMQ's key prefix (tests use their own); default BullMQ's.
  const prefix = env['TASKS_PREFIX'];
  const backend = bullmqTaskBackend(prefix ? { url, prefix } : url);
  const where = new URL(url);
  where.password = '';
  return { backend, description: `BullMQ on Redis at ${where.toString()}` };
}
