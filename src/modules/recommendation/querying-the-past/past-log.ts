import { and, inArray, lte, or, sql } from 'drizzle-orm';
import type { Db } from '../../../platform/db/database';
import type { EventEnvelope } from '../../../platform/events/envelope';
import { rowToEnvelope, type EventRow } from '../../../platform/events/event-codec';
import { receivedEvents } from '../schema';

/** Ids per statement: far below Postgres's 65,535 bind parameters, even twice over. */
const IDS_PER_QUERY = 1000;

// The same expressions as the indexes in schema.ts, so that the planner uses them.
const firstId = sql`split_part(${receivedEvents.streamId}, '-', 2)`;
const secondId = sql`split_part(${receivedEvents.streamId}, '-', 3)`;
const FRIEND_TYPES = ['FriendAdded', 'FriendRemoved'];
const USER_TYPES = ['UserCreated', 'UserUpdated'];

/**
 * The logged FriendAdded and FriendRemoved events of every friendship that involves one of `userIds`
 * and occurred at or before `asOf`, in no particular order (the graph keeps the highest version of
 * each stream, whatever the order).
 */
export function friendshipEventsOf(db: Db, userIds: readonly number[], asOf: Date): Promise<EventEnvelope[]> {
  return inChunks(userIds, (ids) =>
    db
      .select(columns)
      .from(receivedEvents)
      .where(and(inArray(receivedEvents.type, FRIEND_TYPES), or(inArray(firstId, ids), inArray(secondId, ids)), lte(receivedEvents.occurredAt, asOf))),
  );
}

/** The logged UserCreated and UserUpdated events of `userIds` that occurred at or before `asOf`. */
export function userEventsOf(db: Db, userIds: readonly number[], asOf: Date): Promise<EventEnvelope[]> {
  return inChunks(userIds, (ids) =>
    db
      .select(columns)
      .from(receivedEvents)
      .where(and(inArray(firstId, ids), inArray(receivedEvents.type, USER_TYPES), lte(receivedEvents.occurredAt, asOf))),
  );
}

// What the graph reads: no metadata, no topic.
const columns = {
  eventId: receivedEvents.eventId,
  type: receivedEvents.type,
  schemaVersion: receivedEvents.schemaVersion,
  streamId: receivedEvents.streamId,
  streamVersion: receivedEvents.streamVersion,
  occurredAt: receivedEvents.occurredAt,
  data: receivedEvents.data,
};
const NO_METADATA = {} as EventRow['metadata'];
type Row = { [K in keyof typeof columns]: (typeof columns)[K]['_']['data'] };

async function inChunks(userIds: readonly number[], query: (ids: string[]) => Promise<Row[]>): Promise<EventEnvelope[]> {
  const out: EventEnvelope[] = [];
  const ids = [...new Set(userIds)].map(String);
  for (let i = 0; i < ids.length; i += IDS_PER_QUERY) {
    for (const row of await query(ids.slice(i, i + IDS_PER_QUERY))) {
      out.push(rowToEnvelope({ ...row, metadata: NO_METADATA }));
    }
  }
  return out;
}
