/** A port to suggest when the one asked for is taken: one that is free at this moment. */
import { createServer } from 'node:net';

/** Listens on `port` at `host` (0: any port) and lets go: the port it got, or undefined when it could not. */
function tryListen(port: number, host: string): Promise<number | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(undefined));
    server.listen({ port, host, exclusive: true }, () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address !== null ? address.port : undefined));
    });
  });
}

/**
 * The first of the `tries` ports above `taken` that is free on `host` (close to what was asked,
 * so easy to remember), else one the system picks; undefined only when nothing can listen there.
 * Free means free now: another program may take it before the user does, as with any suggestion.
 */
export async function freePortNear(taken: number, host: string, tries = 20): Promise<number | undefined> {
  for (let port = taken + 1; port <= Math.min(taken + tries, 65535); port++) {
    if ((await tryListen(port, host)) !== undefined) return port;
  }
  return tryListen(0, host);
}
