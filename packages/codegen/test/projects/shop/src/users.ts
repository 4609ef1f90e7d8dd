import { randomUUID } from 'node:crypto';
import { HttpProblem, type Request } from '@specfirst/runtime';
import type * as M from '../generated/models.js';
import { createUsersApp, type UsersAppOptions } from '../generated/routers/users/index.js';
import { createSessionReply, type SessionsController } from '../generated/routers/users/sessions.js';
import { createUserReply, getUserReply, type UsersController } from '../generated/routers/users/users.js';
import './principals.js';

/** A user id that makes getUser throw, with a secret in the message that must never reach a client. */
export const EXPLODING_ID = '00000000-0000-4000-8000-000000000000';
/** A user id for which getUser returns a body that breaks the contract (a controller bug). */
export const BROKEN_ID = '11111111-1111-4111-8111-111111111111';
/** A user id for which getUser returns a valid user plus a field the spec does not declare. */
export const LEAKY_ID = '22222222-2222-4222-8222-222222222222';
/** A user id for which getUser returns the user's write-only password. */
export const PASSWORD_ID = '33333333-3333-4333-8333-333333333333';

export class InMemoryUsers implements UsersController {
  readonly users = new Map<string, M.User>();
  /** What the last listUsers call received, so tests can see coercion and defaults. */
  lastListQuery: unknown;

  createUser(request: { body: M.UserCreate }) {
    const { body } = request;
    if ([...this.users.values()].some((u) => u.email === body.email)) {
      return createUserReply.conflict({ type: 'about:blank', title: 'E-mail already registered', status: 409 });
    }
    const user: M.User = { id: randomUUID(), email: body.email, name: body.name, role: body.role ?? 'customer', createdAt: new Date(0).toISOString(), ...(body.address ? { address: body.address } : {}) };
    this.users.set(user.id, user);
    return createUserReply.created(user);
  }

  getUser(request: { params: { id: string } }) {
    if (request.params.id === EXPLODING_ID) throw new Error('connection to postgres://admin:hunter2@db failed');
    if (request.params.id === BROKEN_ID) return getUserReply.ok({ id: BROKEN_ID } as unknown as M.User);
    if (request.params.id === PASSWORD_ID) return getUserReply.ok({ id: PASSWORD_ID, email: 'p@example.com', name: 'P', role: 'customer', createdAt: new Date(0).toISOString(), password: 'correct horse battery' });
    if (request.params.id === LEAKY_ID) {
      const row = { id: LEAKY_ID, email: 'l@example.com', name: 'Leaky', role: 'customer' as const, createdAt: new Date(0).toISOString(), passwordHash: '$2b$10$secret' };
      return getUserReply.ok(row);
    }
    const user = this.users.get(request.params.id);
    return user ? getUserReply.ok(user) : getUserReply.notFound({ type: 'about:blank', title: 'No such user', status: 404 });
  }

  updateUser(request: { params: { id: string }; body: M.UserUpdate }) {
    const user = this.users.get(request.params.id);
    if (!user) throw new HttpProblem(404, 'No such user');
    const updated: M.User = { ...user, ...request.body };
    this.users.set(user.id, updated);
    return { status: 200 as const, body: updated };
  }

  listUsers(request: { query: { limit: number; cursor?: string; role?: 'customer' | 'admin' } }) {
    this.lastListQuery = request.query;
    const all = [...this.users.values()].filter((u) => request.query.role === undefined || u.role === request.query.role);
    return { status: 200 as const, body: all.slice(0, request.query.limit), headers: { 'X-Next-Cursor': all.length > request.query.limit ? 'more' : undefined } };
  }
}

export const sessions: SessionsController = {
  createSession(request) {
    if (request.body.password !== 'correct horse battery') return createSessionReply.unauthorized({ type: 'about:blank', title: 'Wrong e-mail or password', status: 401 });
    return createSessionReply.created({ token: 'good-token', expiresAt: new Date(0).toISOString() });
  },
};

export function authenticateBearer(req: Request) {
  return req.headers.authorization === 'Bearer good-token' ? { userId: 'u1' } : null;
}

export function usersApp(users = new InMemoryUsers(), logs: string[] = [], extra: Partial<UsersAppOptions> = {}) {
  const app = createUsersApp(
    { users, sessions },
    {
      ...extra,
      authenticate: { bearer: authenticateBearer },
      validateResponses: true,
      logger: {
        debug: () => undefined,
        info: () => undefined,
        warn: (fields, message) => logs.push(JSON.stringify({ ...fields, message })),
        error: (fields, message) => logs.push(JSON.stringify({ ...fields, message })),
      },
    },
  );
  return { app, users, logs };
}

/** RealWorld style: validation failures answered as `422 {"errors": {"body": [...]}}` instead of a 400 problem. */
export function realWorldStyleApp() {
  return usersApp(new InMemoryUsers(), [], {
    validationErrorResponse: (problem) => ({ status: 422, body: { errors: { body: problem.errors.map((e) => `${e.pointer} ${e.message}`) } } }),
  });
}

/** The reference page at another path and no JSON document: how a project moves or trims the docs routes. */
export function docsElsewhereApp() {
  return usersApp(new InMemoryUsers(), [], { docs: { referencePath: '/reference', openapiPath: false } });
}
