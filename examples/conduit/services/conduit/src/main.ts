/** `pnpm start`: Conduit on http://localhost:3000/api (PORT, HOST, DATABASE_URL, CONDUIT_DATA_DIR, JWT_SECRET). */
import { type Config, configFromEnv } from './config.js';
import { freePortNear } from './free-port.js';
import { startConduit } from './server.js';

let config: Config | undefined;
try {
  config = configFromEnv();
  const conduit = await startConduit(config);
  const storage = conduit.database.description;
  const applied = conduit.migrations.applied.length > 0 ? `, applied ${conduit.migrations.applied.join(', ')}` : '';
  process.stdout.write(
    [
      `Conduit is listening on ${conduit.url} (database: ${storage}${applied})`,
      // The generated app serves these outside production only (its `docs` option).
      ...(process.env.NODE_ENV === 'production'
        ? []
        : [`  OpenAPI document: ${conduit.url}/openapi.json`, `  API reference:    ${conduit.url}/docs`]),
      `  Try it:           curl ${conduit.url}/tags`,
      `                    curl -X POST ${conduit.url}/users -H 'Content-Type: application/json' -d '{"user":{"username":"jake","email":"jake@jake.jake","password":"jakejake"}}'`,
      'Press Ctrl+C to stop.',
      '',
    ].join('\n'),
  );
  const stop = () => {
    conduit.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
} catch (error) {
  const inUse = (error as { code?: unknown }).code === 'EADDRINUSE';
  const hint = inUse && config !== undefined ? `\n  hint: ${await portHint(config)}` : '';
  process.stderr.write(`Conduit could not start: ${error instanceof Error ? error.message : String(error)}${hint}\n`);
  process.exitCode = 1;
}

/** Names a port that is free right now, and the command to start on it (`pnpm dev` or the Quickstart's `pnpm demo`). */
async function portHint({ port, host }: Config): Promise<string> {
  const free = await freePortNear(port, host);
  const command = process.env['npm_lifecycle_event'] === 'dev' ? 'pnpm dev' : 'pnpm demo';
  return free === undefined
    ? `another program listens on port ${port}; start Conduit on any free port with PORT=0 ${command}`
    : `another program listens on port ${port}; port ${free} is free: PORT=${free} ${command}`;
}
