/**
 * `options.docs`: a service serves its own OpenAPI document and an API reference page rendered
 * from it, both under its base path, and both prepared once when the app is created.
 */
import { createHash } from 'node:crypto';
import express, { type Request, type Response, type Router } from 'express';
import { API_REFERENCE_CSP, renderApiReference } from './api-reference.js';
import { routeMatches } from './express-path.js';
import type { Logger } from '../logger.js';
import type { OperationDefinition } from '../operation.js';
import { SpecFirstRuntimeError } from '../errors.js';
import { requestIdOf } from '../respond.js';

export interface DocsOptions {
  /** Where the OpenAPI document is served, under the base path. Default `/openapi.json`; `false`: not served. */
  openapiPath?: string | false;
  /** Where the API reference page is served, under the base path. Default `/docs`; `false`: not served. */
  referencePath?: string | false;
}

/** The docs routes of one service, and the paths they serve (which then answer 405 to other methods). */
export interface DocsRoutes {
  router: Router;
  paths: string[];
}

const DEFAULTS = { openapiPath: '/openapi.json', referencePath: '/docs' } as const;
/**
 * Fixed segments only: the paths become Express routes, where `:`, `*`, `{` and `\` mean
 * something; and no `.` or `..` segment, which clients resolve away before sending.
 */
const PLAIN_PATH = /^(?:\/(?!\.\.?(?:\/|$))[A-Za-z0-9._~-]+)+$/;

/**
 * The routes `options.docs` asks for, or `undefined` when there are none. Docs are on by default
 * outside production. A path the spec already serves (any method, parameters included) stays the
 * spec's: a default path is then skipped with a warning, and a path given explicitly is refused
 * with a `SpecFirstRuntimeError` (a `TypeError`), as is `docs` set explicitly for a service without a document.
 */
export function docsRoutes(
  service: { basePath: string; operations: readonly OperationDefinition[]; openapi: object | undefined },
  option: boolean | DocsOptions | undefined,
  log: Logger,
): DocsRoutes | undefined {
  if (!(option ?? process.env.NODE_ENV !== 'production')) return undefined;
  const { openapi } = service;
  if (openapi === undefined) {
    if (option === undefined) return undefined;
    throw new SpecFirstRuntimeError(
      'SFR1101',
      "options.docs needs the service's OpenAPI document (service.openapi)",
      'generated create<Service>App functions pass it: run `specfirst sync` again',
    );
  }
  const chosen: DocsOptions = typeof option === 'object' ? option : {};
  const openapiPath = docsPath(service, 'openapiPath', chosen, log);
  const referencePath = docsPath(service, 'referencePath', chosen, log);
  if (openapiPath !== undefined && openapiPath.toLowerCase() === referencePath?.toLowerCase()) {
    throw new SpecFirstRuntimeError(
      'SFR1102',
      `options.docs: openapiPath and referencePath are both ${openapiPath}`,
      'give them different paths, or set one to false',
    );
  }

  const router = express.Router();
  if (openapiPath !== undefined) {
    // For a generated document, exactly the bytes of `openapi/<service>.json`: sync writes it this way.
    const json = `${JSON.stringify(openapi, null, 2)}\n`;
    router.get(openapiPath, sender(json, { 'Content-Type': 'application/json; charset=utf-8' }));
  }
  if (referencePath !== undefined) {
    const page = renderApiReference(
      openapi,
      openapiPath === undefined ? {} : { openapiHref: `${service.basePath}${openapiPath}` },
    );
    router.get(
      referencePath,
      sender(page, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Security-Policy': API_REFERENCE_CSP }),
    );
  }
  return { router, paths: [openapiPath, referencePath].filter((p) => p !== undefined) };
}

/** The path of one docs route, or `undefined` when it is off or the spec owns it. */
function docsPath(
  service: { basePath: string; operations: readonly OperationDefinition[] },
  key: keyof DocsOptions,
  chosen: DocsOptions,
  log: Logger,
): string | undefined {
  const given = chosen[key];
  if (given === false) return undefined;
  const path = given ?? DEFAULTS[key];
  if (typeof path !== 'string' || !PLAIN_PATH.test(path)) {
    throw new SpecFirstRuntimeError(
      'SFR1103',
      `options.docs.${key} must be a path of fixed segments such as ${JSON.stringify(DEFAULTS[key])}, or false; got ${JSON.stringify(path)}`,
      'use letters, digits and `.` `_` `~` `-` between slashes, without `.` or `..` segments',
    );
  }
  const owner = service.operations.find((op) => routeMatches(op.path, path));
  if (owner === undefined) return path;
  const what = key === 'openapiPath' ? 'the OpenAPI document' : 'the API reference';
  const message = `the spec has an operation at ${service.basePath}${owner.path} (\`${owner.operationId}\`), which serves ${service.basePath}${path}`;
  if (given !== undefined)
    throw new SpecFirstRuntimeError('SFR1104', `options.docs.${key}: ${message}`, `choose another path for ${what}`);
  log.warn(
    { path: `${service.basePath}${path}`, operationId: owner.operationId },
    `${message}, so ${what} is not served there; set options.docs.${key} to another path to serve it`,
  );
  return undefined;
}

/** A fixed body, with a strong ETag computed once: Express answers a matching If-None-Match with 304. */
function sender(body: string, headers: Record<string, string>) {
  const etag = `"${createHash('sha256').update(body, 'utf8').digest('base64url')}"`;
  return (req: Request, res: Response) => {
    requestIdOf(req, res);
    for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    // Revalidate every time (cheap, thanks to the ETag): a redeployed service shows its new spec.
    res.setHeader('Cache-Control', 'no-cache');
    res.setHeader('ETag', etag);
    res.send(body);
  };
}
