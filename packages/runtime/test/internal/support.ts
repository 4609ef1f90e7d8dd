import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { InternalClientTable } from '../../src/internal/types.js';

/** A real HTTP server whose handler the test writes; `requests` keeps what it received. */
export async function rawServer(handle: (req: IncomingMessage, res: ServerResponse, body: string) => void): Promise<{
  url: string;
  requests: { method: string; url: string; headers: IncomingMessage['headers']; body: string }[];
  close: () => Promise<void>;
}> {
  const requests: { method: string; url: string; headers: IncomingMessage['headers']; body: string }[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      handle(req, res, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A port nothing listens on: one a server had, closed again. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** orders' client of users, as codegen writes its table. */
export function usersTable(overrides: Partial<InternalClientTable> = {}): InternalClientTable {
  return {
    caller: 'orders',
    callee: 'users',
    urlEnv: 'USERS_URL',
    defaultUrl: 'http://users:3001',
    keyEnv: 'SPECFIRST_KEY_ORDERS_TO_USERS',
    basePath: '/api',
    operations: {
      getUser: { method: 'get', path: '/users/{id}', statuses: ['200', '404'] },
      putUser: { method: 'put', path: '/users/{id}', statuses: ['200'], bodyContentType: 'application/json' },
      createUser: { method: 'post', path: '/users', statuses: ['201'], bodyContentType: 'application/json' },
      patchUser: { method: 'patch', path: '/users/{id}', statuses: ['200'], bodyContentType: 'application/json' },
    },
    ...overrides,
  };
}
