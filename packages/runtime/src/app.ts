import { FRAMEWORK_RESPONSES } from '@specfirst/spec-core/framework-responses';
import express, { type Express, type Request, type Response, type Router } from 'express';
import { docsRoutes, type DocsOptions } from './reference/docs.js';
import type { OperationDefinition } from './operation.js';
import { SpecFirstRuntimeError } from './errors.js';
import { requestIdOf, sendError, sendProblem } from './respond.js';
import { resolveOptions, type RouterOptions } from './options.js';
import { routerFor } from './router.js';

/** One tag of a service: its operations and the controller that answers them. */
export interface ServiceTag {
  operations: readonly OperationDefinition[];
  controller: object;
}

export interface ServiceDefinition {
  /** Prefix of every path: `''` or e.g. `/api`. */
  basePath: string;
  tags: readonly ServiceTag[];
  /**
   * The service's OpenAPI document, served by `options.docs`. Generated `create<Service>App`
   * functions import `openapi/<service>.json` and pass it.
   */
  openapi?: object;
}

export type ServiceOptions = RouterOptions & {
  /** An existing app to mount the service on (its own middleware runs first). Default: a new one. */
  app?: Express;
  /**
   * Serve the OpenAPI document (`<base>/openapi.json`) and an API reference page rendered from it
   * (`<base>/docs`). `true`, `false`, or other paths. Default: on unless NODE_ENV is `production`,
   * so a deployed service publishes its API description only when asked to.
   */
  docs?: boolean | DocsOptions;
};

/**
 * Composes a service: request ids, the tag routers under the base path, the docs routes, 405 with
 * `Allow` for a known path asked with another method, a 404 problem for anything else, and one
 * error handler. Generated `create<Service>App` functions call this.
 */
export function createServiceApp(service: ServiceDefinition, options: ServiceOptions = {}): Express {
  const resolved = resolveOptions(options);
  const operations = service.tags.flatMap((tag) => tag.operations);
  checkRequiredCallers(resolved.callerGuard?.requireCaller, operations);
  // Settled before anything is mounted, so that a refused option leaves `options.app` untouched.
  const docs = docsRoutes(
    { basePath: service.basePath, operations, openapi: service.openapi },
    options.docs,
    resolved.logger,
  );
  const app = options.app ?? express();
  if (!options.app) {
    app.disable('x-powered-by');
    // Query strings are parsed flat (`?a=1&a=2` → ['1', '2']): the spec declares every shape.
    app.set('query parser', 'simple');
  }
  const mount = service.basePath === '' ? '/' : service.basePath;
  // One router for every tag, so that path specificity orders routes across tags too.
  app.use(
    mount,
    routerFor(
      service.tags.flatMap((tag) => tag.operations.map((definition) => ({ definition, controller: tag.controller }))),
      resolved,
    ),
  );
  // After the operations, so that the spec wins any path both could serve.
  const allowed = methodsByPath(operations);
  if (docs) {
    app.use(mount, docs.router);
    for (const path of docs.paths) allowed.set(path, new Set(['GET', 'HEAD']));
  }
  app.use(mount, methodNotAllowed(allowed));
  // On an app of its own the service answers every unknown path; on an app given in
  // `options.app` only those under its base path, so routes added later stay reachable.
  app.use(options.app ? mount : '/', (req: Request, res: Response) => {
    requestIdOf(req, res);
    sendProblem(res, {
      type: 'about:blank',
      title: 'Not Found',
      status: FRAMEWORK_RESPONSES[404].status,
      detail: `no operation at ${req.method} ${req.originalUrl.split('?')[0]}`,
    });
  });
  app.use((error: unknown, req: Request, res: Response, _next: express.NextFunction) => {
    sendError(error, req, res, resolved.logger, requestIdOf(req, res));
  });
  return app;
}

/** The methods the operations answer at each of their paths; `GET` brings `HEAD`. */
function methodsByPath(operations: readonly OperationDefinition[]): Map<string, Set<string>> {
  const byPath = new Map<string, Set<string>>();
  for (const op of operations) {
    const methods = byPath.get(op.path) ?? new Set<string>();
    methods.add(op.httpMethod.toUpperCase());
    if (op.httpMethod === 'get') methods.add('HEAD');
    byPath.set(op.path, methods);
  }
  return byPath;
}

/** A path the app knows, asked with a method it does not answer there: 405 and the methods it does. */
function methodNotAllowed(methodsByPath: ReadonlyMap<string, ReadonlySet<string>>): Router {
  const router = express.Router();
  for (const [path, methods] of methodsByPath) {
    const allow = [...methods].sort().join(', ');
    // OPTIONS never gets here: Express answers it for every known path, with the methods in Allow.
    router.all(path, (req: Request, res: Response) => {
      requestIdOf(req, res);
      const requested = req.originalUrl.split('?')[0] ?? req.originalUrl;
      sendProblem(
        res,
        {
          type: 'about:blank',
          title: 'Method Not Allowed',
          status: FRAMEWORK_RESPONSES[405].status,
          detail: `${requested} accepts ${allow}`,
        },
        { Allow: allow },
      );
    });
  }
  return router;
}

/** `callerGuard.requireCaller` may name only operations of the service: a typo would leave one open. */
function checkRequiredCallers(
  required: boolean | ReadonlySet<string> | undefined,
  operations: readonly OperationDefinition[],
): void {
  if (required === undefined || typeof required === 'boolean') return;
  const known = new Set(operations.map((operation) => operation.operationId));
  const unknown = [...required].filter((id) => !known.has(id));
  if (unknown.length === 0) return;
  throw new SpecFirstRuntimeError(
    'SFR1404',
    `options.callerGuard.requireCaller names ${unknown.map((id) => `\`${id}\``).join(', ')}, which this service does not have`,
    `list operationIds of this service: ${[...known].sort().join(', ') || 'none'}`,
  );
}
