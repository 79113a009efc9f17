import { asc, eq, inArray, max, sql } from 'drizzle-orm';
import { DomainError } from '../errors';
import { isUniqueViolation, type Queryable } from '../db/database';
import type { DomainEvent, EventEnvelope, EventMetadata } from './envelope';
import { rowToEnvelope } from './event-codec';
import { events, outbox } from './event-store-schema';

/** Another writer appended to the stream after it was read: the caller lost the optimistic race. */
export class ConcurrentAppendError extends DomainError {
  constructor(readonly streamId: string) {
    super('conflict', `${streamId} was changed by a concurrent command; retry with its current state`);
  }
}

/** The current version of each stream asked about (0 for one with no event); one indexed look-up. */
export async function streamVersions(q: Queryable, streamIds: readonly string[]): Promise<number[]> {
  if (streamIds.length === 0) return [];
  const rows = await q
    .select({ streamId: events.streamId, version: max(events.streamVersion) })
    .from(events)
    .where(inArray(events.streamId, [...streamIds]))
    .groupBy(events.streamId);
  const byStream = new Map(rows.map((r) => [r.streamId, r.version ?? 0]));
  return streamIds.map((s) => byStream.get(s) ?? 0);
}

/**
 * A stream's events as stored; `read` (the owning contract's codec) turns each into its current
 * version, so a fold never sees an old shape.
 */
export async function readStream<E extends DomainEvent>(
  q: Queryable,
  streamId: string,
  read: (e: EventEnvelope) => EventEnvelope<E> = (e) => e as EventEnvelope<E>,
): Promise<EventEnvelope<E>[]> {
  const rows = await q.select().from(events).where(eq(events.streamId, streamId)).orderBy(asc(events.streamVersion));
  return rows.map((row) => read(rowToEnvelope(row)));
}

export interface AppendOptions {
  streamId: string;
  /** Version the caller's decision was based on; a concurrent append makes this fail. */
  expectedVersion: number;
  topic: string;
  occurredAt: Date;
  metadata: EventMetadata;
  /** The version each event is written with (its contract's current one); 1 when not given. */
  schemaVersionOf?: (type: string) => number;
}

/**
 * Appends events and their outbox entries. Must run inside the command's transaction so the event,
 * the read-model change and the outbox entry commit together or not at all.
 */
export async function appendToStream<E extends DomainEvent>(
  tx: Queryable,
  newEvents: readonly E[],
  options: AppendOptions,
): Promise<EventEnvelope<E>[]> {
  if (newEvents.length === 0) return [];
  const rows = newEvents.map((event, i) => ({
    eventId: Bun.randomUUIDv7(),
    streamId: options.streamId,
    streamVersion: options.expectedVersion + i + 1,
    type: event.type,
    schemaVersion: options.schemaVersionOf?.(event.type) ?? 1,
    data: event.data,
    metadata: options.metadata,
    occurredAt: options.occurredAt,
  }));
  // One statement for both tables: the events, and their outbox rows from the positions the
  // insert returns. Every envelope field is already known here, so nothing else is read back.
  const inserted = tx.$with('inserted').as(tx.insert(events).values(rows).returning({ position: events.position }));
  try {
    await tx
      .with(inserted)
      .insert(outbox)
      .select(tx.select({ eventPosition: inserted.position, topic: sql<string>`${options.topic}`.as('topic') }).from(inserted));
  } catch (error) {
    if (isUniqueViolation(error)) throw new ConcurrentAppendError(options.streamId);
    throw error;
  }
  return rows.map((row) => rowToEnvelope<E>(row));
}
