/**
 * The battery's targets, each a real server in a child process (serve.ts): the shop fixture's
 * three http services, generated and compiled as codegen's end-to-end tests do, and Conduit on
 * PGlite and on PostgreSQL, started as its own tests start it.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildProject, REPO_ROOT } from '../../packages/codegen/test/support/project.js';
import type { OpenApiDocument, Service } from './battery.js';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const CONDUIT = path.join(REPO_ROOT, 'examples/conduit');
/** The secret Conduit's test support signs tokens with (examples/conduit/test/support/conduit.ts). */
const CONDUIT_SECRET = 'a-test-secret-that-is-long-enough-for-hs256';
const ONE_MB = 1024 * 1024;

/** A process's resident set size and V8 heap in use, in bytes. */
export interface Memory {
  rss: number;
  heap: number;
}

export interface Target {
  name: string;
  services: Service[];
  /** A request every service must still answer with 200 after the battery: no crash, no wedge. */
  health: { service: string; path: string }[];
  /** The server process's memory after a full collection. */
  memory(): Promise<Memory>;
  /** Why the server process ended, if it did before `stop`. */
  exited(): string | undefined;
  /** Everything the server process wrote to stderr. */
  stderr(): string;
  stop(): Promise<void>;
}

interface Child {
  origins: Record<string, string>;
  process: ChildProcess;
  exit?: string;
  stderr: string;
}

