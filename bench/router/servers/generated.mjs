#!/usr/bin/env node
/**
 * The subject of bench/router: the Express app SpecFirst generates from bench/router/api.yaml.
 *
 * Before starting it, run.mjs runs `specfirst sync bench/router/api.yaml --out
 * bench/.out/router-generated` and transpiles the generated `.ts` files to `.js` in
 * bench/.out/router-generated-js (plain `node` 20 runs no TypeScript). The app validates
 * everything it validates by default: the body against UserCreate (formats, lengths, pattern,
 * enum, unknown keys refused), and outside production the response too; run.mjs starts every
 * server with NODE_ENV=production, as a deployed service runs, which turns response checks off.
 * Set BENCH_VALIDATE_RESPONSES=1 to measure with them on.
 *
 * The handlers build the same answers as createUser/createUsers in ./common.mjs.
 */
import { USER_ID, listen } from './common.mjs';
import { createApiApp } from '../../.out/router-generated-js/routers/api/index.js';

const app = createApiApp(
  {
    default: {
      createUser: ({ body }) => {
        const { password: _password, ...user } = body;
        return {
          status: 201,
          body: { id: USER_ID, ...user, role: user.role ?? 'customer', createdAt: new Date().toISOString() },
        };
      },
      createUsers: ({ body }) => ({ status: 201, body: { created: body.length } }),
    },
  },
  { validateResponses: process.env.BENCH_VALIDATE_RESPONSES === '1' },
);
await listen(app, 'generated');
