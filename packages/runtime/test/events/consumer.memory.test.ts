import { randomUUID } from 'node:crypto';
import { memoryBroker } from '../../src/events/memory-broker.js';
import { consumerBehaviour } from './consumer-behaviour.js';

consumerBehaviour('the memory broker', async () => {
  const broker = memoryBroker();
  return { broker, prefix: `test:${randomUUID()}:`, dispose: () => broker.close() };
});
