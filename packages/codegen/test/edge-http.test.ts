import { writeFileSync, readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Express } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listen, send, type Sent } from './support/http.js';
import { buildProject, compile, REPO_ROOT } from './support/project.js';

/** fixtures/edge-cases: behaviours beyond the happy path, served by real Express on real ports. */
let base: string;
let standaloneBase: string;
let seen: { principals: unknown; settings: unknown }[];
let aborted: string[];
let root: string;
const servers: Server[] = [];

beforeAll(async () => {
  const built = await buildProject('edge', path.join(REPO_ROOT, 'fixtures/edge-cases/openapi.yaml'), {
    sources: path.join(import.meta.dirname, 'projects/edge/src'),
  });
  root = built.root;
  const { edgeApp } = (await import(pathToFileURL(path.join(built.dist, 'src/app.js')).href)) as {
    edgeApp(): {
      app: Express;
      standalone: Express;
      seen: { principals: unknown; settings: unknown }[];
      aborted: string[];
    };
  };
  const made = edgeApp();
  seen = made.seen;
  aborted = made.aborted;
  for (const [app, set] of [
    [made.app, (url: string) => (base = url)],
    [made.standalone, (url: string) => (standaloneBase = url)],
  ] as const) {
    const { server, url } = await listen(app);
    servers.push(server);
    set(url);
  }
}, 120_000);

afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
});

const pointers = (r: Sent) => (r.json as { errors: { pointer: string }[] }).errors.map((e) => e.pointer);
const json = (raw: string) => ({ raw, headers: { 'content-type': 'application/json' } });

describe('routing', () => {
  it('a fixed path wins over a parameter declared before it, across tags', async () => {
    const response = await send(base, 'GET', '/accounts/me', { headers: { 'x-key': 'k1' } });
    expect(response.status).toBe(200);
    expect(response.json).toEqual({ id: 'k1', name: 'Me' });
    expect((await send(base, 'GET', '/accounts/7')).json).toEqual({ id: '7', name: 'By id' });
  });

  it('a path that is not validly percent-encoded is a 400 problem, not a 500', async () => {
    const response = await send(base, 'GET', '/accounts/%E0%A4%A');
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });

  it('a tag router mounted by hand answers its own errors as problems, without stack traces', async () => {
    const malformed = await send(standaloneBase, 'POST', '/v0/accounts', json('{"name": '));
    expect(malformed.status).toBe(400);
    expect(malformed.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(malformed.text).not.toMatch(/at |node_modules|SyntaxError/);
    expect((await send(standaloneBase, 'POST', '/v0/accounts', { json: { name: 'ok' } })).status).toBe(201);
  });
});

describe('authentication', () => {
  it('an empty alternative makes it optional: given credentials are still checked and their principal kept', async () => {
    await send(base, 'GET', '/accounts/me', { headers: { 'x-key': 'k1' } });
    expect(seen.at(-1)?.principals).toEqual({ key: { keyId: 'k1' } });
    const anonymous = await send(base, 'GET', '/accounts/me');
    expect(anonymous.status).toBe(401);
    expect(seen.at(-1)?.principals).toEqual({});
  });
});

describe('bodies', () => {
  it('read-only fields of an imported model are neither required nor accepted in a request', async () => {
    expect((await send(base, 'POST', '/accounts', { json: { name: 'n' } })).status).toBe(201);
    const sent = await send(base, 'POST', '/accounts', { json: { name: 'n', id: 'mine' } });
    expect(sent.status).toBe(400);
    expect(pointers(sent)).toEqual(['/body/id']);
  });

  it('open and free-form objects take any key, defaults are filled in', async () => {
    const response = await send(base, 'PUT', '/settings', { json: { meta: { any: ['thing'] }, extra: 1 } });
    expect(response.status).toBe(200);
    expect(seen.at(-1)?.settings).toEqual({ theme: 'dark', meta: { any: ['thing'] }, extra: 1 });
  });

  it('keys that would replace a prototype are refused wherever they are, escaped or not', async () => {
    for (const raw of [
      '{"__proto__": {"admin": true}}',
      '{"meta": {"__proto__": {"admin": true}}}',
      '{"\\u005f_proto__": {"admin": true}}',
      '{"meta": {"constructor": {"prototype": {"admin": true}}}}',
    ]) {
      const response = await send(base, 'PUT', '/settings', json(raw));
      expect(response.status, raw).toBe(400);
      expect(pointers(response)[0], raw).toMatch(/__proto__|constructor\/prototype$/);
    }
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
  });
});

describe('the controller context', () => {
  it('aborts its signal when the client goes away', async () => {
    const client = new AbortController();
    const pending = fetch(`${base}/slow`, { headers: { 'x-request-id': 'gone-1' }, signal: client.signal }).catch(
      (error: unknown) => error,
    );
    // The request must reach the controller before the client hangs up; poll instead of sleeping a fixed time.
    for (let i = 0; i < 100 && aborted.length === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      if (i === 5) client.abort();
    }
    await pending;
    for (let i = 0; i < 100 && !aborted.includes('gone-1'); i++)
      await new Promise((resolve) => setTimeout(resolve, 20));
    expect(aborted).toContain('gone-1');
  });
});

describe('form bodies', () => {
  it('are parsed, coerced and validated like query parameters', async () => {
    const form = (raw: string) => ({ raw, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect((await send(base, 'POST', '/login', form('user=ada&remember=true'))).status).toBe(204);
    expect(seen.at(-1)?.settings).toEqual({ user: 'ada', remember: true });
    expect((await send(base, 'POST', '/login', form('user=bob'))).status).toBe(204);
    expect(seen.at(-1)?.settings).toEqual({ user: 'bob', remember: false });
    const missing = await send(base, 'POST', '/login', form('remember=maybe'));
    expect(missing.status).toBe(400);
    expect(pointers(missing).sort()).toEqual(['/body/remember', '/body/user']);
  });
});

describe('status ranges and defaults stay typed', () => {
  it('a status outside a range, or one a default does not cover, fails to compile', () => {
    writeFileSync(
      path.join(root, 'src/bad-status.ts'),
      readFileSync(path.join(import.meta.dirname, 'projects/edge/src/bad-status.ts.txt'), 'utf8'),
    );
    try {
      const errors = compile(root, { emit: false }).join('\n');
      expect(errors).toMatch(/^src\/bad-status\.ts:4:\d+ TS2322/m);
      expect(errors).toMatch(/^src\/bad-status\.ts:6:\d+ TS2322/m);
    } finally {
      writeFileSync(path.join(root, 'src/bad-status.ts'), 'export {};\n');
    }
    // A whole-program compile: seconds on a busy 2-core machine, beyond Vitest's 5 s default.
  }, 60_000);
});