/** Starts serve.ts under tsx with --expose-gc (tsx resolves from Conduit, which depends on it). */
async function startChild(config: object): Promise<Child> {
  const child = fork(path.join(HERE, 'serve.ts'), [JSON.stringify(config)], {
    cwd: CONDUIT,
    execArgv: ['--expose-gc', '--import', 'tsx'],
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  const state: Child = { origins: {}, process: child, stderr: '' };
  child.stderr!.on('data', (chunk: Buffer) => (state.stderr += chunk.toString()));
  child.on('exit', (code, signal) => (state.exit = `exited with code ${code} signal ${signal}`));
  state.origins = await new Promise((resolve, reject) => {
    child.on('message', (message: { type: string; origins?: Record<string, string> }) => {
      if (message.type === 'ready') resolve(message.origins!);
    });
    child.on('exit', () => reject(new Error(`the target did not start: ${state.exit}\n${state.stderr}`)));
  });
  return state;
}

function ask<T>(child: Child, type: string, answer: string): Promise<T> {
  return new Promise((resolve, reject) => {
    if (child.exit) return reject(new Error(`the target ${child.exit}\n${child.stderr}`));
    const onMessage = (message: { type: string } & T) => {
      if (message.type !== answer) return;
      child.process.off('message', onMessage);
      resolve(message);
    };
    child.process.on('message', onMessage);
    child.process.send({ type });
  });
}

function controls(child: Child): Pick<Target, 'memory' | 'exited' | 'stderr' | 'stop'> {
  return {
    memory: () => ask<Memory>(child, 'memory', 'memory'),
    exited: () => child.exit,
    stderr: () => child.stderr,
    async stop() {
      if (child.exit) return;
      await ask(child, 'stop', 'stopped');
      await new Promise((resolve) => (child.exit ? resolve(undefined) : child.process.once('exit', resolve)));
    },
  };
}

const base64url = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

function jwt(header: object, claims: object, secret: string | undefined, algorithm = 'sha256'): string {
  const signed = `${base64url(header)}.${base64url(claims)}`;
  return `${signed}.${secret === undefined ? '' : createHmac(algorithm, secret).update(signed).digest('base64url')}`;
}

/** Tokens that must not authenticate: forged from a good one's claims (alg none, other keys, no or past exp, odd subjects) and junk. */
export function forgedTokens(claims: Record<string, unknown>, secret: string): { label: string; token: string }[] {
  const now = Math.floor(Date.now() / 1000);
  const { exp: _exp, ...withoutExp } = claims;
  const hs256 = { alg: 'HS256', typ: 'JWT' };
  return [
    { label: 'alg none', token: jwt({ alg: 'none', typ: 'JWT' }, claims, undefined) },
    { label: 'wrong signature', token: jwt(hs256, claims, `${secret}-not`) },
    { label: 'HS512 with the right secret', token: jwt({ alg: 'HS512' }, claims, secret, 'sha512') },
    { label: 'no exp', token: jwt(hs256, withoutExp, secret) },
    { label: 'expired', token: jwt(hs256, { ...claims, iat: now - 7200, exp: now - 3600 }, secret) },
    { label: 'sub beyond int4', token: jwt(hs256, { ...claims, sub: '2147483648' }, secret) },
    { label: 'sub 99999999999', token: jwt(hs256, { ...claims, sub: '99999999999' }, secret) },
    { label: 'sub not a number', token: jwt(hs256, { ...claims, sub: '__proto__' }, secret) },
    { label: 'sub 0', token: jwt(hs256, { ...claims, sub: '0' }, secret) },
    { label: 'garbage', token: 'garbage' },
    { label: 'three empty parts', token: '..' },
    { label: '10 KB', token: 'x'.repeat(10_240) },
    { label: 'latin1 bytes', token: 'a\u00ff\u00e9' },
  ];
}

/** The shop: users, orders and billing, each with in-memory controllers, behind its generated app. */
export async function startShop(): Promise<Target> {
  const built = await buildProject('hostile-shop', path.join(REPO_ROOT, 'fixtures/shop'), {
    sources: path.join(REPO_ROOT, 'packages/codegen/test/projects/shop/src'),
    extraFiles: { 'src/billing.ts': readFileSync(path.join(HERE, 'shop-src/billing.ts'), 'utf8') },
  });
  const child = await startChild({
    kind: 'apps',
    apps: [
      { name: 'users', module: path.join(built.dist, 'src/users.js'), factory: 'usersApp' },
      { name: 'orders', module: path.join(built.dist, 'src/orders.js'), factory: 'ordersApp' },
      { name: 'billing', module: path.join(built.dist, 'src/billing.js'), factory: 'billingApp' },
    ],
  });
  const document = (service: string) =>
    JSON.parse(readFileSync(path.join(built.root, `generated/openapi/${service}.json`), 'utf8')) as OpenApiDocument;
  const post = async (origin: string, url: string, body: unknown, headers: Record<string, string> = {}) => {
    const response = await fetch(origin + url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`POST ${url} answered ${response.status}: ${await response.text()}`);
    return (await response.json()) as { id: string };
  };
  const { users, orders, billing } = child.origins as Record<string, string>;
  const user = await post(users!, '/api/users', {
    email: 'h@example.com',
    name: 'H',
    password: 'long enough password',
  });
  const money = { amount: 100, currency: 'EUR' };
  const orderBody = {
    userId: user.id,
    items: [{ sku: 'A', quantity: 1, unitPrice: money }],
    shippingAddress: { line1: 'x', city: 'y', postcode: 'z', country: 'FR' },
  };
  const order = await post(orders!, '/api/orders', orderBody, { authorization: 'Bearer good-token' });
  const invoice = await post(
    billing!,
    '/api/invoices',
    { orderId: order.id, amount: money, payment: { method: 'card', token: 't' } },
    { 'x-internal-token': 'internal-token' },
  );
  const forged = forgedTokens({ sub: 'u1', iat: 1, exp: 4_000_000_000 }, 'good-token');
  const forgedFor = {
    bearer: forged.map(({ label, token }) => ({ label, value: `Bearer ${token}` })),
    apiKey: forged.map(({ label, token }) => ({ label, value: token })),
    internal: forged.map(({ label, token }) => ({ label, value: token })),
  };
  const credentials = { bearer: 'Bearer good-token', apiKey: 'k-123', internal: 'internal-token' };
  const service = (name: string, values: Record<string, string>): Service => ({
    name,
    bodies: {
      createSession: { email: 'h@example.com', password: 'correct horse battery' },
      createUser: { email: 'newcomer@example.com', name: 'Newcomer', password: 'long enough password' },
      placeOrder: orderBody,
    },
    origin: child.origins[name]!,
    document: document(name),
    values,
    credentials,
    forged: forgedFor,
    bodyLimit: ONE_MB,
  });
  return {
    name: 'shop',
    services: [
      service('users', { id: user.id }),
      service('orders', { orderId: order.id }),
      service('billing', { id: invoice.id }),
    ],
    health: ['users', 'orders', 'billing'].map((s) => ({ service: s, path: '/api/openapi.json' })),
    ...controls(child),
  };
}

/**
 * The edge-cases fixture's app (codegen's edge-http suite): an open body schema, where the runtime
 * scans for prototype keys, and an integer path parameter.
 */
export async function startEdge(): Promise<Target> {
  const built = await buildProject('hostile-edge', path.join(REPO_ROOT, 'fixtures/edge-cases/openapi.yaml'), {
    sources: path.join(REPO_ROOT, 'packages/codegen/test/projects/edge/src'),
  });
  const child = await startChild({
    kind: 'apps',
    apps: [{ name: 'api', module: path.join(built.dist, 'src/app.js'), factory: 'edgeApp' }],
  });
  const document = JSON.parse(
    readFileSync(path.join(built.root, 'generated/openapi/api.json'), 'utf8'),
  ) as OpenApiDocument;
  const forged = forgedTokens({ sub: 'k1', iat: 1, exp: 4_000_000_000 }, 'k1');
  return {
    name: 'edge',
    services: [
      {
        name: 'api',
        origin: child.origins['api']!,
        document,
        values: { id: '1' },
        credentials: { key: 'k1' },
        forged: { key: forged.map(({ label, token }) => ({ label, value: token })) },
        // Waits until the client goes away, by design.
        skip: ['waitForever'],
        bodyLimit: ONE_MB,
      },
    ],
    health: [{ service: 'api', path: '/openapi.json' }],
    ...controls(child),
  };
}

/** Conduit with its real database, and a user, an article and a comment for the battery to aim at. */
export async function startConduit(backend: 'pglite' | 'postgres'): Promise<Target> {
  const child = await startChild({
    kind: 'conduit',
    backend,
    support: path.join(CONDUIT, 'test/support/conduit.ts'),
  });
  const origin = child.origins['conduit']!;
  try {
    const call = async (method: string, url: string, body?: unknown, token?: string) => {
      const response = await fetch(`${origin}/api${url}`, {
        method,
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Token ${token}` } : {}) },
        body: body === undefined ? null : JSON.stringify(body),
      });
      const text = await response.text();
      if (!response.ok) throw new Error(`${method} ${url} answered ${response.status}: ${text}`);
      // Each answer's shape is RealWorld's; only the few fields read here matter.
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      return JSON.parse(text) as any;
    };
    const register = async (username: string): Promise<string> =>
      (
        await call('POST', '/users', {
          user: { username, email: `${username}@example.com`, password: 'long-password' },
        })
      ).user.token;
    const token = await register('hostile');
    // PUT /user may change the password, which ends the user's tokens: it gets a user of its own.
    const updater = await register('hostile-updater');
    // Nobody may follow themselves: the follow operations aim at another user.
    await register('hostile-followed');
    const article = async (title: string): Promise<string> =>
      (await call('POST', '/articles', { article: { title, description: 'd', body: 'b' } }, token)).article.slug;
    const slug = await article('Hostile');
    // DELETE /articles/{slug} succeeds once: it gets an article of its own, so the others stay.
    const doomed = await article('Doomed');
    // PUT /articles/{slug} with a new title changes the slug: it too gets an article of its own.
    const edited = await article('Edited');
    const comment = (await call('POST', `/articles/${slug}/comments`, { comment: { body: 'c' } }, token)).comment;
    const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
    const document = JSON.parse(
      readFileSync(path.join(CONDUIT, 'generated/openapi/conduit.json'), 'utf8'),
    ) as OpenApiDocument;
    return {
      name: `conduit-${backend}`,
      services: [
        {
          name: 'conduit',
          origin,
          document,
          values: { slug, username: 'hostile', id: String(comment.id) },
          valuesFor: {
            DeleteArticle: { slug: doomed },
            UpdateArticle: { slug: edited },
            FollowUserByUsername: { username: 'hostile-followed' },
            UnfollowUserByUsername: { username: 'hostile-followed' },
          },
          bodies: {
            CreateUser: { user: { username: 'newcomer', email: 'newcomer@example.com', password: 'long-password' } },
            Login: { user: { email: 'hostile@example.com', password: 'long-password' } },
            UpdateCurrentUser: { user: { bio: 'hostile' } },
          },
          credentials: { Token: `Token ${token}` },
          credentialsFor: { UpdateCurrentUser: { Token: `Token ${updater}` } },
          forged: {
            Token: [
              ...forgedTokens(claims, CONDUIT_SECRET).map(({ label, token: t }) => ({ label, value: `Token ${t}` })),
              { label: 'Bearer scheme', value: `Bearer ${token}x` },
              { label: 'scheme only', value: 'Token' },
            ],
          },
          bodyLimit: ONE_MB,
        },
      ],
      health: [{ service: 'conduit', path: '/api/tags' }],
      ...controls(child),
    };
  } catch (error) {
    await controls(child).stop();
    throw error;
  }
}
