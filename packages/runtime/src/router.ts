import express, { type NextFunction, type Request, type RequestHandler, type Response, type Router } from 'express';
import { authenticateRequest, missingAuthenticators, type Authenticator } from './auth.js';
import { RequestContext } from './context.js';
import { jsonLogger, type Logger } from './logger.js';
import { isFormMediaType, isJsonMediaType } from './media-types.js';
import type { OperationDefinition, OperationResult } from './operation.js';
import { requestIdOf, sendError, sendProblem } from './respond.js';
import { MAX_REPORTED_FAILURES, PROTO_PARAMETER_KEY, failuresFrom, parameterKey, validationProblem, type CompiledValidator, type ValidationFailure, type ValidationProblem } from './validation.js';

export interface RouterOptions {
  /**
   * Check every controller result against the declared responses (status, body). On by default
   * unless NODE_ENV is `production`; a mismatch is logged and answered with a 500 problem.
   */
  validateResponses?: boolean;
  /** One function per security scheme the operations use; see {@link Authenticator}. */
  authenticate?: Readonly<Record<string, Authenticator>>;
  /** Largest request body accepted, in bytes or as `'1mb'`. Default `'1mb'`. */
  bodyLimit?: number | string;
  logger?: Logger;
  /**
   * Answer validation failures with the service's own declared error response instead of the
   * RFC 9457 problem (e.g. RealWorld's `422 {"errors": {"body": [...]}}`).
   */
  validationErrorResponse?: (problem: ValidationProblem, req: Request) => OperationResult;
}

/** Settings after defaults, shared by every route of an app. */
export interface ResolvedOptions {
  validateResponses: boolean;
  authenticate: Readonly<Record<string, Authenticator>>;
  bodyLimit: number | string;
  logger: Logger;
  validationErrorResponse: ((problem: ValidationProblem, req: Request) => OperationResult) | undefined;
}

export function resolveOptions(options: RouterOptions): ResolvedOptions {
  return {
    validateResponses: options.validateResponses ?? process.env.NODE_ENV !== 'production',
    authenticate: options.authenticate ?? {},
    bodyLimit: options.bodyLimit ?? '1mb',
    logger: options.logger ?? jsonLogger(),
    validationErrorResponse: options.validationErrorResponse,
  };
}

type ControllerMethod = (request: unknown, context: RequestContext) => OperationResult | Promise<OperationResult>;

/**
 * Builds the Express router of one tag. Generated `create<Tag>Router` functions call this with the
 * tag's operation definitions. Used on its own (mounted by hand), the router answers its own
 * errors (unreadable bodies, throws) as problems too.
 */
export function createOperationsRouter(definitions: readonly OperationDefinition[], controller: object, options: RouterOptions | ResolvedOptions = {}): Router {
  const resolved = 'logger' in options && 'bodyLimit' in options && 'validationErrorResponse' in options ? (options as ResolvedOptions) : resolveOptions(options);
  const router = routerFor(
    definitions.map((definition) => ({ definition, controller })),
    resolved,
  );
  router.use((error: unknown, req: Request, res: Response, _next: NextFunction) => {
    sendError(error, req, res, resolved.logger, requestIdOf(req, res));
  });
  return router;
}

/** An operation and the controller object whose method answers it. */
export interface OperationBinding {
  definition: OperationDefinition;
  controller: object;
}

/**
 * One router for operations of one or more tags, registered most specific path first: OpenAPI
 * matches `/users/me` before `/users/{id}` whatever order the spec lists them in, and Express
 * matches in registration order.
 */
export function routerFor(bindings: readonly OperationBinding[], options: ResolvedOptions): Router {
  const missing = missingAuthenticators(
    bindings.map((b) => b.definition),
    options.authenticate,
  );
  if (missing.length > 0) {
    throw new TypeError(`no authenticate function for security scheme ${missing.map((s) => `\`${s}\``).join(', ')}; pass options.authenticate = { ${missing.map((s) => `${s}: (req) => ...`).join(', ')} }`);
  }
  const router = express.Router();
  for (const { definition, controller } of [...bindings].sort((a, b) => comparePaths(a.definition.path, b.definition.path))) {
    if (typeof controller !== 'object' || controller === null) {
      throw new TypeError(`no controller object was given for operation \`${definition.operationId}\``);
    }
    const method = (controller as Record<string, unknown>)[definition.method];
    if (typeof method !== 'function') {
      throw new TypeError(`the controller has no method \`${definition.method}\` for operation \`${definition.operationId}\``);
    }
    const handlers: RequestHandler[] = [];
    if (definition.body) handlers.push(bodyParser(definition.body.contentType, options.bodyLimit, definition.body.openKeys !== false));
    handlers.push(operationHandler(definition, method.bind(controller) as ControllerMethod, options));
    router[definition.httpMethod](definition.path, ...handlers);
  }
  return router;
}

/**
 * A total order of paths: segment by segment, a fixed segment before a parameter; then fewer
 * segments first (paths of different lengths never match the same URL, so that only keeps the
 * order consistent); otherwise equal, and the stable sort keeps the spec's order.
 */
