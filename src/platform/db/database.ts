import { sql } from 'drizzle-orm';
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
  /**
   * True when no other process can use this database (an embedded data directory is locked to one
   * process): state cached from it in this process, like reserved ids, then stays exact.
   */
  readonly ownedByThisProcess: boolean;
  /** Where the data live, for messages: the data directory, or the URL without its password. */
  readonly location: string;
  /** `select 1`, for health checks. */
  ping(): Promise<boolean>;
  /**
   * Becomes the single holder of `name` among every process sharing this database, or returns
   * undefined when another holds it. The claim ends with `release()` or when the process dies.
   */
  claim(name: string): Promise<Claim | undefined>;
  /** Tells every process sharing this database that something happened on `channel`. */
  notify(channel: string): Promise<void>;
  listen(channel: string, onNotify: () => void): Promise<void>;
  close(): Promise<void>;
}

export interface Claim {
  /** False once the claim was lost (e.g. its connection broke). */
  stillHeld(): Promise<boolean>;
  release(): Promise<void>;
}

/** A stable 32-bit key for advisory locks, from a readable name. */
export function lockKey(name: string): number {
  let hash = 2166136261;
  for (let i = 0; i < name.length; i++) hash = Math.imul(hash ^ name.charCodeAt(i), 16777619);
  return hash | 0;
}

/** Postgres unique-violation, whichever driver raised it (drizzle wraps it in `cause`). */
export function isUniqueViolation(error: unknown): boolean {
  for (let e: any = error; e; e = e.cause) {
    if (e.code === '23505') return true;
  }
  return false;
}

/** Socket errors, and postgres.js's own codes for a connection that could not open or was lost. */
const UNREACHABLE = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN',
  'CONNECT_TIMEOUT', 'CONNECTION_CLOSED', 'CONNECTION_DESTROYED', 'CONNECTION_ENDED',
]);
/** SQLSTATEs of a server that cannot serve now: connection exceptions (08xxx), shutting down or starting, full. */
const SERVER_UNAVAILABLE = /^(08...|57P0[123]|53300)$/;

/**
 * The database could not be reached, or could not serve, whichever driver raised it (drizzle wraps
 * the driver's error in `cause`): the request may be retried later, and the transaction it was in
 * did not commit (a lost COMMIT acknowledgement aside).
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let e: any = error; e; e = e.cause) {
    const code = typeof e.code === 'string' ? e.code : undefined;
    if (code && (UNREACHABLE.has(code) || SERVER_UNAVAILABLE.test(code))) return true;
  }
  return false;
}

/** `execute` returns `{rows}` on PGlite and a plain array on postgres.js. */
export function rowsOf<T>(result: unknown): T[] {
  return Array.isArray(result) ? (result as T[]) : ((result as { rows: T[] }).rows ?? []);
}

/** `select 1`: true when the database answers. */
export async function ping(db: Db): Promise<boolean> {
  try {
    await db.execute(sql`select 1`);
    return true;
  } catch {
    return false;
  }
}

