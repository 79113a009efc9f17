import { sql } from 'drizzle-orm';
import { rowsOf, type Db } from '../../../platform/db/database';
import type { EventEnvelope } from '../../../platform/events/envelope';
import { readGraphRows } from '../projecting-events/graph-rows';
import { receivedEvents } from '../schema';

/**
 * Where a tail of the log stands: every row written by a transaction that `seen` (a PostgreSQL
 * snapshot, `xmin:xmax:xip,...`) counts as finished has been read. Nothing has been read at
 * `NOTHING_SEEN` (no transaction id is below 1).
 *
 * Why not "position > last": positions come from a sequence when a row is inserted, not when it
 * commits, so with several writers (the instances of one consumer group) a row with a lower
 * position can become visible after a higher one was read, and would be skipped for good.
 * Transaction ids have the same problem; a snapshot does not: a row is new exactly when its
 * transaction was still running in the last snapshot (one of its `xip`) or began after it (id at
 * or above its `xmax`), and has committed since. Both are index look-ups. Unlike reading up to the
 * oldest running transaction (the snapshot's `xmin`), this is not held back by a long transaction
 * elsewhere on the server (snapshots are server-wide), nor does it scan again every row written
 * since such a transaction began (`not visible in seen` over the range from `xmin` did: 3.4 ms
 * against 0.04 ms a read on a 65k-row log held open that way, and growing with the log).
 */
export const NOTHING_SEEN = '1:1:';

/** Within one read: the last row returned, to ask for the rows after it. */
export interface TailKey {
  xid: string;
  position: number;
}

export interface TailPage {
  events: EventEnvelope[];
  /** The last row of the page; undefined for an empty page. */
  last: TailKey | undefined;
}

/** The server's current snapshot: what the next read will have seen once it is done. */
export async function currentSnapshot(db: Db): Promise<string> {
  return rowsOf<{ snapshot: string }>(await db.execute(sql`select pg_current_snapshot()::text as snapshot`))[0]!.snapshot;
}

/**
 * Up to `size` rows of transactions that were not finished in `seen` and are in `upto` (a later
 * snapshot), after `after` in (transaction, position) order. Every row finished in `upto` is
 * visible to this statement, which runs later: reading page after page up to `upto` is complete.
 */
export async function readTail(db: Db, range: { seen: string; upto: string }, after: TailKey | undefined, size: number): Promise<TailPage> {
  const seen = sql`${range.seen}::pg_snapshot`;
  const upto = sql`${range.upto}::pg_snapshot`;
  const rows = await readGraphRows(db, {
    where: sql`(${receivedEvents.xid} = any(array(select pg_snapshot_xip(${seen}))) or ${receivedEvents.xid} >= pg_snapshot_xmax(${seen}))
      and pg_visible_in_snapshot(${receivedEvents.xid}, ${upto})
      ${after ? sql`and (${receivedEvents.xid}, ${receivedEvents.position}) > (${after.xid}::xid8, ${after.position})` : sql``}`,
    orderBy: sql`xid, position`,
    limit: size,
  });
  const last = rows.at(-1);
  return { events: rows.map((r) => r.event), last: last ? { xid: last.xid, position: last.position } : undefined };
}
