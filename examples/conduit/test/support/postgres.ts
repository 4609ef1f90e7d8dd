/**
 * A fresh PostgreSQL database per test file, dropped afterwards. The server must be there: a test
 * that needs it fails, loudly, rather than skipping.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The maintenance database to create test databases from (the machines run PostgreSQL with trust auth). */
export const ADMIN_URL = process.env['CONDUIT_TEST_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  try {
    await client.connect();
  } catch (error) {
    throw new Error(
      `PostgreSQL is not reachable at ${ADMIN_URL} (${error instanceof Error ? error.message : String(error)}). ` +
        'Start it (Debian: `pg_ctlcluster 15 main start`, or `apt-get install -y postgresql`) or point CONDUIT_TEST_POSTGRES_URL at a server.',
      { cause: error },
    );
  }
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `conduit_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  await admin((client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => admin((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}