export function comparePaths(a: string, b: string): number {
  const as = a.split('/');
  const bs = b.split('/');
  for (let i = 0; i < Math.min(as.length, bs.length); i++) {
    const pa = /^[:*]/.test(as[i]!) ? 1 : 0;
    const pb = /^[:*]/.test(bs[i]!) ? 1 : 0;
    if (pa !== pb) return pa - pb;
  }
  return as.length - bs.length;
}

/** Set on a request whose raw JSON body mentions `proto` or `prototype` (possibly escaped): worth a scan once parsed. */
const SUSPICIOUS = Symbol('specfirst.suspiciousBody');

function bodyParser(contentType: string, limit: number | string, openKeys: boolean): RequestHandler {
  if (isJsonMediaType(contentType)) {
    return express.json({
      limit,
      // Any JSON value is a body (a spec may declare a string or an array), not only objects.
      strict: false,
      type: ['application/json', 'application/*+json'],
      // Where the schema lets arbitrary keys through (open objects, free-form values), one native
      // search of the raw bytes decides whether the parsed body needs a scan for prototype-polluting
      // keys (see pollutingKey). Closed schemas refuse such keys already and skip both.
      ...(openKeys
        ? {
            verify: (req: unknown, _res: unknown, buffer: Buffer) => {
              if (buffer.includes('proto') || buffer.includes('\\u')) (req as Record<symbol, boolean>)[SUSPICIOUS] = true;
            },
          }
        : {}),
    });
  }
  if (isFormMediaType(contentType)) return express.urlencoded({ limit, extended: false, type: 'application/x-www-form-urlencoded' });
  if (contentType.startsWith('text/')) return express.text({ limit, type: contentType });
  return express.raw({ limit, type: contentType });
}

function operationHandler(definition: OperationDefinition, call: ControllerMethod, options: ResolvedOptions): RequestHandler {
  const headerKeys = definition.headerParams.map((name) => [name, name.toLowerCase()] as const);
  const protoParameter = [...definition.pathParams.map((p) => p.name), ...definition.queryParams, ...definition.headerParams].includes('__proto__');
  const jsonBody = definition.body !== undefined && isJsonMediaType(definition.body.contentType);
  const formBody = definition.body !== undefined && isFormMediaType(definition.body.contentType);
  return async (req: Request, res: Response, _next: NextFunction) => {
    const requestId = requestIdOf(req, res);
    try {
      // A public operation skips the asynchronous authentication step altogether.
      const principals = definition.security.length === 0 ? {} : await authenticateRequest(definition, req, options.authenticate);
      if (principals === undefined) {
        sendProblem(res, { type: 'about:blank', title: 'Unauthorized', status: 401, detail: 'this operation needs valid credentials' }, challengeHeaders(definition));
        return;
      }

      const failures: ValidationFailure[] = [];
      const params: Record<string, unknown> = {};
      for (const { name, expressName } of definition.pathParams) setOwn(params, parameterKey(name), req.params[expressName]);
      const query: Record<string, unknown> = {};
      if (definition.queryParams.length > 0) {
        const raw = req.query as Record<string, unknown>;
        for (const name of definition.queryParams) if (Object.hasOwn(raw, name)) setOwn(query, parameterKey(name), raw[name]);
      }
      const headers: Record<string, unknown> = {};
      for (const [name, key] of headerKeys) if (req.headers[key] !== undefined) setOwn(headers, parameterKey(name), req.headers[key]);
      check(definition.validate.params, params, 'params', failures);
      check(definition.validate.query, query, 'query', failures);
      check(definition.validate.headers, headers, 'headers', failures);
      if (protoParameter) for (const part of [params, query, headers]) restoreProtoKey(part);

      let body: unknown = undefined;
      if (definition.body) {
        body = req.body;
        if (body === undefined || (Buffer.isBuffer(body) && body.length === 0 && !req.is(definition.body.contentType))) {
          if (hasBody(req) && !req.is(definition.body.contentType)) {
            sendProblem(res, { type: 'about:blank', title: 'Unsupported Media Type', status: 415, detail: `send the body as ${definition.body.contentType}` });
            return;
          }
          body = undefined;
          if (definition.body.required) failures.push({ pointer: '/body', message: `is required (${definition.body.contentType})` });
        } else if (formBody) {
          // The form parser gives an object without prototype; the controller gets a plain one.
          const fields: Record<string, unknown> = {};
          for (const [key, value] of Object.entries(body as Record<string, unknown>)) setOwn(fields, key, value);
          body = fields;
          check(definition.validate.body, body, 'body', failures);
        } else if (jsonBody) {
          const polluting = (req as unknown as Record<symbol, boolean>)[SUSPICIOUS] ? pollutingKey(body, '/body') : undefined;
          if (polluting !== undefined) failures.push({ pointer: polluting, message: 'is not accepted: it could replace an object prototype' });
          else check(definition.validate.body, body, 'body', failures);
        }
      }

      if (failures.length > 0) {
        const problem = validationProblem(failures, req.originalUrl);
        if (options.validationErrorResponse) send(res, definition, options.validationErrorResponse(problem, req), false, options.logger, requestId);
        else sendProblem(res, problem);
        return;
      }

      const context = new RequestContext(definition.operationId, requestId, principals, options.logger, req, res);
      const returned = call({ params, query, headers, body }, context);
      const result = returned instanceof Promise ? await returned : returned;
      if (res.headersSent) return; // the controller answered through the escape hatch
      send(res, definition, result, options.validateResponses, options.logger, requestId);
    } catch (error) {
      sendError(error, req, res, options.logger, requestId);
    }
  };
}

