import express, { type NextFunction, type Request, type RequestHandler, type Response, type Router } from 'express';
import { missingAuthenticators } from './auth.js';
import { SpecFirstRuntimeError } from './errors.js';
import type { OperationDefinition } from './operation.js';
import { resolveOptions, type ResolvedOptions, type RouterOptions } from './options.js';
import { httpPipeline, type ControllerMethod } from './pipeline/http.js';
import { bodyParser } from './pipeline/read-body.js';
import { requestIdOf, sendError } from './respond.js';

/**
 * Builds the Express router of one tag. Generated `create<Tag>Router` functions call this with the
 * tag's operation definitions. Used on its own (mounted by hand), the router answers its own
 * errors (unreadable bodies, throws) as problems too.
 */
export function createOperationsRouter(
  definitions: readonly OperationDefinition[],
  controller: object,
  options: RouterOptions | ResolvedOptions = {},
): Router {
  const resolved =
    'logger' in options && 'bodyLimit' in options && 'validationErrorResponse' in options
      ? (options as ResolvedOptions)
      : resolveOptions(options);
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
 * matches in registration order. Each route is the body parser (when the operation has a body)
 * and the operation's request pipeline (pipeline/http.ts). Throws a SpecFirstRuntimeError
 * (SFR1001–SFR1003) at once for a scheme without an authenticator or a missing controller method.
 */
export function routerFor(bindings: readonly OperationBinding[], options: ResolvedOptions): Router {
  const missing = missingAuthenticators(
    bindings.map((b) => b.definition),
    options.authenticate,
  );
  if (missing.length > 0) {
    throw new SpecFirstRuntimeError(
      'SFR1001',
      `no authenticate function for security scheme ${missing.map((s) => `\`${s}\``).join(', ')}`,
      `pass options.authenticate = { ${missing.map((s) => `${s}: (req) => ...`).join(', ')} }`,
    );
  }
  const router = express.Router();
  for (const { definition, controller } of [...bindings].sort((a, b) =>
    comparePaths(a.definition.path, b.definition.path),
  )) {
    if (typeof controller !== 'object' || controller === null) {
      throw new SpecFirstRuntimeError(
        'SFR1002',
        `no controller object was given for operation \`${definition.operationId}\``,
        "pass an instance of the class that implements the tag's controller interface",
      );
    }
    const method = (controller as Record<string, unknown>)[definition.method];
    if (typeof method !== 'function') {
      throw new SpecFirstRuntimeError(
        'SFR1003',
        `the controller has no method \`${definition.method}\` for operation \`${definition.operationId}\``,
        `add \`${definition.method}(request, context)\` to the controller: the tag's generated interface declares it`,
      );
    }
    const handlers: RequestHandler[] = [];
    if (definition.body)
      handlers.push(
        bodyParser(
          definition.body.contentType,
          options.bodyLimit,
          definition.body.openKeys !== false,
          options.maxBodyDepth,
        ),
      );
    handlers.push(httpPipeline(definition, method.bind(controller) as ControllerMethod, options));
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
