import { sql } from 'drizzle-orm';
import { rowsOf, type Db } from '../../../platform/db/database';
import type { EventEnvelope } from '../../../platform/events/envelope';
import { dataToStore } from '../graph/graph-events';
import { storedTopic } from './log-topics';
import { readGraphRows } from './graph-rows';
import { storedMetadataHex } from './log-metadata';

/** Rows per statement: bounds the size of one JSON parameter (about 300 bytes a row). */
const ROWS_PER_INSERT = 1000;

/** Events received together from one topic. */
export interface TopicBatch {
  topic: string;
  events: readonly EventEnvelope[];
}

/**
 * Appends batches (from any topics) to the log in one statement, in the order given; events
 * already there (same id) are skipped, so a redelivered batch adds nothing. Returns how many rows
 * were new. User events are stored without their names (see graph-events.ts: dataToStore).
 *
 * The rows travel as one JSON parameter that Postgres unpacks (json_to_recordset), not as ten
 * parameters per row: on PGlite, binding and converting each parameter cost more than the insert
 * itself (a batch of 100 took 5 ms with a parameter per value, under 3 ms this way). The metadata's
 * bytes (log-metadata.ts) travel in it as hex.
 */
export async function appendToLog(db: Db, batches: readonly TopicBatch[]): Promise<number> {
  const rows = batches.flatMap(({ topic, events }) =>
    events.map((e) => ({
      event_id: e.id,
      topic: storedTopic(topic, e.streamId),
      stream_id: e.streamId,
      stream_version: e.streamVersion,
      type: e.type,
      schema_version: e.schemaVersion,
      data: dataToStore(e),
      metadata: storedMetadataHex(e.metadata),
      occurred_at: e.occurredAt,
    })),
  );
  if (rows.length === 0) return 0;
  // Several statements need no transaction: a batch cut short is delivered again, and the rows
  // already stored are skipped then.
  let stored = 0;
  for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) {
    // `with ordinality` keeps the order given, which is the order positions are taken in.
    const inserted = await db.execute(sql`
      insert into received_events (event_id, topic, stream_id, stream_version, type, schema_version, data, metadata, occurred_at)
      select r.event_id, r.topic, r.stream_id, r.stream_version, r.type, r.schema_version, r.data, decode(r.metadata, 'hex'), r.occurred_at
      from rows from (json_to_recordset(${JSON.stringify(rows.slice(i, i + ROWS_PER_INSERT))}::json) as (
        event_id uuid, topic text, stream_id text, stream_version int, type text, schema_version int, data json, metadata text, occurred_at timestamptz))
        with ordinality as r(event_id, topic, stream_id, stream_version, type, schema_version, data, metadata, occurred_at, n)
      order by r.n
      on conflict (event_id) do nothing
      returning position`);
    stored += rowsOf(inserted).length;
  }
  return stored;
}

export interface LogPage {
  events: EventEnvelope[];
  /** Position of the last row in the page; pass it back to read the next page. */
  last: number;
}

/** Up to `size` events after `after`, in the order they were stored, with the columns the graph reads. */
export async function readLog(db: Db, after: number, size: number): Promise<LogPage> {
  const rows = await readGraphRows(db, { where: sql`position > ${after}`, orderBy: sql`position`, limit: size });
  return { events: rows.map((r) => r.event), last: rows.at(-1)?.position ?? after };
}
