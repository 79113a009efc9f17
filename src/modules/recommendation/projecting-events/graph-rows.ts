import { sql, type SQL } from 'drizzle-orm';
import { rowsOf, type Db } from '../../../platform/db/database';
import type { EventEnvelope } from '../../../platform/events/envelope';

/**
 * Log rows as the graph reads them (not their topic or metadata, which nothing that replays or
 * queries the past looks at), fetched as one JSON document per statement: an array of arrays that
 * the database builds and `JSON.parse` reads natively.
 *
 * Why not a row per result row: the driver then decodes every field of every row on its own (and
 * PGlite copies each out of its memory first). Replaying a 130k-event log that way made about 2 KB
 * of short-lived objects per row, 300-460 MB the collector let pile up before it ran, and was the
 * larger part of a replay's time; one document per page made 60 MB and read the log 30% faster.
 */
const COLUMNS = sql.raw(`position, xid, event_id, type, schema_version, stream_id, stream_version, occurred_at, data`);
// `to_char`, not the timestamp's own JSON form: the same text as Date#toISOString, whatever the session's time zone.
const ROW = sql.raw(`json_build_array(position, xid::text, event_id, type, schema_version, stream_id, stream_version, to_char(occurred_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), data)`);

type JsonRow = [position: number, xid: string, eventId: string, type: string, schemaVersion: number, streamId: string, streamVersion: number, occurredAt: string, data: unknown];

/** A logged event as the graph sees it, with where it is in the log. */
export interface GraphRow {
  position: number;
  /** The writing transaction's id, as text. */
  xid: string;
  event: EventEnvelope;
}

/** Left unread: nothing that replays or queries the past looks at metadata. */
const UNREAD_METADATA = {} as EventEnvelope['metadata'];

/**
 * The rows of `received_events` matching `where`, in `orderBy` order (none: any order), at most
 * `limit`. The clauses name the table's columns unqualified.
 */
export async function readGraphRows(db: Db, query: { where: SQL; orderBy?: SQL; limit?: number }): Promise<GraphRow[]> {
  const order = query.orderBy ? sql` order by ${query.orderBy}` : sql``;
  const limit = query.limit === undefined ? sql`` : sql` limit ${query.limit}`;
  const result = await db.execute(sql`
    select coalesce(json_agg(${ROW}${order}), '[]')::text as page
    from (select ${COLUMNS} from received_events where ${query.where}${order}${limit}) as r`);
  const page = JSON.parse(rowsOf<{ page: string }>(result)[0]!.page) as JsonRow[];
  return page.map(([position, xid, id, type, schemaVersion, streamId, streamVersion, occurredAt, data]) => ({
    position,
    xid,
    event: { id, type, schemaVersion, streamId, streamVersion, occurredAt, data, metadata: UNREAD_METADATA } as EventEnvelope,
  }));
}
