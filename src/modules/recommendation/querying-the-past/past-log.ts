import { and, inArray, lte, or, sql } from 'drizzle-orm';
import type { Db } from '../../../platform/db/database';
import type { EventEnvelope } from '../../../platform/events/envelope';
import { readGraphRows, type GraphRow } from '../projecting-events/graph-rows';
import { receivedEvents } from '../schema';

/** Ids per statement: far below Postgres's 65,535 bind parameters, even twice over. */
const IDS_PER_QUERY = 1000;

// The same expressions as the indexes in schema.ts, so that the planner uses them.
const firstId = sql`split_part(${receivedEvents.streamId}, '-', 2)`;
const secondId = sql`split_part(${receivedEvents.streamId}, '-', 3)`;
const FRIEND_TYPES = ['FriendAdded', 'FriendRemoved'];
const USER_TYPES = ['UserCreated', 'UserUpdated'];
const ERASED_TYPES = ['UserErased'];

/**
 * The logged FriendAdded and FriendRemoved events of every friendship that involves one of `userIds`
 * and occurred at or before `asOf`, in no particular order (the graph keeps the highest version of
 * each stream, whatever the order).
 */
export function friendshipEventsOf(db: Db, userIds: readonly number[], asOf: Date): Promise<EventEnvelope[]> {
  return inChunks(userIds, (ids) =>
    readGraphRows(db, { where: and(inArray(receivedEvents.type, FRIEND_TYPES), or(inArray(firstId, ids), inArray(secondId, ids)), lte(receivedEvents.occurredAt, asOf))! }),
  );
}

/** The logged UserCreated and UserUpdated events of `userIds` that occurred at or before `asOf`. */
export function userEventsOf(db: Db, userIds: readonly number[], asOf: Date): Promise<EventEnvelope[]> {
  return inChunks(userIds, (ids) =>
    readGraphRows(db, { where: and(inArray(firstId, ids), inArray(receivedEvents.type, USER_TYPES), lte(receivedEvents.occurredAt, asOf))! }),
  );
}

/**
 * The logged erasures of `userIds`, whenever they happened, even after the instant asked about:
 * an erasure is final, and asking about the past must not bring an erased user back.
 */
export function erasuresOf(db: Db, userIds: readonly number[]): Promise<EventEnvelope[]> {
  return inChunks(userIds, (ids) =>
    readGraphRows(db, { where: and(inArray(firstId, ids), inArray(receivedEvents.type, ERASED_TYPES))! }),
  );
}

async function inChunks(userIds: readonly number[], query: (ids: string[]) => Promise<GraphRow[]>): Promise<EventEnvelope[]> {
  const out: EventEnvelope[] = [];
  const ids = [...new Set(userIds)].map(String);
  for (let i = 0; i < ids.length; i += IDS_PER_QUERY) {
    for (const row of await query(ids.slice(i, i + IDS_PER_QUERY))) out.push(row.event);
  }
  return out;
}
