/**
 * The worker behaviour suite on BullMQ and a real redis-server (REDIS_URL, default
 * redis://127.0.0.1:6379): each test has a BullMQ prefix of its own, whose keys are deleted after
 * the file. Without Redis these tests fail, saying how to start one.
 */
import { afterAll } from 'vitest';
import { bullmqTaskBackend } from '../../src/tasks/bullmq-backend.js';
import { REDIS_URL, redisTestServer } from '../events/redis-support.js';
import { workerBehaviour } from './worker-behaviour.js';

const { requireRedis, deleteKeys } = redisTestServer('worker-bullmq');
const FILE_PREFIX = `specfirst-test-worker-bullmq-${process.pid}-${Date.now()}`;
let tests = 0;

afterAll(async () => {
  await deleteKeys(FILE_PREFIX);
});

workerBehaviour('BullMQ', async () => {
  await requireRedis();
  const prefix = `${FILE_PREFIX}-${++tests}`;
  const backend = bullmqTaskBackend({ url: REDIS_URL, prefix });
  return {
    backend,
    dispose: async () => {
      await backend.close();
      await deleteKeys(prefix);
    },
  };
});
