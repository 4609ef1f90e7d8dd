import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { generate } from '../src/index.js';
import { buildProject, compile, loadIR, OUT_ROOT, REPO_ROOT } from './support/project.js';

const SHOP = path.join(REPO_ROOT, 'fixtures/shop');
const GOLDEN = path.join(import.meta.dirname, 'golden/shop-internal');
/**
 * The internal clients and what they import (the callees' public clients, routers and their
 * validators, the models), so that the golden files type-check with the tests.
 */
const GOLDEN_FILES =
  /^(internal\/|models\.ts$|clients\/(users|billing)\.ts$|routers\/(users\/(users|sessions)|billing\/invoices)\.ts$|validators\/(users|billing)\.)/;

describe('internal clients: golden output', () => {
  // The shop declares orders → users.getUser and orders → billing.createInvoice: two clients, each
  // with its one operation, and the routers of users and billing name orders as the caller of those
  // two operations. Run with UPDATE_GOLDEN=1 to accept a deliberate change, then review the diff.
  it('generates exactly the reviewed internal clients and callees for fixtures/shop', () => {
    const files = generate(loadIR(SHOP)).filter((f) => GOLDEN_FILES.test(f.path));
    if (process.env.UPDATE_GOLDEN === '1') {
      rmSync(GOLDEN, { recursive: true, force: true });
      for (const file of files) {
        mkdirSync(path.dirname(path.join(GOLDEN, file.path)), { recursive: true });
        writeFileSync(path.join(GOLDEN, file.path), file.contents);
      }
    }
    expect(files.map((f) => f.path).sort()).toEqual(listFiles(GOLDEN));
    expect(files.filter((f) => f.path.startsWith('internal/')).map((f) => f.path)).toEqual([
      'internal/orders/billing.ts',
      'internal/orders/users.ts',
    ]);
    for (const file of files) expect(file.contents, file.path).toBe(readFileSync(path.join(GOLDEN, file.path), 'utf8'));
  });

  // The example declares one more edge than the fixture: the mailer (a worker) calls orders.purgeCarts.
  it('gives a worker its client too: examples/shop has mailer → orders.purgeCarts', () => {
    const files = generate(loadIR(path.join(REPO_ROOT, 'examples/shop')));
    expect(files.filter((f) => f.path.startsWith('internal/')).map((f) => f.path)).toEqual([
      'internal/mailer/orders.ts',
      'internal/orders/billing.ts',
      'internal/orders/users.ts',
    ]);
    const mailer = files.find((f) => f.path === 'internal/mailer/orders.ts')!.contents;
    expect(mailer).toContain("keyEnv: 'SPECFIRST_KEY_MAILER_TO_ORDERS'");
    expect([...mailer.matchAll(/^ {2}(\w+)\(/gm)].map((m) => m[1])).toEqual(['purgeCarts']);
  });

  it('is byte-stable: two generations from two loads give the same internal clients', () => {
    const pick = () => generate(loadIR(SHOP)).filter((f) => /^(internal|routers)\//.test(f.path));
    expect(JSON.stringify(pick())).toBe(JSON.stringify(pick()));
  });

  it('writes no internal/ folder and no callers for a spec without consumes.operations edges', () => {
    const files = generate(loadIR(path.join(REPO_ROOT, 'fixtures/small')));
    expect(files.filter((f) => f.path.startsWith('internal/'))).toEqual([]);
    expect(files.filter((f) => f.path.startsWith('routers/')).length).toBeGreaterThan(0);
    for (const file of files) expect(file.contents, file.path).not.toMatch(/\bcallers: \[/);
  });

  it('lists callers only on the operations they declare', () => {
    const files = new Map(generate(loadIR(SHOP)).map((f) => [f.path, f.contents]));
    const callersOf = (file: string) =>
      [...files.get(file)!.matchAll(/operationId: '(\w+)'[\s\S]*?(?:callers: (\[[^\]]*\])[\s\S]*?)?\n {2}\}/g)]
        .filter((m) => m[2] !== undefined)
        .map((m) => `${m[1]} ${m[2]}`);
    expect(callersOf('routers/users/users.ts')).toEqual(["getUser ['orders']"]);
    expect(callersOf('routers/billing/invoices.ts')).toEqual(["createInvoice ['orders']"]);
    expect(callersOf('routers/orders/orders.ts')).toEqual([]);
  });
});

describe('internal clients: the compiler allows only declared edges', () => {
  // orders calls users.getUser over real HTTP, against a plain node:http server standing in for users.
  const use = `
import { createUsersInternalClient } from '../generated/internal/orders/users.js';
import { createBillingInternalClient } from '../generated/internal/orders/billing.js';

export async function getUser(baseUrl: string, id: string) {
  const users = createUsersInternalClient({ baseUrl, env: { SPECFIRST_KEY_ORDERS_TO_USERS: 'test-key' }, retries: 0 });
  const result = await users.getUser({ params: { id } }, { requestId: 'req-1' });
  if (result.status === 200) return { status: result.status, email: result.body.email };
  return { status: result.status, title: result.body.title };
}

export const billing = createBillingInternalClient;
`;

  it('compiles the declared calls under strict tsc, and one goes over real HTTP signed as orders', async () => {
    const built = await buildProject('internal-shop', SHOP, { extraFiles: { 'src/use.ts': use } });
    const seen: { method: string | undefined; url: string | undefined; headers: IncomingHttpHeaders }[] = [];
    const server = createServer((req, res) => {
      seen.push({ method: req.method, url: req.url, headers: req.headers });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          id: '0a1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d',
          email: 'ada@example.com',
          name: 'Ada',
          role: 'customer',
          createdAt: '2026-01-01T00:00:00Z',
        }),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const { getUser } = (await import(pathToFileURL(path.join(built.dist, 'src/use.js')).href)) as {
        getUser(baseUrl: string, id: string): Promise<{ status: number; email?: string }>;
      };
      const result = await getUser(`http://127.0.0.1:${port}`, '0a1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d');
      expect(result).toEqual({ status: 200, email: 'ada@example.com' });
      expect(seen).toHaveLength(1);
      expect(seen[0]!.method).toBe('GET');
      expect(seen[0]!.url).toBe('/api/users/0a1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d');
      expect(seen[0]!.headers['x-specfirst-caller']).toBe('orders');
      expect(seen[0]!.headers['x-specfirst-signature']).toMatch(/^v1=[0-9a-f]{64}$/);
      expect(seen[0]!.headers['x-request-id']).toBe('req-1');
      expect(seen[0]!.headers.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  }, 120_000);

  it('refuses an undeclared operation, a client of a service with no edge, and a wrong input', () => {
    const root = path.join(OUT_ROOT, 'internal-shop');
    for (const [name, code, error] of [
      [
        'an operation of users that orders does not declare',
        `import { createUsersInternalClient } from '../generated/internal/orders/users.js';
export const created = createUsersInternalClient().createUser({ body: { email: 'a@b.c', name: 'A', password: 'secret123' } });
`,
        /^src\/use\.ts:\d+:\d+ TS2339 Property 'createUser' does not exist on type 'UsersInternalClient'\./m,
      ],
      [
        'an operation billing exposes that orders does not declare',
        `import { createBillingInternalClient } from '../generated/internal/orders/billing.js';
export const invoice = createBillingInternalClient().getInvoice({ params: { id: 'x' } });
`,
        /^src\/use\.ts:\d+:\d+ TS2339 Property 'getInvoice' does not exist on type 'BillingInternalClient'\./m,
      ],
      [
        'a client for a pair with no edge (users never calls orders)',
        `import { createOrdersInternalClient } from '../generated/internal/users/orders.js';
export const orders = createOrdersInternalClient();
`,
        /^src\/use\.ts:\d+:\d+ TS2307 Cannot find module '\.\.\/generated\/internal\/users\/orders\.js'/m,
      ],
      [
        'a declared operation with a wrong input',
        `import { createUsersInternalClient } from '../generated/internal/orders/users.js';
export const user = createUsersInternalClient().getUser({ params: { id: 1 } });
`,
        /^src\/use\.ts:\d+:\d+ TS2322 /m,
      ],
    ] as const) {
      writeFileSync(path.join(root, 'src/use.ts'), code);
      const errors = compile(root, { emit: false });
      expect(errors.join('\n'), name).toMatch(error);
      expect(
        errors.filter((e) => !e.startsWith('src/use.ts:')),
        name,
      ).toEqual([]);
    }
  }, 120_000);
});

describe('internal clients: a hostile spec', () => {
  const HOSTILE = 'ends */ console.log(\'PWNED\'); /*\nconsole.log("PWNED")\u2028`${process.exit(1)}`';
  function writeSpec(): string {
    const root = path.join(OUT_ROOT, 'internal-hostile-spec');
    rmSync(root, { recursive: true, force: true });
    mkdirSync(path.join(root, 'spec/rest'), { recursive: true });
    const files: Record<string, string> = {
      'specfirst.yaml': 'name: hostile\nspec: spec\noutput: generated\nservices: services\n',
      'spec/services.yaml': `services:
  store-front:
    type: http
    description: ${JSON.stringify(HOSTILE)}
    port: 3010
    rest: rest/store-front.yaml
    consumes:
      operations: [back-office.getThing]
  back-office:
    type: http
    description: ${JSON.stringify(HOSTILE)}
    port: 3011
    rest: rest/back-office.yaml
    exposes: [getThing, makeThing]
`,
      'spec/rest/store-front.yaml': `basePath: /front
tags:
  front:
    operations:
      ping:
        method: get
        path: /ping
        responses:
          204: { description: ok }
`,
      'spec/rest/back-office.yaml': `basePath: /api
tags:
  things:
    description: ${JSON.stringify(HOSTILE)}
    operations:
      getThing:
        method: get
        path: /things/{id}
        summary: ${JSON.stringify(HOSTILE)}
        description: ${JSON.stringify(HOSTILE)}
        params:
          path:
            id: { type: string, description: ${JSON.stringify(HOSTILE)} }
        responses:
          200: { description: ${JSON.stringify(HOSTILE)}, body: { properties: { id: string } } }
      makeThing:
        method: post
        path: /things
        summary: ${JSON.stringify(HOSTILE)}
        body: { properties: { id: string } }
        responses:
          201: { description: made }
`,
    };
    for (const [file, text] of Object.entries(files)) writeFileSync(path.join(root, file), text);
    return root;
  }

  it('keeps every spec string a comment or a literal, and compiles under strict tsc', async () => {
    const spec = writeSpec();
    const client = generate(loadIR(spec)).find((f) => f.path === 'internal/store-front/back-office.ts');
    expect(client, 'the declared edge has a client').toBeDefined();
    // Comments are closed only where the generator closes them; the template never becomes code.
    expect(client!.contents).not.toContain('*/ console.log');
    expect(client!.contents).not.toMatch(/^console\.log/m);
    expect(client!.contents).not.toContain('makeThing');
    const use = `
import { createBackOfficeInternalClient } from '../generated/internal/store-front/back-office.js';
export const thing = (id: string) => createBackOfficeInternalClient({ retries: 0 }).getThing({ params: { id } });
`;
    const built = await buildProject('internal-hostile', spec, { extraFiles: { 'src/use.ts': use } });
    expect(existsSync(path.join(built.dist, 'generated/internal/store-front/back-office.js'))).toBe(true);
    expect(existsSync(path.join(built.root, 'generated/internal/back-office'))).toBe(false);
  }, 120_000);
});

function listFiles(dir: string, prefix = ''): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) =>
      e.isDirectory() ? listFiles(path.join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`],
    )
    .sort();
}
