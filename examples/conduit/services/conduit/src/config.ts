import { conduitPort } from '#generated/routers/conduit/index.js';

/** Conduit's settings, all from the environment, checked once at start-up. */
export interface Config {
  port: number;
  host: string;
  /** PostgreSQL server; when unset, the embedded PGlite is used. */
  databaseUrl: string | undefined;
  /** PGlite's data folder; when unset (and no DATABASE_URL), data lives in memory. */
  dataDir: string | undefined;
  /** Signs tokens. When unset a random one is drawn, so tokens do not outlive the process. */
  jwtSecret: string | undefined;
  /** Origins allowed to call from a browser (CORS_ORIGIN, comma-separated, or `*`); none when empty. */
  corsOrigins: string[];
}

export function configFromEnv(env: NodeJS.ProcessEnv = process.env): Config {
  // The spec's port (services.yaml) unless PORT says otherwise.
  const port = Number(env['PORT'] || conduitPort);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`PORT must be a port number (0–65535), got ${JSON.stringify(env['PORT'])}`);
  }
  const jwtSecret = env['JWT_SECRET'] || undefined;
  if (jwtSecret !== undefined && jwtSecret.length < 32) {
    throw new Error('JWT_SECRET must be at least 32 characters long; generate one with `openssl rand -hex 32`');
  }
  return {
    port,
    host: env['HOST'] || '127.0.0.1',
    databaseUrl: env['DATABASE_URL'] || undefined,
    dataDir: env['CONDUIT_DATA_DIR'] || undefined,
    jwtSecret,
    corsOrigins: (env['CORS_ORIGIN'] ?? '')
      .split(',')
      .map((origin) => origin.trim())
      .filter((origin) => origin !== ''),
  };
}
