/**
 * What every server of bench/router shares, so that they differ only in how they validate:
 * the JSON body parser, the two handlers, the error handler and how they listen.
 *
 * A server calls `createApp()`, adds its validation and the routes, then `listen(app)`, which
 * prints `listening on http://127.0.0.1:PORT` (an ephemeral port) for bench/router/run.mjs.
 */
import express from 'express';

/** The id every created user gets, so that every server answers with the same bytes. */
export const USER_ID = '5f0c3c52-8d4e-4c1b-9a57-2f6a1d0e7b93';

/** Express 5 with the JSON body parser every server uses (plain-express has nothing more). */
export function createApp() {
  const app = express();
  app.use(express.json({ limit: '1mb' }));
  return app;
}

/**
 * POST /users: 201 with the created user, i.e. the (validated) input without its password, plus
 * `id` and `createdAt`. `role` falls back to its default for plain-express, which applies none.
 */
export function createUser(req, res) {
  const { password: _password, ...user } = req.body;
  res.status(201).json({ id: USER_ID, ...user, role: user.role ?? 'customer', createdAt: new Date().toISOString() });
}

/** POST /users/bulk: 201 with how many users the array held. */
export function createUsers(req, res) {
  res.status(201).json({ created: req.body.length });
}

/**
 * Last middleware: answers errors as JSON with their status (400 for a body that does not parse,
 * and for express-openapi-validator's validation errors), 500 otherwise.
 */
export function errorHandler(err, _req, res, _next) {
  const status = Number.isInteger(err.status) ? err.status : 500;
  res.status(status).json({ message: err.message, ...(err.errors ? { errors: err.errors } : {}) });
}

/** Listens on 127.0.0.1 on a free port and prints it; resolves with the server. */
export function listen(app, name) {
  return new Promise((resolve, reject) => {
    const server = app.listen(0, '127.0.0.1', (error) => {
      if (error) return reject(error);
      const { port } = server.address();
      console.log(`${name} listening on http://127.0.0.1:${port}`);
      resolve(server);
    });
    for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => process.exit(0));
  });
}
