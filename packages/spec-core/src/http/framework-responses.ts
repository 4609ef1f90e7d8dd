/**
 * The responses the SpecFirst runtime sends on its own, whatever the controllers do: one table for
 * the runtime (which answers with these statuses), codegen (which declares them in the
 * published OpenAPI documents) and the checks (which warn when an imported document leaves one
 * out), so the three cannot drift apart. Every one is an RFC 9457 problem, `application/problem+json`.
 * Imports nothing that runs (the runtime loads it through `@specfirst/spec-core/framework-responses`).
 */
import type { IROperation, IRResponse } from '../ir/ir.js';

type IRResponseStatus = IRResponse['status'];

/** The media type of every response in {@link FRAMEWORK_RESPONSES}. */
export const PROBLEM_MEDIA_TYPE = 'application/problem+json';

/**
 * Which requests get the response:
 * - `input`: operations whose input can fail to be read or validated (parameters or a body);
 * - `body`: operations that take a request body;
 * - `guarded`: operations whose security names a scheme (see {@link isGuarded});
 * - `every`: every operation;
 * - `no-operation`: requests that match no operation (unknown path, or a known path asked with
 *   another method), so they belong to no operation of the document.
 */
export type FrameworkResponseScope = 'input' | 'body' | 'guarded' | 'every' | 'no-operation';

export interface FrameworkResponse {
  status: number;
  /** The key of the response in a published OpenAPI document's `components.responses`. */
  name: string;
  scope: FrameworkResponseScope;
  /** When the runtime sends it: the OpenAPI response's description. */
  description: string;
  /** Headers sent with it; `required` when every such response carries it. */
  headers?: readonly { name: string; required: boolean; description: string }[];
}

/** By status, in status order. */
export const FRAMEWORK_RESPONSES = {
  400: {
    status: 400,
    name: 'BadRequest',
    scope: 'input',
    description:
      'The request is not valid: a parameter or the body fails the schema (`errors` lists each failure by JSON pointer), the body is not valid JSON, or the URL does not decode.',
  },
  401: {
    status: 401,
    name: 'Unauthorized',
    scope: 'guarded',
    description: 'The request carries no valid credentials for any of the security requirements.',
    headers: [
      {
        name: 'WWW-Authenticate',
        required: false,
        description: 'The challenges of the HTTP authentication schemes involved, when there are any.',
      },
    ],
  },
  404: {
    status: 404,
    name: 'NotFound',
    scope: 'no-operation',
    description: 'No operation has this path.',
  },
  405: {
    status: 405,
    name: 'MethodNotAllowed',
    scope: 'no-operation',
    description: 'The path is known, but no operation answers this method there.',
    headers: [{ name: 'Allow', required: true, description: 'The methods the path answers.' }],
  },
  413: {
    status: 413,
    name: 'ContentTooLarge',
    scope: 'body',
    description: 'The request body is larger than the service accepts.',
  },
  415: {
    status: 415,
    name: 'UnsupportedMediaType',
    scope: 'body',
    description: 'The request body is not in the declared content type, charset or content encoding.',
  },
  500: {
    status: 500,
    name: 'InternalServerError',
    scope: 'every',
    description:
      'The server failed to answer, or its answer did not match this document; `detail` quotes the request id to report.',
  },
} as const satisfies Record<number, FrameworkResponse>;

export type FrameworkStatus = keyof typeof FRAMEWORK_RESPONSES;

/** What decides which framework responses an operation can get. */
export interface OperationShape {
  /** It declares path, query or header parameters. */
  parameters: boolean;
  /** It takes a request body. */
  body: boolean;
  /** Authentication can fail (see {@link isGuarded}). */
  guarded: boolean;
}

/**
 * Authentication can fail: some security alternative (a list of schemes, AND-ed) names a scheme.
 * Without the anonymous `{}` alternative, the runtime answers 401 when no alternative passes. With
 * it, a request without credentials goes through, but credentials that are sent and refused still
 * get a 401 (an authenticator throws it rather than let a forged token pass as anonymous, as
 * Conduit's does), so the operation can answer 401 either way.
 */
export function isGuarded(alternatives: readonly (readonly unknown[])[]): boolean {
  return alternatives.some((schemes) => schemes.length > 0);
}

/** The responses the runtime may send for an operation of this shape, in status order. */
export function frameworkResponsesFor(shape: OperationShape): FrameworkResponse[] {
  return Object.values(FRAMEWORK_RESPONSES).filter((response: FrameworkResponse) => {
    switch (response.scope) {
      case 'input':
        return shape.parameters || shape.body;
      case 'body':
        return shape.body;
      case 'guarded':
        return shape.guarded;
      case 'every':
        return true;
      case 'no-operation':
        return false;
    }
  });
}

/**
 * The responses the runtime may send for an IR operation: input when it declares path, query or
 * header parameters (cookies are not read) or a body, guarded by its security requirements.
 */
export function frameworkResponsesOf(op: Pick<IROperation, 'parameters' | 'body' | 'security'>): FrameworkResponse[] {
  return frameworkResponsesFor({
    parameters: op.parameters.some((p) => p.in !== 'cookie'),
    body: op.body !== undefined,
    guarded: isGuarded(op.security.map((requirement) => requirement.schemes)),
  });
}

/** What decides whether an operation declares a framework response itself: its statuses. */
type DeclaredStatuses = Pick<IROperation, 'parameters' | 'body' | 'security' | 'responses'>;

/**
 * The framework responses an operation can get that it declares no response for, at the exact
 * status: what a published document adds for it, with the problem body (a `4XX` the spec declares
 * may describe another body than the runtime's problem).
 */
export function frameworkResponsesUndeclared(op: DeclaredStatuses): FrameworkResponse[] {
  return frameworkResponsesOf(op).filter((r) => !op.responses.some((declared) => declared.status === r.status));
}

/**
 * The framework responses an operation can get that no response of it applies to, as the runtime
 * matches a status: not the exact status, nor its range (`4XX`), nor `default`. A document that
 * leaves one out misleads clients that read it (the check `SF6008` says so).
 */
export function frameworkResponsesUncovered(op: DeclaredStatuses): FrameworkResponse[] {
  const declared = new Set(op.responses.map((r) => String(r.status)));
  return frameworkResponsesOf(op).filter(
    (r) => !declared.has(String(r.status)) && !declared.has(`${String(r.status)[0]}XX`) && !declared.has('default'),
  );
}

/**
 * Whether the runtime answers `status` with a problem body whoever raises it (the framework, or a
 * controller's thrown HttpProblem): a document's response at such a status that states no body is
 * published with the problem body, since that is what clients get.
 */
export function isProblemStatus(status: IRResponseStatus): boolean {
  return (
    typeof status === 'number' &&
    Object.values(FRAMEWORK_RESPONSES).some((r: FrameworkResponse) => r.status === status && r.scope !== 'no-operation')
  );
}
