import { createHash } from 'node:crypto';
import express from 'express';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createServiceApp, type ServiceDefinition, type ServiceOptions } from '../src/app.js';
import type { OperationDefinition } from '../src/operation.js';
import { listen, operation, recordingLogger, USERS_DOCUMENT } from './support.js';

/** `options.docs`, served by real Express apps on ephemeral ports and read with fetch. */
const closers: (() => Promise<void>)[] = [];
afterAll(() => Promise.all(closers.map((close) => close())));

const controller = {
  getUser: () => ({ status: 200, body: { from: 'getUser' } }),
  createUser: () => ({ status: 200, body: { from: 'createUser' } }),
  getDocs: () => ({ status: 200, body: { from: 'getDocs' } }),
  postDocs: () => ({ status: 200, body: { from: 'postDocs' } }),
  getPage: () => ({ status: 200, body: { from: 'getPage' } }),
};

const USER_OPERATIONS = [operation('getUser', 'get', '/users/:id'), operation('createUser', 'post', '/users')];

async function serve(
  operations: readonly OperationDefinition[],
  options: ServiceOptions = {},
  openapi: object | null = USERS_DOCUMENT,
): Promise<string> {
  const service: ServiceDefinition = {
    basePath: '/api',
    tags: [{ operations, controller }],
    ...(openapi === null ? {} : { openapi }),
  };
  const app = createServiceApp(service, { logger: recordingLogger(), ...options });
  const { url, close } = await listen(app);
  closers.push(close);
  return url;
}

describe('the OpenAPI document', () => {
  it('is served at <base>/openapi.json as the bytes sync writes, with a strong ETag', async () => {
    const url = await serve(USER_OPERATIONS);
    const response = await fetch(`${url}/api/openapi.json`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('x-request-id')).toMatch(/^[\w-]+$/);
    const text = await response.text();
    expect(text).toBe(`${JSON.stringify(USERS_DOCUMENT, null, 2)}\n`);
    expect(JSON.parse(text)).toEqual(USERS_DOCUMENT);

    const etag = response.headers.get('etag')!;
    expect(etag).toMatch(/^"[\w-]+"$/);
    // As a browser revalidates; fetch would otherwise add `Cache-Control: no-cache`, which asks for the full answer.
    const again = await fetch(`${url}/api/openapi.json`, {
      headers: { 'if-none-match': etag, 'cache-control': 'max-age=0' },
    });
    expect(again.status).toBe(304);
  });
});

