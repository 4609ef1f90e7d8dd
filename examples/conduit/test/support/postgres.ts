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

const PREFIX = 'conduit_test_';
/** Older than this, a test database was left behind by a run that was killed: it is dropped. */
const ABANDONED_AFTER_SECONDS = 3600;

export async function createTestDatabase(): Promise<TestDatabase> {
  const now = Math.floor(Date.now() / 1000);
  // The creation time is in the name, so that a later run can tell abandoned databases.
  const name = `${PREFIX}${now}_${process.pid}_${randomBytes(4).toString('hex')}`;
  await admin(async (client) => {
    const { rows } = await client.query<{ datname: string }>('SELECT datname FROM pg_database WHERE datname LIKE $1', [
      `${PREFIX}%`,
    ]);
    for (const { datname } of rows) {
      const created = Number(/^conduit_test_(\d+)_/.exec(datname)?.[1]);
      if (/^[a-z0-9_]+$/.test(datname) && created < now - ABANDONED_AFTER_SECONDS)
        await client.query(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`);
    }
    await client.query(`CREATE DATABASE ${name}`);
  });
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => admin((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}
