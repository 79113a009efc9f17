import { sql } from 'drizzle-orm';
import { rowsOf, type Database } from './database';

/**
 * Ids from a database sequence. The public API promises ids allocated in increasing order, so
 * ids are drawn ahead of need only where one process owns the database (embedded): a block of
 * them in one statement instead of one statement per command, which on PGlite costs about a
 * fifth of a createUser's own transaction. Where several instances may share the sequence
 * (PostgreSQL), blocks held by each would interleave out of order, so each id is drawn when needed:
 * the callers of one turn of the event loop (the commands that will share a group commit) share
 * one statement, which draws exactly as many ids as they asked for and holds none back.
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
  if (block <= 1) return drawnPerTurn(draw);

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

type Taker = { resolve(id: number): void; reject(error: unknown): void };

/**
 * Callers of one turn get their ids from one draw, in call order. On PostgreSQL that is one round
 * trip and one pool connection for a batch of commands instead of one each, which was most of
 * the statements a createUser sent.
 */
function drawnPerTurn(draw: (count: number) => Promise<number[]>): () => Promise<number> {
  let takers: Taker[] = [];
  const drawForAll = async () => {
    const these = takers;
    takers = [];
    try {
      const ids = await draw(these.length);
      these.forEach((taker, i) => taker.resolve(ids[i]!));
    } catch (error) {
      for (const taker of these) taker.reject(error);
    }
  };
  return () =>
    new Promise<number>((resolve, reject) => {
      takers.push({ resolve, reject });
      if (takers.length === 1) setImmediate(drawForAll);
    });
}
