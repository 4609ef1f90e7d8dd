/** Starts the real Conduit (real Express, real database) on an ephemeral port for a test. */
import { jsonLogger } from '@specfirst/runtime';
import type { Config } from '../../services/conduit/src/config.js';
import { startConduit, type RunningConduit } from '../../services/conduit/src/server.js';
import { createTestDatabase } from './postgres.js';

export type Backend = 'pglite' | 'postgres';
export const BACKENDS: readonly Backend[] = ['pglite', 'postgres'];
/** The secret test servers sign tokens with, unless a test gives another: tests may forge tokens with it. */
export const TEST_JWT_SECRET = 'a-test-secret-that-is-long-enough-for-hs256';

export interface TestConduit extends RunningConduit {
  /** Every log line the service wrote (warnings and errors), for assertions and failure messages. */
  logs: string[];
  stop(): Promise<void>;
}

export async function startTestConduit(backend: Backend, overrides: Partial<Config> = {}): Promise<TestConduit> {
  const database = backend === 'postgres' ? await createTestDatabase() : undefined;
  const logs: string[] = [];
  const config: Config = {
    port: 0,
    host: '127.0.0.1',
    databaseUrl: database?.url,
    dataDir: undefined,
    jwtSecret: TEST_JWT_SECRET,
    corsOrigins: [],
    ...overrides,
  };
  try {
    const conduit = await startConduit(config, { logger: jsonLogger('warn', (line) => logs.push(line)) });
    return Object.assign(conduit, {
      logs,
      async stop() {
        await conduit.close();
        await database?.drop();
      },
    });
  } catch (error) {
    await database?.drop();
    throw error;
  }
}
