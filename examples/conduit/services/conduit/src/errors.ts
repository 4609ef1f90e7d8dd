import { HttpProblem } from '@specfirst/runtime';
import { isForeignKeyViolation } from './db/database.js';
import type { GenericErrorModel } from '#generated/models.js';

/** RealWorld's error body, `{"errors": {"body": [...]}}`, which its spec declares for 422. */
export function errorBody(...messages: string[]): GenericErrorModel {
  return { errors: { body: messages } };
}

/*
 * The RealWorld document declares no 403 or 404 responses, although its API answers both
 * (https://realworld-docs.netlify.app/specifications/backend/error-handling/). spec/services.yaml
 * adds them to the operations that send them (`operations.<id>.responses`), as RFC 9457 problems
 * whose body is also a `GenericErrorModel`: `errors.body` repeats the detail, so a RealWorld
 * client reads them as it reads a 422, and the published document describes them truthfully.
 */
export function notFound(what: string): HttpProblem {
  return problem(404, 'Not Found', `${what} does not exist`);
}

/**
 * A 401 problem, the body the framework gives every 401 it answers itself (no or a bad token).
 * RealWorld declares its 401 without content, so `loginReply.unauthorized()` would answer an
 * empty one: controllers throw this instead, and a client reads every 401 the same way.
 */
export function unauthorized(detail: string): HttpProblem {
  return new HttpProblem(401, 'Unauthorized', { detail });
}

export function forbidden(detail: string): HttpProblem {
  return problem(403, 'Forbidden', detail);
}

/** A problem that is a `GenericErrorModel` too, as spec/services.yaml declares the 403 and 404. */
function problem(status: 403 | 404, title: string, detail: string): HttpProblem {
  return new HttpProblem(status, title, { detail, extensions: { ...errorBody(detail) } });
}

/** `value`, or a 404 problem naming `what` when it does not exist (any more). */
export function found<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw notFound(what);
  return value;
}

/**
 * `can't be blank` for each given field that is only whitespace (absent fields are not checked):
 * the RealWorld schemas say `type: string` but an empty title or username is no use to anyone.
 */
export function blankFields(fields: Record<string, string | undefined>): string[] {
  return Object.entries(fields)
    .filter(([, value]) => value !== undefined && value.trim() === '')
    .map(([name]) => `${name} can't be blank`);
}

/** A write that points at `what`: when a foreign key refuses it, `what` was deleted meanwhile, a 404. */
export async function pointingAt<T>(what: string, write: Promise<T>): Promise<T> {
  try {
    return await write;
  } catch (error) {
    if (isForeignKeyViolation(error)) throw notFound(what);
    throw error;
  }
}
