import { sql } from 'drizzle-orm';
import { rowsOf, type Database } from './database';

/**
 * Ids from a database sequence. The public API promises ids allocated in increasing order, so
 * ids are drawn ahead of need only where one process owns the database (embedded): a block of
 * them in one statement instead of one statement per command, which on PGlite costs about a
 * fifth of a createUser's own transaction. Where several instances may share the sequence
 * (PostgreSQL), blocks held by each would interleave out of order, so each id is drawn when needed.
 *
 * Ids reserved and not used before a restart are skipped, as with PostgreSQL's own sequence cache
 * (`CACHE n`); ids had gaps already, from commands that failed after drawing one.
 */
export function idReserve(database: Pick<Database, 'db' | 'ownedByThisProcess'>, sequence: string, block = database.ownedByThisProcess ? 32 : 1): () => Promise<number> {
  const db = database.db;
  const draw = async (count: number) => {
    const rows = rowsOf<{ id: string | number }>(await db.execute(sql`select nextval(${sequence}) as id from generate_series(1, ${count})`));
    return rows.map((row) => Number(row.id)).sort((a, b) => a - b);
  };
  // One at a time: concurrent commands draw concurrently, as they did before there was a reserve.
  if (block <= 1) return async () => (await draw(1))[0]!;

  let ids: number[] = [];
  let next = 0;
  // Callers arriving while the reserve is empty share one refill.
  let refill: Promise<void> | undefined;

  const load = async () => {
    ids = await draw(block);
    next = 0;
  };

  return async function nextId(): Promise<number> {
    while (next >= ids.length) {
      refill ??= load().finally(() => (refill = undefined));
      await refill;
    }
    return ids[next++]!;
  };
}
