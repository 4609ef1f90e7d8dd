/**
 * The orders service on its own: `REDIS_URL=redis://127.0.0.1:6379 tsx services/orders/src/main.ts`
 * (PORT, HOST, EVENTS_PREFIX, TASKS_PREFIX; USERS_URL, where users answers: default the spec's port).
 */
import { runService } from '../../../lib/run.js';
import { startOrders } from './service.js';

await runService('orders', startOrders, { tasks: true });
