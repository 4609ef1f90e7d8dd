/** The mailer on its own: `REDIS_URL=redis://127.0.0.1:6379 tsx services/mailer/src/main.ts` (EVENTS_PREFIX). */
import { runService } from '../../../lib/run.js';
import { startMailer } from './service.js';

await runService('mailer', startMailer);
