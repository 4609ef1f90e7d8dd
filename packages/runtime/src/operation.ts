import type { CompiledValidator } from './validation.js';

/**
 * What generated code tells the runtime about one operation. Generated routers hold an array of
 * these and nothing else that runs; all request handling lives in this package, where it is
 * written and tested once.
 */
export interface OperationDefinition {
  operationId: string;
  /** The controller method that answers it. */
  method: string;
  httpMethod: 'get' | 'put' | 'post' | 'delete' | 'options' | 'head' | 'patch' | 'trace';
  /** Express 5 path, without the service's base path: `/users/:id`. */
  path: string;
  /** Path parameters: spec name and the name Express knows it by. */
  pathParams: readonly { name: string; expressName: string }[];
  queryParams: readonly string[];
  headerParams: readonly string[];
  validate: {
    params?: CompiledValidator;
    query?: CompiledValidator;
    headers?: CompiledValidator;
    body?: CompiledValidator;
  };
  /**
   * `openKeys: false` when the body's schema admits no key it does not name (every object closed,
   * nothing free-form): such a body cannot carry a prototype-polluting key past validation, so the
   * extra scan for one is skipped. Absent means it may.
   */
  body?: { contentType: string; required: boolean; openKeys?: boolean };
  /**
   * Declared responses by status (`201`, `4XX`, `default`); `validate` is absent for responses
   * without a JSON body; `headers` names the headers the response must carry.
   */
  responses: Readonly<
    Record<string, { validate?: CompiledValidator; contentType?: string; headers?: readonly string[] }>
  >;
  /** Alternatives (OR) of requirements (AND); `[]` is public. */
  security: readonly (readonly { scheme: string; scopes: readonly string[] }[])[];
  /** `WWW-Authenticate` challenges of the schemes involved (`Bearer`, `Basic`), sent with a 401. */
  challenges: readonly string[];
  /**
   * The services that declare an edge to this operation (`consumes.operations`), sorted: with
   * `RouterOptions.callerGuard`, a signed call from any other service is refused with a 403.
   * Absent or empty: no service may call it.
   */
  callers?: readonly string[];
}

/** What a controller method returns: a status it declared, with its body and headers. */
export interface OperationResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string | number | boolean | readonly string[] | undefined>;
}
