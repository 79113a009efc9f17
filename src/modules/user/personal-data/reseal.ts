import { and, asc, eq, gt, inArray, isNull, sql } from 'drizzle-orm';
import type { Queryable } from '../../../platform/db/database';
import { events } from '../../../platform/events/event-store-schema';
import type { PersonalNames, SealedNames } from '../contracts/events';
import { userStreamId } from '../contracts/events';
import { users } from '../schema';
import { notErased } from '../user-rows';
import { DATA_KEY_BYTES, importDataKey, sealNames, type DataKey } from './sealed-names';

/**
 * Sealing names that were stored in the clear, before names were sealed: the one rewrite of stored
 * events this service makes. An event keeps its id, stream, version, time and metadata; only its
 * names change form, and its schemaVersion becomes 2. Every statement only touches rows still at
 * version 1 (or, in the read model, still plain at the version read), so a run can stop anywhere,
 * run again, and race commands safely.
 */

const NAMED_TYPES = ['UserCreated', 'UserUpdated'];

interface PlainEvent {
  position: number;
  streamId: string;
  data: { userId: number; firstName: string; lastName: string };
}

/** Version-1 events that name a user, after `position`, in log order. */
export async function plainEventsAfter(db: Queryable, position: number, limit: number, streamIds?: readonly string[]): Promise<PlainEvent[]> {
  return (await db
    .select({ position: events.position, streamId: events.streamId, data: events.data })
    .from(events)
    .where(and(gt(events.position, position), eq(events.schemaVersion, 1), inArray(events.type, NAMED_TYPES), streamIds ? inArray(events.streamId, [...streamIds]) : undefined))
    .orderBy(asc(events.position))
    .limit(limit)) as PlainEvent[];
}

/** Replaces a version-1 event's plaintext names with sealed ones, if it is still version 1. */
export async function resealEvent(db: Queryable, event: PlainEvent, sealed: SealedNames): Promise<boolean> {
  const { firstName: _f, lastName: _l, ...rest } = event.data;
  const rewritten = await db
    .update(events)
    .set({ schemaVersion: 2, data: { ...rest, names: sealed } })
    .where(and(eq(events.position, event.position), eq(events.schemaVersion, 1)))
    .returning({ position: events.position });
  return rewritten.length > 0;
}

/** A key made to seal one erased user's old names and then dropped: nothing can open them again. */
export function throwawayKey(): DataKey {
  return importDataKey(crypto.getRandomValues(new Uint8Array(DATA_KEY_BYTES)));
}

export const plainNames = (event: PlainEvent): PersonalNames => ({ firstName: event.data.firstName, lastName: event.data.lastName });

/**
 * In the erasure's transaction: the erased users' events from before sealing get their names
 * sealed under a throwaway key, so that destroying the user's key erases them as it does newer ones.
 */
export async function shredPlainNames(tx: Queryable, userIds: readonly number[]): Promise<number> {
  if (userIds.length === 0) return 0;
  const plain = await plainEventsAfter(tx, 0, Number.MAX_SAFE_INTEGER, userIds.map(userStreamId));
  const key = throwawayKey();
  let shredded = 0;
  for (const event of plain) if (await resealEvent(tx, event, sealNames(key, event.data.userId, plainNames(event)))) shredded++;
  return shredded;
}



/** Read-model rows of live users still holding plaintext names, after id `afterId`. */
export async function plainRowsAfter(db: Queryable, afterId: number, limit: number) {
  return db
    .select({ id: users.id, version: users.version, firstName: users.firstName, lastName: users.lastName })
    .from(users)
    .where(and(gt(users.id, afterId), isNull(users.sealedNames), notErased))
    .orderBy(asc(users.id))
    .limit(limit);
}

/** Seals a read-model row's names, unless a command changed the row since it was read. */
export async function resealRow(db: Queryable, row: { id: number; version: number }, sealed: SealedNames): Promise<boolean> {
  const rewritten = await db
    .update(users)
    .set({ sealedNames: sealed.sealed, firstName: null, lastName: null })
    .where(and(eq(users.id, row.id), eq(users.version, row.version), isNull(users.sealedNames)))
    .returning({ id: users.id });
  return rewritten.length > 0;
}

/** Counts for progress: version-1 named events and plain read-model rows left. */
export async function plainLeft(db: Queryable): Promise<{ events: number; rows: number }> {
  const [e] = await db.select({ n: sql<number>`count(*)::int` }).from(events).where(and(eq(events.schemaVersion, 1), inArray(events.type, NAMED_TYPES)));
  const [r] = await db.select({ n: sql<number>`count(*)::int` }).from(users).where(and(isNull(users.sealedNames), notErased));
  return { events: e?.n ?? 0, rows: r?.n ?? 0 };
}
