import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';

/**
 * The one database type modules see. PGlite (embedded) and PostgreSQL (postgres.js) both hide
 * behind drizzle's PgDatabase, so module code and migrations are the same for both.
 */
export type Db = PgDatabase<PgQueryResultHKT, Record<string, unknown>>;
export type Tx = PgTransaction<PgQueryResultHKT, Record<string, unknown>, any>;
/** Anything that can run a query: the database itself or an open transaction. */
export type Queryable = Db | Tx;

export interface Database {
  readonly db: Db;
  /** `select 1`, for health checks. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

/** Postgres unique-violation, whichever driver raised it (drizzle wraps it in `cause`). */
export function isUniqueViolation(error: unknown): boolean {
  for (let e: any = error; e; e = e.cause) {
    if (e.code === '23505') return true;
  }
  return false;
}

/** `execute` returns `{rows}` on PGlite and a plain array on postgres.js. */
export function rowsOf<T>(result: unknown): T[] {
  return Array.isArray(result) ? (result as T[]) : ((result as { rows: T[] }).rows ?? []);
}
