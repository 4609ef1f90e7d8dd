/** Starts Conduit: opens the database, migrates it, and listens. Used by main.ts and the tests. */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { jsonLogger, type Logger } from '@specfirst/runtime';
import { createApp } from './app.js';
import { createTokens } from './auth/tokens.js';
import type { Config } from './config.js';
import { openDatabase, type Database } from './db/database.js';
import { migrate, type MigrationReport } from './db/migrate.js';
import { createDependencies } from './dependencies.js';

export interface RunningConduit {
  /** `http://127.0.0.1:3000/api`: where the API answers. */
  url: string;
  database: Database;
  migrations: MigrationReport;
  server: Server;
  close(): Promise<void>;
}

export async function startConduit(config: Config, options: { logger?: Logger } = {}): Promise<RunningConduit> {
  const logger = options.logger ?? jsonLogger();
  const database = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir }, (error) =>
    logger.warn(
      { error: error.message },
      'a pooled database connection broke while idle; the pool opens a new one when needed',
    ),
  );
  try {
    const migrations = await migrate(database);
    const app = createApp(createDependencies(database, createTokens(config.jwtSecret)), {
      logger,
      corsOrigins: config.corsOrigins,
    });
    const server = await new Promise<Server>((resolve, reject) => {
      const listening = app.listen(config.port, config.host, (error?: Error) =>
        error ? reject(error) : resolve(listening),
      );
    });
    const { port } = server.address() as AddressInfo;
    return {
      url: `http://${displayHost(config.host)}:${port}/api`,
      database,
      migrations,
      server,
      async close() {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        await database.close();
      },
    };
  } catch (error) {
    await database.close();
    throw error;
  }
}

/** The host to print: `localhost` for the loopback and wildcard addresses, which is what people type. */
function displayHost(host: string): string {
  if (['127.0.0.1', '::1', '0.0.0.0', '::', 'localhost'].includes(host)) return 'localhost';
  return host.includes(':') ? `[${host}]` : host;
}
