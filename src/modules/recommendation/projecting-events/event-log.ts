import { asc, gt } from 'drizzle-orm';
import type { Db } from '../../../platform/db/database';
import type { EventEnvelope } from '../../../platform/events/envelope';
import { rowToEnvelope } from '../../../platform/events/event-codec';
import { receivedEvents } from '../schema';

// Postgres allows 65,535 bind parameters per statement; 11 columns a row leaves room for 5,000.
const ROWS_PER_INSERT = 1000;

/** Events received together from one topic. */
export interface TopicBatch {
  topic: string;
  events: readonly EventEnvelope[];
}

/**
 * Appends batches (from any topics) to the log in one transaction, in the order given; events
 * already there (same id) are skipped, so a redelivered batch adds nothing. Returns how many rows
 * were new.
 */
export async function appendToLog(db: Db, batches: readonly TopicBatch[], receivedAt: Date): Promise<number> {
  const rows = batches.flatMap(({ topic, events }) =>
    events.map((e) => ({
      eventId: e.id,
      topic,
      streamId: e.streamId,
      streamVersion: e.streamVersion,
      type: e.type,
      schemaVersion: e.schemaVersion,
      data: e.data,
      metadata: e.metadata ?? {},
      occurredAt: new Date(e.occurredAt),
      receivedAt,
    })),
  );
  if (rows.length === 0) return 0;
  return db.transaction(async (tx) => {
    let stored = 0;
    for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) {
      const inserted = await tx
        .insert(receivedEvents)
        .values(rows.slice(i, i + ROWS_PER_INSERT))
        .onConflictDoNothing({ target: receivedEvents.eventId })
        .returning({ position: receivedEvents.position });
      stored += inserted.length;
    }
    return stored;
  });
}

export interface LogPage {
  events: EventEnvelope[];
  /** Position of the last row in the page; pass it back to read the next page. */
  last: number;
}

/**
 * The columns the graph reads from a logged event: not its topic, metadata or arrival time, whose
 * decoding (a JSON document, a date) cost a replay about a third of its time for nothing.
 */
export const GRAPH_COLUMNS = {
  eventId: receivedEvents.eventId,
  type: receivedEvents.type,
  schemaVersion: receivedEvents.schemaVersion,
  streamId: receivedEvents.streamId,
  streamVersion: receivedEvents.streamVersion,
  occurredAt: receivedEvents.occurredAt,
  data: receivedEvents.data,
};
type GraphRow = { [K in keyof typeof GRAPH_COLUMNS]: (typeof GRAPH_COLUMNS)[K]['_']['data'] };

/** Left unread (see GRAPH_COLUMNS): nothing that replays or queries the past looks at metadata. */
const UNREAD_METADATA = {} as EventEnvelope['metadata'];

/** An envelope as the graph sees it. */
export const toGraphEnvelope = (row: GraphRow): EventEnvelope => rowToEnvelope({ ...row, metadata: UNREAD_METADATA });

/** Up to `size` events after `after`, in the order they were stored, with the columns the graph reads. */
export async function readLog(db: Db, after: number, size: number): Promise<LogPage> {
  const rows = await db
    .select({ position: receivedEvents.position, ...GRAPH_COLUMNS })
    .from(receivedEvents)
    .where(gt(receivedEvents.position, after))
    .orderBy(asc(receivedEvents.position))
    .limit(size);
  return { events: rows.map(toGraphEnvelope), last: rows.at(-1)?.position ?? after };
}
