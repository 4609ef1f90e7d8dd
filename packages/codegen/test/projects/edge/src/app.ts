import express from 'express';
import type * as M from '../generated/models.js';
import { createAccountsRouter } from '../generated/routers/api/accounts.js';
import { createApiApp } from '../generated/routers/api/index.js';

declare module '@specfirst/runtime' {
  interface Principals {
    key: { keyId: string };
  }
}

export function edgeApp() {
  // What the controllers saw, the last few only: the hostile battery runs this app for many
  // rounds, and a test that kept every body would measure its own recording as a leak.
  const seen: { principals: unknown; settings: unknown }[] = [];
  const record = (entry: { principals: unknown; settings: unknown }) => {
    seen.push(entry);
    if (seen.length > 10) seen.shift();
  };
  const aborted: string[] = [];
  const accounts = {
    getAccount: (request: { params: { id: number } }) =>
      request.params.id === 0
        ? ({ status: 404 as const, body: { title: 'No account 0' } })
        : ({ status: 200 as const, body: { id: String(request.params.id), name: 'By id' } }),
    createAccount: (request: { body: M.AccountCreate }) => ({ status: 201 as const, body: { id: 'new', ...request.body } }),
  };
  const app = createApiApp(
    {
      accounts,
      me: {
        getMyAccount: (_request, context) => {
          record({ principals: context.principals, settings: undefined });
          return context.principals.key ? { status: 200, body: { id: context.principals.key.keyId, name: 'Me' } } : { status: 401, body: { title: 'Who are you?' } };
        },
      },
      forms: {
        logIn: (request) => {
          record({ principals: undefined, settings: request.body });
          return { status: 204 };
        },
      },
      slow: {
        // Waits until the client goes away: the context's signal says so.
        waitForever: (_request, context) =>
          new Promise((resolve) => {
            context.signal.addEventListener('abort', () => {
              aborted.push(context.requestId);
              resolve({ status: 204 });
            });
          }),
      },
      settings: {
        putSettings: (request) => {
          record({ principals: undefined, settings: request.body });
          return { status: 200, body: request.body };
        },
      },
    },
    { authenticate: { key: (req) => (req.headers['x-key'] === 'k1' ? { keyId: 'k1' } : null) } },
  );
  // A tag router mounted by hand, outside the generated app.
  const standalone = express();
  standalone.use('/v0', createAccountsRouter(accounts));
  return { app, standalone, seen, aborted };
}
