/** Starts the users service: accounts and sign-in. It takes part in no event. */
import { usersPort } from '#generated/routers/users/index.js';
import { listen } from '../../../lib/http.js';
import type { RunningService, ServiceOptions } from '../../../lib/service.js';
import { createApp } from './app.js';
import { UserStore } from './store.js';

export interface RunningUsers extends RunningService {
  url: string;
  users: UserStore;
}

export async function startUsers(options: Omit<ServiceOptions, 'broker'>): Promise<RunningUsers> {
  const users = new UserStore();
  const http = await listen(
    createApp(users, options.settings, options.logger),
    options.port ?? usersPort,
    options.host ?? '127.0.0.1',
  );
  return { name: 'users', url: http.url, users, stop: () => http.close() };
}
