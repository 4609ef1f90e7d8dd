/** The billing service on its own: `REDIS_URL=redis://127.0.0.1:6379 tsx services/billing/src/main.ts` (PORT, HOST, EVENTS_PREFIX). */
import { runService } from '../../../lib/run.js';
import { startBilling } from './service.js';

await runService('billing', startBilling);
