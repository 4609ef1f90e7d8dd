import { memoryTaskBackend } from '../../src/tasks/memory-backend.js';
import { workerBehaviour } from './worker-behaviour.js';

workerBehaviour('the memory backend', async () => {
  const backend = memoryTaskBackend();
  return { backend, dispose: () => backend.close() };
});
