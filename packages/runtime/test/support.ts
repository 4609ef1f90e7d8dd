import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import express, { type Express, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import type { Logger } from '../src/logger.js';
import type { OperationDefinition } from '../src/operation.js';
import type { StageResult } from '../src/pipeline/stage.js';
import { sendError, sendProblem } from '../src/respond.js';
import type { CompiledValidator } from '../src/validation.js';

// ajv-formats is CommonJS: its function is the default export's `default` under NodeNext.
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

/** Starts an app on an ephemeral port of the loopback interface; `close` stops it. */
export function listen(app: Express): Promise<{ url: string; close: () => Promise<void> }> {
  return new Promise((resolve, reject) => {
    const server: Server = app.listen(0, '127.0.0.1', (error?: Error) => {
      if (error) reject(error);
      else
        resolve({
          url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
          close: () => new Promise((done) => server.close(() => done())),
        });
    });
  });
}

/** A logger that keeps what it is told. */
export function recordingLogger(): Logger & {
  entries: { level: string; fields: Record<string, unknown>; message: string }[];
} {
  const entries: { level: string; fields: Record<string, unknown>; message: string }[] = [];
  const at = (level: string) => (fields: Record<string, unknown>, message: string) =>
    void entries.push({ level, fields, message });
  return { entries, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/** A public operation without validators: what a generated definition holds, minus the checks. */
export function operation(
  operationId: string,
  httpMethod: OperationDefinition['httpMethod'],
  path: string,
): OperationDefinition {
  return {
    operationId,
    method: operationId,
    httpMethod,
    path,
    pathParams: [...path.matchAll(/:(\w+)/g)].map((m) => ({ name: m[1]!, expressName: m[1]! })),
    queryParams: [],
    headerParams: [],
    validate: {},
    responses: { '200': { contentType: 'application/json' } },
    security: [],
    challenges: [],
  };
}

/** An OpenAPI 3.1 document like the ones `specfirst sync` writes, for a small users service. */
export const USERS_DOCUMENT = {
  'x-generated-by': 'specfirst from spec/services.yaml. Do not edit: run specfirst sync instead.',
  openapi: '3.1.0',
  info: {
    title: 'users',
    version: '1.0.0',
    description: 'Customer accounts.\nSecond line.',
    license: { name: 'MIT License', url: 'https://opensource.org/licenses/MIT' },
    contact: { name: 'Shop team', email: 'api@example.com' },
  },
  servers: [{ url: '/api' }],
  tags: [{ name: 'users', description: 'Register and look up customers' }, { name: 'sessions' }],
  paths: {
    '/users': {
      post: {
        operationId: 'createUser',
        tags: ['users'],
        summary: 'Register a customer',
        requestBody: {
          required: true,
          content: { 'application/json': { schema: { $ref: '#/components/schemas/UserCreate' } } },
        },
        responses: {
          '201': {
            description: 'Created',
            content: { 'application/json': { schema: { $ref: '#/components/schemas/User' } } },
            headers: { Location: { required: true, schema: { type: 'string' } } },
          },
          '409': {
            description: 'E-mail already registered',
            content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
          },
        },
        security: [],
      },
    },
    '/users/{id}': {
      get: {
        operationId: 'getUser',
        tags: ['users'],
        description: 'Only for signed-in callers.',
        parameters: [
          { name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } },
          {
            name: 'expand',
            in: 'query',
            required: false,
            description: 'Related records to include',
            schema: { type: 'array', items: { enum: ['orders', 'address'] } },
          },
        ],
        responses: {
          '200': {
            description: 'The user',
            content: { 'application/json': { schema: { $ref: '#/components/schemas/User' } } },
          },
          '404': { description: 'No such user' },
        },
        security: [{ bearer: [] }, { apiKey: ['users:read'] }],
      },
    },
    '/sessions': {
      post: {
        operationId: 'createSession',
        tags: ['sessions'],
        deprecated: true,
        requestBody: {
          required: true,
          content: {
            'application/x-www-form-urlencoded': {
              schema: {
                type: 'object',
                properties: { email: { type: 'string' }, password: { type: 'string', writeOnly: true } },
                required: ['email', 'password'],
              },
            },
          },
        },
        responses: { '204': { description: 'Signed in' } },
        security: [],
      },
    },
  },
  components: {
    schemas: {
      User: {
        type: 'object',
        description: 'A customer account.',
        properties: {
          id: { type: 'string', format: 'uuid', readOnly: true },
          email: { type: 'string', format: 'email' },
          role: { enum: ['customer', 'admin'], default: 'customer' },
          nickname: { type: ['string', 'null'] },
          tags: { type: 'array', items: { type: 'string' } },
          address: { $ref: '#/components/schemas/Address' },
        },
        required: ['id', 'email'],
      },
      UserCreate: {
        type: 'object',
        properties: { email: { type: 'string', format: 'email' }, password: { type: 'string', writeOnly: true } },
        required: ['email', 'password'],
      },
      Address: { type: 'object', properties: { city: { type: 'string' } }, additionalProperties: { type: 'string' } },
      Problem: { type: 'object', properties: { title: { type: 'string' }, status: { type: 'integer' } } },
      Role: { oneOf: [{ const: 'customer' }, { const: 'admin' }] },
    },
    securitySchemes: {
      bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
      apiKey: { type: 'apiKey', in: 'header', name: 'X-Api-Key', description: 'For other services' },
    },
  },
};

/**
 * A validator as `specfirst sync` compiles them (ajv, JSON Schema 2020-12, all errors, defaults;
 * parameters coerced from strings), compiled here at run time instead of ahead.
 */
export function validator(schema: object | boolean, purpose: 'params' | 'body' = 'body'): CompiledValidator {
  const ajv = new Ajv2020({
    allErrors: true,
    strict: false,
    useDefaults: true,
    coerceTypes: purpose === 'params' ? 'array' : false,
  });
  addFormats(ajv);
  return ajv.compile(schema) as CompiledValidator;
}

/**
 * Serves one request stage on a real Express route, `handlers` (a body parser) first: a stage that
 * stops answers with its problem and headers, one that goes on with `200 { value, failures }`;
 * what the stage throws goes to the runtime's error handler. Query strings are parsed flat, as in
 * a service app.
 */
export async function serveStage(
  httpMethod: OperationDefinition['httpMethod'],
  path: string,
  stage: (req: Request) => StageResult<unknown> | Promise<StageResult<unknown>>,
  handlers: RequestHandler[] = [],
): Promise<{ url: string; close: () => Promise<void> }> {
  const app = express();
  app.set('query parser', 'simple');
  app[httpMethod](path, ...handlers, async (req: Request, res: Response, nextHandler: NextFunction) => {
    try {
      const result = await stage(req);
      if (result.ok) res.json({ value: result.value, failures: result.failures });
      else sendProblem(res, result.problem, result.headers);
    } catch (error) {
      nextHandler(error);
    }
  });
  app.use((error: unknown, req: Request, res: Response, _next: NextFunction) =>
    sendError(error, req, res, recordingLogger(), 'test-request'),
  );
  return listen(app);
}
