import express, { type Express, type Request, type Response, type Router } from 'express';
import type { OperationDefinition } from './operation.js';
import { requestIdOf, sendError, sendProblem } from './respond.js';
import { resolveOptions, routerFor, type RouterOptions } from './router.js';

/** One tag of a service: its operations and the controller that answers them. */
export interface ServiceTag {
  operations: readonly OperationDefinition[];
  controller: object;
}

export interface ServiceDefinition {
  /** Prefix of every path: `''` or e.g. `/api`. */
  basePath: string;
  tags: readonly ServiceTag[];
}

export type ServiceOptions = RouterOptions & {
  /** An existing app to mount the service on (its own middleware runs first). Default: a new one. */
  app?: Express;
};

/**
 * Composes a service: request ids, the tag routers under the base path, 405 with `Allow` for a
 * known path asked with another method, a 404 problem for anything else, and one error handler.
 * Generated `create<Service>App` functions call this.
 */
export function createServiceApp(service: ServiceDefinition, options: ServiceOptions = {}): Express {
  const resolved = resolveOptions(options);
  const app = options.app ?? express();
  if (!options.app) {
    app.disable('x-powered-by');
    // Query strings are parsed flat (`?a=1&a=2` → ['1', '2']): the spec declares every shape.
    app.set('query parser', 'simple');
  }
  const mount = service.basePath === '' ? '/' : service.basePath;
  // One router for every tag, so that path specificity orders routes across tags too.
  app.use(mount, routerFor(service.tags.flatMap((tag) => tag.operations.map((definition) => ({ definition, controller: tag.controller }))), resolved));
  app.use(mount, methodNotAllowed(service.tags.flatMap((tag) => tag.operations)));
  // On an app of its own the service answers every unknown path; on an app given in
  // `options.app` only those under its base path, so routes added later stay reachable.
  app.use(options.app ? mount : '/', (req: Request, res: Response) => {
    requestIdOf(req, res);
    sendProblem(res, { type: 'about:blank', title: 'Not Found', status: 404, detail: `no operation at ${req.method} ${req.originalUrl.split('?')[0]}` });
  });
  app.use((error: unknown, req: Request, res: Response, _next: express.NextFunction) => {
    sendError(error, req, res, resolved.logger, requestIdOf(req, res));
  });
  return app;
}

/** A path the spec knows, asked with a method it does not declare there: 405 and the methods it does. */
function methodNotAllowed(operations: readonly OperationDefinition[]): Router {
  const router = express.Router();
  const methodsByPath = new Map<string, Set<string>>();
  for (const op of operations) {
    const methods = methodsByPath.get(op.path) ?? new Set<string>();
    methods.add(op.httpMethod.toUpperCase());
    if (op.httpMethod === 'get') methods.add('HEAD');
    methodsByPath.set(op.path, methods);
  }
  for (const [path, methods] of methodsByPath) {
    const allow = [...methods].sort().join(', ');
    // OPTIONS never gets here: Express answers it for every known path, with the methods in Allow.
    router.all(path, (req: Request, res: Response) => {
      requestIdOf(req, res);
      const requested = req.originalUrl.split('?')[0] ?? req.originalUrl;
      sendProblem(res, { type: 'about:blank', title: 'Method Not Allowed', status: 405, detail: `${requested} accepts ${allow}`, instance: requested }, { Allow: allow });
    });
  }
  return router;
}
