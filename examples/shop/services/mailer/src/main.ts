/**
 * The mailer on its own: `REDIS_URL=redis://127.0.0.1:6379 tsx services/mailer/src/main.ts`
 * (TASKS_PREFIX; ORDERS_URL, where orders answers: default the spec's port; MAILBOX_DIR, the folder
 * of `receipts.jsonl`: default none, receipts are only logged).
 */
import { runService } from '../../../lib/run.js';
import { startMailer } from './service.js';

await runService('mailer', startMailer, { events: false, tasks: true });