/**
 * The pointer to the first key in a parsed JSON value that pollutes prototypes when code merges it
 * into another object: an own `__proto__`, or a `constructor` holding a `prototype`. JSON.parse
 * makes them plain own keys; `Object.assign` and deep-merge helpers then turn them into prototypes.
 */
export function pollutingKey(value: unknown, pointer: string): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = pollutingKey(value[i], `${pointer}/${i}`);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  for (const key of Object.keys(value)) {
    const child = (value as Record<string, unknown>)[key];
    const here = `${pointer}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
    if (key === '__proto__') return here;
    if (key === 'constructor' && typeof child === 'object' && child !== null && Object.hasOwn(child, 'prototype')) return `${here}/prototype`;
    const found = pollutingKey(child, here);
    if (found !== undefined) return found;
  }
  return undefined;
}

function hasBody(req: Request): boolean {
  return req.headers['transfer-encoding'] !== undefined || (req.headers['content-length'] !== undefined && req.headers['content-length'] !== '0');
}

function check(validate: CompiledValidator | undefined, value: unknown, part: string, failures: ValidationFailure[]): void {
  if (validate && !validate(value)) failures.push(...failuresFrom(validate.errors ?? [], part));
}

/** After validation, a `__proto__` parameter goes back under its own name (see PROTO_PARAMETER_KEY). */
function restoreProtoKey(part: Record<string, unknown>): void {
  if (!Object.hasOwn(part, PROTO_PARAMETER_KEY)) return;
  setOwn(part, '__proto__', part[PROTO_PARAMETER_KEY]);
  Reflect.deleteProperty(part, PROTO_PARAMETER_KEY);
}

/** Spec names may be `__proto__`: such a key becomes an own property, never the object's prototype. */
function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

function challengeHeaders(definition: OperationDefinition): Record<string, string> | undefined {
  return definition.challenges.length > 0 ? { 'WWW-Authenticate': definition.challenges.join(', ') } : undefined;
}

function declaredResponse(definition: OperationDefinition, status: number) {
  return definition.responses[String(status)] ?? definition.responses[`${Math.floor(status / 100)}XX`] ?? definition.responses.default;
}

function send(res: Response, definition: OperationDefinition, result: OperationResult, validate: boolean, log: Logger, requestId: string): void {
  const status = result?.status;
  if (typeof status !== 'number' || !Number.isInteger(status) || status < 100 || status > 599) {
    throw new TypeError(`controller method \`${definition.method}\` returned no valid status (got ${JSON.stringify(status)}); return { status, body }`);
  }
  const declared = declaredResponse(definition, status);
  if (validate) {
    const failures: ValidationFailure[] = [];
    if (declared === undefined) failures.push({ pointer: '/status', message: `${status} is not a declared response of ${definition.operationId}` });
    else if (declared.validate && !declared.validate(result.body)) failures.push(...failuresFrom(declared.validate.errors ?? [], 'body'));
    else if (!declared.validate && result.body !== undefined && declared.contentType === undefined) failures.push({ pointer: '/body', message: 'this response is declared without a body' });
    for (const name of declared?.headers ?? []) {
      const given = result.headers === undefined ? undefined : Object.entries(result.headers).find(([key]) => key.toLowerCase() === name.toLowerCase())?.[1];
      if (given === undefined) failures.push({ pointer: `/headers/${name}`, message: 'is required by the declared response' });
    }
    if (failures.length > 0) {
      log.error({ requestId, operationId: definition.operationId, status, failures }, 'the controller result does not match the declared response');
      sendProblem(res, {
        type: 'https://specfirst.dev/problems/response-validation-failed',
        title: 'The response did not match the API contract',
        status: 500,
        detail: `the server produced an invalid response; quote request id ${requestId} when reporting it`,
        // Response validation is a development aid (off in production): say what is wrong.
        errors: failures.slice(0, MAX_REPORTED_FAILURES),
      });
      return;
    }
  }
  res.status(status);
  if (result.headers) {
    for (const [name, value] of Object.entries(result.headers)) {
      if (value !== undefined) res.setHeader(name, Array.isArray(value) ? value.map(String) : String(value));
    }
  }
  if (result.body === undefined) {
    res.end();
    return;
  }
  const contentType = declared?.contentType;
  if (contentType !== undefined && !isJsonMediaType(contentType)) {
    res.type(contentType).send(result.body);
    return;
  }
  if (contentType !== undefined && contentType !== 'application/json') res.type(contentType);
  res.json(result.body);
}
