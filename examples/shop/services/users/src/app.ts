/** The users service's composition: the generated app, its controllers, the caller guard, and how to check a bearer token. */
import type { Express, Logger } from '@specfirst/runtime';
import { createUsersApp } from '#generated/routers/users/index.js';
import { callerGuard } from '../../../lib/internal.js';
import type { Settings } from '../../../lib/settings.js';
import { customerOf } from '../../../lib/tokens.js';
import { SessionsControllerImpl } from './controllers/sessions.js';
import { UsersControllerImpl } from './controllers/users.js';
import type { UserStore } from './store.js';

export function createApp(users: UserStore, settings: Settings, logger?: Logger): Express {
  return createUsersApp(
    { users: new UsersControllerImpl(users), sessions: new SessionsControllerImpl(users, settings.secret) },
    {
      // Orders' getUser comes signed as `orders`; a call from a service with no edge gets a 403.
      callerGuard: callerGuard('users', settings),
      authenticate: { bearer: (req) => customerOf(req.get('authorization'), settings.secret) },
      ...(logger ? { logger } : {}),
    },
  );
}
