import { FRAMEWORK_RESPONSES } from '@specfirst/spec-core/framework-responses';
import type { Request } from 'express';
import { authenticateRequest, type Authenticator } from '../auth.js';
import type { OperationDefinition } from '../operation.js';
import { next, stop, type Stage } from './stage.js';

/** What authentication gives the controller: the principal of each scheme that passed, by scheme name. */
export type PrincipalsByScheme = Record<string, unknown>;

/**
 * The authenticate stage: runs the operation's security requirements (see `authenticateRequest`)
 * and goes on with the principals, or stops with a 401 problem and the schemes'
 * `WWW-Authenticate` challenges. A public operation answers at once, without a promise. An
 * authenticator that throws (an `HttpProblem(403)`) throws through the stage.
 */
export function authenticateStage(
  definition: OperationDefinition,
  authenticators: Readonly<Record<string, Authenticator>>,
): Stage<Request, PrincipalsByScheme> {
  if (definition.security.length === 0) return () => next({});
  const headers =
    definition.challenges.length > 0 ? { 'WWW-Authenticate': definition.challenges.join(', ') } : undefined;
  return async (req) => {
    const principals = await authenticateRequest(definition, req, authenticators);
    if (principals !== undefined) return next(principals);
    return stop(
      {
        type: 'about:blank',
        title: 'Unauthorized',
        status: FRAMEWORK_RESPONSES[401].status,
        detail: 'this operation needs valid credentials',
      },
      headers,
    );
  };
}
