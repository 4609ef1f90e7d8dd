/** The users service on its own: `tsx services/users/src/main.ts` (PORT, HOST). */
import { runService } from '../../../lib/run.js';
import { startUsers } from './service.js';

await runService('users', startUsers, { events: false });
