import type { Request } from 'express';
import type { OperationDefinition } from './operation.js';

/**
 * The principal each security scheme yields. Empty here; a project names its own types by
 * augmenting it, and every controller context picks them up:
 *
 *     declare module '@specfirst/runtime' {
 *       interface Principals { bearer: { userId: string; roles: string[] } }
 *     }
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled in by declaration merging
export interface Principals {}

export type PrincipalOf<Scheme extends string> = Scheme extends keyof Principals ? Principals[Scheme] : unknown;

/**
 * Checks one security scheme for a request. Returns the principal when the request carries valid
 * credentials for it, `null`/`undefined` when it does not (the framework answers 401 if no
 * alternative passes). Throw an `HttpProblem(403, ...)` for credentials that lack a scope.
 */
export type Authenticator<Scheme extends string = string> = (
  req: Request,
  requirement: { scheme: Scheme; scopes: readonly string[] },
) => PrincipalOf<Scheme> | null | undefined | Promise<PrincipalOf<Scheme> | null | undefined>;

export type Authenticators<Schemes extends string> = { [K in Schemes]: Authenticator<K> };

/**
 * Runs the operation's requirements as the spec states them: alternatives are OR-ed, the schemes
 * of one alternative AND-ed. Gives the principals of the first alternative that passes, or
 * undefined when none does. Each scheme is asked at most once per request and scope set.
 */
export async function authenticateRequest(
  definition: OperationDefinition,
  req: Request,
  authenticators: Readonly<Record<string, Authenticator>>,
): Promise<Record<string, unknown> | undefined> {
  if (definition.security.length === 0) return {};
  const asked = new Map<string, unknown>();
  // An empty alternative (`security: [{}, {bearer: []}]`) makes authentication optional: it is
  // tried last, so credentials that are given are still checked and their principal kept.
  const alternatives = [
    ...definition.security.filter((a) => a.length > 0),
    ...definition.security.filter((a) => a.length === 0),
  ];
  for (const alternative of alternatives) {
    const principals: Record<string, unknown> = {};
    let passed = true;
    for (const { scheme, scopes } of alternative) {
      const key = `${scheme}\u0000${scopes.join(' ')}`;
      if (!asked.has(key)) {
        const authenticator = authenticators[scheme];
        asked.set(key, authenticator ? await authenticator(req, { scheme, scopes }) : undefined);
      }
      const principal = asked.get(key);
      if (principal === null || principal === undefined) {
        passed = false;
        break;
      }
      Object.defineProperty(principals, scheme, { value: principal, enumerable: true });
    }
    if (passed) return principals;
  }
  return undefined;
}

/** The schemes an app must be given an authenticator for; a missing one is a start-up error, not a 500 later. */
export function missingAuthenticators(
  definitions: Iterable<OperationDefinition>,
  authenticators: Readonly<Record<string, unknown>>,
): string[] {
  const missing = new Set<string>();
  for (const definition of definitions) {
    for (const alternative of definition.security) {
      for (const { scheme } of alternative)
        if (typeof (Object.hasOwn(authenticators, scheme) ? authenticators[scheme] : undefined) !== 'function')
          missing.add(scheme);
    }
  }
  return [...missing].sort();
}
