import { asc, gt } from 'drizzle-orm';
import type { Db } from '../../../platform/db/database';
import type { EventEnvelope } from '../../../platform/events/envelope';
import { rowToEnvelope } from '../../../platform/events/event-codec';
import { receivedEvents } from '../schema';
import { isId, MAX_ID } from '../../../platform/ids';

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

/** Up to `size` events after `after`, in the order they were stored. */
export async function readLog(db: Db, after: number, size: number): Promise<LogPage> {
  const rows = await db.select().from(receivedEvents).where(gt(receivedEvents.position, after)).orderBy(asc(receivedEvents.position)).limit(size);
  return { events: rows.map((row) => rowToEnvelope(row)), last: rows.at(-1)?.position ?? after };
}
