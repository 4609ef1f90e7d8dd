/**
 * The one database interface the service uses, whatever PostgreSQL runs underneath: PGlite
 * (PostgreSQL compiled to WebAssembly, embedded, nothing to install) by default, or a real server
 * through `pg` when DATABASE_URL is set. Both speak PostgreSQL's SQL and `$1` parameters, so the
 * stores and the migrations are written once.
 */
export type SqlValue = string | number | boolean | null | Date | readonly string[];

export interface Queryable {
  /** One statement, with `$1`-style parameters; the rows it returns. */
  query<Row extends object>(sql: string, params?: readonly SqlValue[]): Promise<Row[]>;
}

export interface Database extends Queryable {
  /** Several statements at once, no parameters: for migrations. */
  exec(sql: string): Promise<void>;
  /** Runs `work` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(work: (tx: Queryable & Pick<Database, 'exec'>) => Promise<T>): Promise<T>;
  close(): Promise<void>;
  /** For logs: `pglite (in memory)`, `pglite (./data)`, `postgresql://host:port/db`. */
  readonly description: string;
}

/** The row a statement that must return one (an `INSERT ... RETURNING`, say) returned. */
export function onlyRow<Row>(rows: readonly Row[], statement: string): Row {
  const [row] = rows;
  if (row === undefined) throw new Error(`${statement} returned no row`);
  return row;
}

/** The largest value of PostgreSQL's `integer` (int4), the type of every id column (see migrations). */
export const MAX_ID = 2_147_483_647;

/**
 * Whether `id` can be the id of a row: a positive `integer`. PostgreSQL refuses a parameter past
 * int4 with an error (22003) instead of finding no row, so a store asks this first and answers
 * "no such row" for anything else: a comment id from a URL, a user id from a token.
 */
export function isRowId(id: number): boolean {
  return Number.isInteger(id) && id > 0 && id <= MAX_ID;
}

/** A unique constraint refused a write (two requests raced past the same check). */
export function isUniqueViolation(error: unknown): boolean {
  return sqlState(error) === '23505';
}

/** A foreign key refused a write: the row it points at was deleted meanwhile. */
export function isForeignKeyViolation(error: unknown): boolean {
  return sqlState(error) === '23503';
}

// PostgreSQL's SQLSTATE, which pg and PGlite both put in `code`.
function sqlState(error: unknown): unknown {
  return typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
}

export interface DatabaseConfig {
  /** A PostgreSQL connection string; when absent, PGlite is used. */
  url?: string | undefined;
  /** PGlite's data folder; when absent, PGlite keeps everything in memory. One process at a time. */
  dataDir?: string | undefined;
}

export async function openDatabase(
  config: DatabaseConfig,
  onIdleError: (error: Error) => void = () => undefined,
): Promise<Database> {
  if (config.url) {
    const { openPostgres } = await import('./postgres.js');
    return openPostgres(config.url, onIdleError);
  }
  const { openPglite } = await import('./pglite.js');
  return openPglite(config.dataDir);
}
