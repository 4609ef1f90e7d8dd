/**
 * What docs/deployment.md promises about `NODE_ENV`, on a real generated app: `specfirst sync`
 * writes it into a temporary project, and the test creates it in and out of production.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const CLI = path.join(ROOT, 'packages/cli/bin/specfirst.js');

const SPEC = {
  'specfirst.yaml': 'name: deployment-check\n',
  'spec/services.yaml': 'services:\n  api:\n    type: http\n    port: 3000\n    rest: rest/api.yaml\n',
  'spec/models.yaml': 'models:\n  Thing:\n    properties:\n      id: string\n',
  'spec/rest/api.yaml':
    'tags:\n  things:\n    operations:\n      getThing:\n        method: get\n        path: /thing\n        responses:\n          200: Thing\n',
};

interface LogEntry {
  level: string;
  message: string;
  fields: Record<string, unknown>;
}

type CreateApiApp = (
  controllers: object,
  options?: object,
) => { listen(port: number, host: string, callback: () => void): Server };

let project: string;
let createApiApp: CreateApiApp;
const servers: Server[] = [];
const environment = process.env.NODE_ENV;

beforeAll(async () => {
  project = mkdtempSync(path.join(tmpdir(), 'deployment-'));
  for (const [file, contents] of Object.entries(SPEC)) {
    mkdirSync(path.dirname(path.join(project, file)), { recursive: true });
    writeFileSync(path.join(project, file), contents);
  }
  // What the generated code imports, as a project's node_modules would hold it.
  mkdirSync(path.join(project, 'node_modules/@specfirst'), { recursive: true });
  symlinkSync(path.join(ROOT, 'packages/runtime'), path.join(project, 'node_modules/@specfirst/runtime'), 'dir');
  execFileSync(process.execPath, [CLI, 'sync', project], { encoding: 'utf8' });
  ({ createApiApp } = (await import(pathToFileURL(path.join(project, 'generated/routers/api/index.ts')).href)) as {
    createApiApp: CreateApiApp;
  });
});

afterEach(() => {
  process.env.NODE_ENV = environment;
});

afterAll(async () => {
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  rmSync(project, { recursive: true, force: true });
});

/**
 * The app, with NODE_ENV as given while it is created, a controller whose result carries a member
 * the spec does not declare, and a logger that records instead of writing to stderr.
 */
async function start(nodeEnv: string | undefined, options: object = {}): Promise<{ url: string; log: LogEntry[] }> {
  if (nodeEnv === undefined) delete process.env.NODE_ENV;
  else process.env.NODE_ENV = nodeEnv;
  const log: LogEntry[] = [];
  const record = (level: string) => (fields: Record<string, unknown>, message: string) =>
    void log.push({ level, message, fields });
  const controller = { getThing: () => ({ status: 200, body: { id: 't1', passwordHash: 'secret' } }) };
  const app = createApiApp(
    { things: controller },
    {
      logger: { debug: record('debug'), info: record('info'), warn: record('warn'), error: record('error') },
      ...options,
    },
  );
  process.env.NODE_ENV = environment;
  const server = await new Promise<Server>((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  servers.push(server);
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, log };
}

describe('NODE_ENV=production', () => {
  it('serves neither the OpenAPI document nor the reference page', async () => {
    const { url } = await start('production');
    for (const docsPath of ['/openapi.json', '/docs']) {
      const response = await fetch(`${url}${docsPath}`);
      expect(response.status).toBe(404);
      expect(response.headers.get('content-type')).toBe('application/problem+json; charset=utf-8');
    }
  });

  it('sends a controller result as it is, undeclared members included: response validation is off', async () => {
    const { url, log } = await start('production');
    const response = await fetch(`${url}/thing`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ id: 't1', passwordHash: 'secret' });
    expect(log).toEqual([]);
  });

  it('is read when the app is created: changing it afterwards changes nothing', async () => {
    const { url } = await start('production');
    process.env.NODE_ENV = 'development';
    expect((await fetch(`${url}/docs`)).status).toBe(404);
  });

  it('gives way to explicit options: docs and validateResponses on', async () => {
    const { url } = await start('production', { docs: true, validateResponses: true });
    expect((await fetch(`${url}/openapi.json`)).status).toBe(200);
    expect((await fetch(`${url}/thing`)).status).toBe(500);
  });
});

describe.each([
  ['unset', undefined],
  ['development', 'development'],
  ['prod (not the exact word)', 'prod'],
])('NODE_ENV %s', (_name, nodeEnv) => {
  it('serves the OpenAPI document and the reference page', async () => {
    const { url } = await start(nodeEnv);
    const document = await fetch(`${url}/openapi.json`);
    expect(document.status).toBe(200);
    expect(await document.json()).toMatchObject({ openapi: '3.1.0', paths: { '/thing': {} } });
    const page = await fetch(`${url}/docs`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
  });

  it('answers a result that breaks the declared response with a 500 problem, and logs it as an error', async () => {
    const { url, log } = await start(nodeEnv);
    const response = await fetch(`${url}/thing`);
    expect(response.status).toBe(500);
    const problem = (await response.json()) as { title: string; errors: { pointer: string }[] };
    expect(problem.title).toBe('The response did not match the API contract');
    expect(problem.errors).toEqual([expect.objectContaining({ pointer: '/body/passwordHash' })]);
    expect(log).toEqual([
      expect.objectContaining({
        level: 'error',
        fields: expect.objectContaining({ operationId: 'getThing', status: 200 }),
      }),
    ]);
  });
});

describe('request ids behind a proxy', () => {
  it.each([
    ['a plain id is kept', 'lb-7f3a.1:9@edge', true],
    ['one with a blank is replaced', 'has space', false],
    ['one longer than 128 characters is replaced', 'x'.repeat(129), false],
  ])('%s', async (_name, given, kept) => {
    const { url } = await start('production');
    const echoed = (await fetch(`${url}/thing`, { headers: { 'X-Request-Id': given } })).headers.get('x-request-id');
    if (kept) expect(echoed).toBe(given);
    else expect(echoed).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  });

  it('is sent on problems too', async () => {
    const { url } = await start('production');
    const response = await fetch(`${url}/nowhere`, { headers: { 'X-Request-Id': 'req-42' } });
    expect(response.status).toBe(404);
    expect(response.headers.get('x-request-id')).toBe('req-42');
  });
});
