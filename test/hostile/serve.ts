/**
 * A hostile battery target, in a process of its own (run with `--expose-gc`, under tsx): the
 * battery measures this process's memory and notices when it dies. Started by `targets.ts` with a
 * JSON argument, it listens on ephemeral ports of 127.0.0.1, sends `{ type: 'ready', origins }`
 * over IPC, then answers `memory` (after a full collection: RSS and V8 heap) and `stop` messages.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';

type Config =
  /** Generated apps: each `factory` exported by `module` gives `{ app }`, served under `name`. */
  | { kind: 'apps'; apps: { name: string; module: string; factory: string }[] }
  | { kind: 'conduit'; backend: 'pglite' | 'postgres'; support: string };

interface App {
  listen(port: number, host: string, done: (error?: Error) => void): Server;
}

const config = JSON.parse(process.argv[2]!) as Config;
const closers: (() => Promise<void>)[] = [];
const origins: Record<string, string> = {};

function listen(app: App): Promise<string> {
  return new Promise((resolve, reject) => {
    const server = app.listen(0, '127.0.0.1', (error?: Error) => {
      if (error) return reject(error);
      closers.push(
        () =>
          new Promise((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      );
      resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    });
  });
}

if (config.kind === 'apps') {
  for (const { name, module, factory } of config.apps) {
    const exports = (await import(pathToFileURL(module).href)) as Record<string, () => { app: App }>;
    origins[name] = await listen(exports[factory]!().app);
  }
} else {
  const support = (await import(pathToFileURL(config.support).href)) as {
    startTestConduit(backend: string): Promise<{ url: string; stop(): Promise<void> }>;
  };
  const conduit = await support.startTestConduit(config.backend);
  closers.push(() => conduit.stop());
  origins['conduit'] = new URL(conduit.url).origin;
}

function collect(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run this process with --expose-gc: its memory is measured after a full collection');
  gc();
  gc();
}

process.on('message', (message: { type: string }) => {
  if (message.type === 'memory') {
    collect();
    const { rss, heapUsed } = process.memoryUsage();
    process.send!({ type: 'memory', rss, heap: heapUsed });
  } else if (message.type === 'stop') {
    void Promise.all(closers.map((close) => close())).then(() => {
      process.send!({ type: 'stopped' }, () => process.exit(0));
    });
  }
});
// Orphaned (the test process died or was killed): end, rather than listen on forever.
process.on('disconnect', () => process.exit(1));
process.send!({ type: 'ready', origins });
