import pg from 'pg';
import type { Database, Queryable, SqlValue } from './database.js';

/**
 * A PostgreSQL server through a `pg` connection pool. `onIdleError` hears of pooled connections
 * that broke while idle (a server restart): the pool drops them and opens new ones when needed.
 */
export async function openPostgres(url: string, onIdleError: (error: Error) => void): Promise<Database> {
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  // Without a listener, such an 'error' event would end the process.
  pool.on('error', onIdleError);
  // Fail at start-up, with the server's own message, rather than on the first request.
  const probe = await pool.connect();
  probe.release();
  const queryOn =
    (target: pg.Pool | pg.PoolClient): Queryable['query'] =>
    async <Row extends object>(sql: string, params: readonly SqlValue[] = []) =>
      (await target.query<Row & pg.QueryResultRow>(sql, [...params])).rows;
  return {
    description: redact(url),
    query: queryOn(pool),
    async exec(sql) {
      await pool.query(sql);
    },
    async transaction(work) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await work({
          query: queryOn(client),
          async exec(sql) {
            await client.query(sql);
          },
        });
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}

/** The connection string without its password, for logs. */
function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'postgresql (unparsable DATABASE_URL)';
  }
}
