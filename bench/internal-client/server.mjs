#!/usr/bin/env node
/**
 * The callee of bench/internal-client/run.mjs, in a process of its own so that it does not share
 * the caller's event loop: `GET /api/users/<id>` answers a small JSON user, anything else 404.
 * Prints its port on stdout once it listens on 127.0.0.1; exits when its parent goes away.
 */
import { Buffer } from 'node:buffer';
import { createServer } from 'node:http';

const server = createServer((req, res) => {
  const match = /^\/api\/users\/([^/?]+)/.exec(req.url ?? '');
  if (req.method !== 'GET' || !match) {
    res.writeHead(404, { 'content-type': 'application/problem+json' });
    res.end('{"type":"about:blank","title":"Not Found","status":404}');
    return;
  }
  const body = JSON.stringify({ id: match[1], email: 'ada@example.com', name: 'Ada', role: 'customer' });
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => process.stdout.write(`${server.address().port}\n`));
process.on('disconnect', () => process.exit(0));
