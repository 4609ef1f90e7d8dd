import { PGlite } from '@electric-sql/pglite';
import type { Database, Queryable, SqlValue } from './database.js';

/** Embedded PostgreSQL: in memory, or in `dataDir` so that data survives a restart. */
export async function openPglite(dataDir?: string): Promise<Database> {
  const pg = await PGlite.create(dataDir === undefined ? {} : { dataDir });
  const queryOn =
    (target: Pick<PGlite, 'query'>): Queryable['query'] =>
    async <Row extends object>(sql: string, params: readonly SqlValue[] = []) =>
      (await target.query<Row>(sql, [...params])).rows;
  return {
    description: dataDir === undefined ? 'pglite (in memory)' : `pglite (${dataDir})`,
    query: queryOn(pg),
    async exec(sql) {
      await pg.exec(sql);
    },
    transaction: (work) =>
      pg.transaction((tx) =>
        work({
          query: queryOn(tx),
          async exec(sql) {
            await tx.exec(sql);
          },
        }),
      ),
    close: () => pg.close(),
  };
}
