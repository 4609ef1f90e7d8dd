/** The users service's composition: the generated app, its controllers, and how to check a bearer token. */
import type { Express, Logger } from '@specfirst/runtime';
import { createUsersApp } from '#generated/routers/users/index.js';
import type { Settings } from '../../../lib/settings.js';
import { customerOf } from '../../../lib/tokens.js';
import { SessionsControllerImpl } from './controllers/sessions.js';
import { UsersControllerImpl } from './controllers/users.js';
import type { UserStore } from './store.js';

export function createApp(users: UserStore, settings: Settings, logger?: Logger): Express {
  return createUsersApp(
    { users: new UsersControllerImpl(users), sessions: new SessionsControllerImpl(users, settings.secret) },
    {
      authenticate: { bearer: (req) => customerOf(req.get('authorization'), settings.secret) },
      ...(logger ? { logger } : {}),
    },
  );
}
