import { HttpProblem } from '@specfirst/runtime';
import type { GenericErrorModel } from '../../../generated/models.js';

/** RealWorld's error body, `{"errors": {"body": [...]}}`, which its spec declares for 422. */
export function errorBody(...messages: string[]): GenericErrorModel {
  return { errors: { body: messages } };
}

/*
 * The RealWorld document declares no 403 or 404 responses, although its API answers both
 * (https://realworld-docs.netlify.app/specifications/backend/error-handling/). They are thrown as
 * RFC 9457 problems, the framework's channel for statuses outside an operation's declared ones,
 * as it does for 401.
 */
export function notFound(what: string): HttpProblem {
  return new HttpProblem(404, 'Not Found', { detail: `${what} does not exist` });
}

export function forbidden(detail: string): HttpProblem {
  return new HttpProblem(403, 'Forbidden', { detail });
}

/** A unique constraint refused a write (a race between two requests that both checked first). */
export function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '23505';
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