describe('the API reference page', () => {
  it('is served at <base>/docs: HTML with a strict CSP that allows only its own stylesheet', async () => {
    const url = await serve(USER_OPERATIONS);
    const response = await fetch(`${url}/api/docs`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const csp = response.headers.get('content-security-policy')!;
    expect(csp).toMatch(
      /^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/]+={0,2}'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'$/,
    );
    const page = await response.text();
    const styles = [...page.matchAll(/<style>([\s\S]*?)<\/style>/g)].map((m) => m[1]!);
    expect(styles).toHaveLength(1);
    expect(csp).toContain(`'sha256-${createHash('sha256').update(styles[0]!).digest('base64')}'`);
    expect(page).not.toMatch(/<script|<link|<img|src=|@import|url\(/i);
    expect(page).toContain('<a class="badge" href="/api/openapi.json">');
    for (const expected of [
      '<span class="path">/users/{id}</span>',
      '<span class="summary">Register a customer</span>',
      'Customer accounts.\nSecond line.',
    ])
      expect(page).toContain(expected);
  });

  it('answers HEAD and OPTIONS, and 405 with Allow to other methods', async () => {
    const url = await serve(USER_OPERATIONS);
    const head = await fetch(`${url}/api/docs`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    const options = await fetch(`${url}/api/docs`, { method: 'OPTIONS' });
    expect(options.status).toBe(200);
    expect(options.headers.get('allow')).toBe('GET, HEAD');
    for (const path of ['/api/docs', '/api/openapi.json']) {
      const post = await fetch(`${url}${path}`, { method: 'POST' });
      expect(post.status).toBe(405);
      expect(post.headers.get('allow')).toBe('GET, HEAD');
      expect(post.headers.get('content-type')).toBe('application/problem+json; charset=utf-8');
    }
  });
});

describe('the service around it is unchanged', () => {
  it('operations answer, unknown paths get the 404 problem, known paths the 405', async () => {
    const url = await serve(USER_OPERATIONS);
    expect(await (await fetch(`${url}/api/users/u1`)).json()).toEqual({ from: 'getUser' });
    const notFound = await fetch(`${url}/api/nope`);
    expect(notFound.status).toBe(404);
    expect(await notFound.json()).toMatchObject({ title: 'Not Found', detail: 'no operation at GET /api/nope' });
    expect((await fetch(`${url}/docs`)).status).toBe(404); // outside the base path
    expect((await fetch(`${url}/api/docs/more`)).status).toBe(404);
    const wrongMethod = await fetch(`${url}/api/users`, { method: 'GET' });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('POST');
  });

  it('on an existing app (options.app) too, whose own routes stay reachable', async () => {
    const app = express();
    app.get('/health', (_req, res) => void res.send('ok'));
    createServiceApp(
      { basePath: '/api', tags: [{ operations: USER_OPERATIONS, controller }], openapi: USERS_DOCUMENT },
      { app, logger: recordingLogger() },
    );
    const { url, close } = await listen(app);
    closers.push(close);
    expect((await fetch(`${url}/api/docs`)).status).toBe(200);
    expect((await fetch(`${url}/health`)).status).toBe(200);
  });
});

describe('when docs are served', () => {
  const environment = process.env.NODE_ENV;
  afterEach(() => {
    process.env.NODE_ENV = environment;
  });

  it('by default outside production, and not in production unless asked', async () => {
    process.env.NODE_ENV = 'production';
    const production = await serve(USER_OPERATIONS);
    expect((await fetch(`${production}/api/docs`)).status).toBe(404);
    expect((await fetch(`${production}/api/openapi.json`)).status).toBe(404);
    const asked = await serve(USER_OPERATIONS, { docs: true });
    expect((await fetch(`${asked}/api/docs`)).status).toBe(200);
    process.env.NODE_ENV = 'development';
    const development = await serve(USER_OPERATIONS);
    expect((await fetch(`${development}/api/docs`)).status).toBe(200);
  });

  it('never with docs: false; at other paths, or one of the two, when configured', async () => {
    const off = await serve(USER_OPERATIONS, { docs: false });
    expect((await fetch(`${off}/api/docs`)).status).toBe(404);
    expect((await fetch(`${off}/api/openapi.json`)).status).toBe(404);

    const moved = await serve(USER_OPERATIONS, {
      docs: { openapiPath: '/meta/openapi.json', referencePath: '/reference' },
    });
    expect((await fetch(`${moved}/api/meta/openapi.json`)).status).toBe(200);
    const page = await (await fetch(`${moved}/api/reference`)).text();
    expect(page).toContain('href="/api/meta/openapi.json"');
    expect((await fetch(`${moved}/api/docs`)).status).toBe(404);

    const jsonOnly = await serve(USER_OPERATIONS, { docs: { referencePath: false } });
    expect((await fetch(`${jsonOnly}/api/openapi.json`)).status).toBe(200);
    expect((await fetch(`${jsonOnly}/api/docs`)).status).toBe(404);

    const pageOnly = await serve(USER_OPERATIONS, { docs: { openapiPath: false } });
    expect((await fetch(`${pageOnly}/api/openapi.json`)).status).toBe(404);
    expect(await (await fetch(`${pageOnly}/api/docs`)).text()).not.toContain('OpenAPI document</a>');
  });

  it('without a document: silently off by default, refused when asked for', async () => {
    const url = await serve(USER_OPERATIONS, {}, null);
    expect((await fetch(`${url}/api/docs`)).status).toBe(404);
    expect(() => createServiceApp({ basePath: '/api', tags: [] }, { docs: true })).toThrow(
      /options\.docs needs the service's OpenAPI document/,
    );
  });

  it('refuses paths that are not plain, or the same twice', () => {
    const make = (docs: NonNullable<ServiceOptions['docs']>) => () =>
      createServiceApp({ basePath: '', tags: [], openapi: USERS_DOCUMENT }, { docs });
    for (const bad of ['docs', '/docs/:page', '/docs/*rest', '/', '/a//b', '/docs?x=1', '/..', '/a/./b', '/docs/..']) {
      expect(make({ referencePath: bad }), bad).toThrow(
        /options\.docs\.referencePath must be a path of fixed segments/,
      );
    }
    expect(make({ openapiPath: '/Docs', referencePath: '/docs' })).toThrow(
      'options.docs: openapiPath and referencePath are both /Docs',
    );
  });
});

describe('a spec operation at a docs path wins', () => {
  it('GET /docs in the spec: the operation answers, and a warning says why there is no reference page', async () => {
    const logger = recordingLogger();
    const url = await serve([...USER_OPERATIONS, operation('getDocs', 'get', '/docs')], { logger });
    expect(await (await fetch(`${url}/api/docs`)).json()).toEqual({ from: 'getDocs' });
    expect((await fetch(`${url}/api/openapi.json`)).status).toBe(200);
    expect(logger.entries).toEqual([
      {
        level: 'warn',
        fields: { path: '/api/docs', operationId: 'getDocs' },
        message:
          'the spec has an operation at /api/docs (`getDocs`), which serves /api/docs, so the API reference is not served there; set options.docs.referencePath to another path to serve it',
      },
    ]);
  });

  it("POST /docs in the spec: GET /docs stays the spec's 405", async () => {
    const url = await serve([...USER_OPERATIONS, operation('postDocs', 'post', '/docs')]);
    const response = await fetch(`${url}/api/docs`);
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST');
  });

  it('a parameter that matches the path counts too: GET /{page} serves /docs and /openapi.json', async () => {
    const logger = recordingLogger();
    const url = await serve([operation('getPage', 'get', '/:page')], { logger });
    expect(await (await fetch(`${url}/api/docs`)).json()).toEqual({ from: 'getPage' });
    expect(await (await fetch(`${url}/api/openapi.json`)).json()).toEqual({ from: 'getPage' });
    expect(logger.entries.map((e) => e.fields)).toEqual([
      { path: '/api/openapi.json', operationId: 'getPage' },
      { path: '/api/docs', operationId: 'getPage' },
    ]);
  });

  it('a path chosen explicitly that the spec serves is refused when the app is created', () => {
    const app = express();
    expect(() =>
      createServiceApp(
        {
          basePath: '/api',
          tags: [{ operations: [operation('getDocs', 'get', '/docs')], controller }],
          openapi: USERS_DOCUMENT,
        },
        { app, docs: { referencePath: '/docs' } },
      ),
    ).toThrow(
      'options.docs.referencePath: the spec has an operation at /api/docs (`getDocs`), which serves /api/docs; choose another path for the API reference',
    );
    // Nothing was mounted on the app before the refusal.
    expect((app as unknown as { router?: { stack: unknown[] } }).router?.stack ?? []).toHaveLength(0);
  });
});
