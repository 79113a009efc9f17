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

/** Turns a stored envelope into its current version: the owning contract's codec, so a fold never sees an old shape. */
export type ReadAs<E extends DomainEvent> = (e: EventEnvelope) => EventEnvelope<E>;
const asStored = <E extends DomainEvent>(e: EventEnvelope) => e as EventEnvelope<E>;

export async function readStream<E extends DomainEvent>(q: Queryable, streamId: string, read: ReadAs<E> = asStored): Promise<EventEnvelope<E>[]> {
  return (await readStreams<E>(q, [streamId], read)).get(streamId) ?? [];
}

/** Several streams in one query, each in version order, each event read through `read`; a stream with no event is absent. */
export async function readStreams<E extends DomainEvent>(
  q: Queryable,
  streamIds: readonly string[],
  read: ReadAs<E> = asStored,
): Promise<Map<string, EventEnvelope<E>[]>> {
  const byStream = new Map<string, EventEnvelope<E>[]>();
  if (streamIds.length === 0) return byStream;
  const where = streamIds.length === 1 ? eq(events.streamId, streamIds[0]!) : inArray(events.streamId, [...streamIds]);
  const rows = await q.select().from(events).where(where).orderBy(asc(events.streamId), asc(events.streamVersion));
  for (const row of rows) {
    const envelope = read(rowToEnvelope(row));
    const stream = byStream.get(envelope.streamId);
    if (stream) stream.push(envelope);
    else byStream.set(envelope.streamId, [envelope]);
  }
  return byStream;
}

/** New events for one stream, decided on `expectedVersion`. */
export interface StreamAppend<E extends DomainEvent = DomainEvent> {
  streamId: string;
  /** Version the caller's decision was based on; a concurrent append makes this fail. */
  expectedVersion: number;
  events: readonly E[];
  occurredAt: Date;
  metadata: EventMetadata;
  /** The version each event is written with (its contract's current one); 1 when not given. */
  schemaVersionOf?: (type: string) => number;
}

export type AppendOptions = Omit<StreamAppend, 'events'> & { topic: string };

/** Appends to one stream: {@link appendToStreams} with a single entry. */
export async function appendToStream<E extends DomainEvent>(tx: Queryable, newEvents: readonly E[], { topic, ...append }: AppendOptions): Promise<EventEnvelope<E>[]> {
  return (await appendToStreams<E>(tx, topic, [{ ...append, events: newEvents }]))[0]!;
}

/**
 * Appends events of any number of streams, with their outbox entries, in ONE statement (a batch
 * of commands costs one round trip, not one per command). Must run inside the commands'
 * transaction so the events, the read-model change and the outbox entries commit together or not
 * at all. Any stream that moved past its expected version fails the whole statement with a
 * {@link ConcurrentAppendError}; the caller decides who retries.
 *
 * `alongside` (the read-model change) is given the new envelopes, all known before the insert
 * runs, and sent right behind it: on PostgreSQL the two statements share one round trip.
 */
export async function appendToStreams<E extends DomainEvent>(
  tx: Queryable,
  topic: string,
  appends: readonly StreamAppend<E>[],
  alongside?: (appended: EventEnvelope<E>[]) => Promise<void>,
): Promise<EventEnvelope<E>[][]> {
  const perStream = appends.map((append) =>
    append.events.map((event, i) => ({
      eventId: Bun.randomUUIDv7(),
      streamId: append.streamId,
      streamVersion: append.expectedVersion + i + 1,
      type: event.type,
      schemaVersion: append.schemaVersionOf?.(event.type) ?? 1,
      data: event.data,
      metadata: append.metadata,
      occurredAt: append.occurredAt,
    })),
  );
  const rows = perStream.flat();
  const envelopes = perStream.map((stream) => stream.map((row) => rowToEnvelope<E>(row)));
  if (rows.length === 0) return envelopes;
  // One statement for both tables: the events, and their outbox rows from the positions the
  // insert returns. Every envelope field is already known here, so nothing else is read back.
  const inserted = tx.$with('inserted').as(tx.insert(events).values(rows).returning({ position: events.position }));
  const insert = tx
    .with(inserted)
    .insert(outbox)
    .select(tx.select({ eventPosition: inserted.position, topic: sql<string>`${topic}`.as('topic') }).from(inserted))
    .execute();
  // Both settle before either error is reported, the insert's first: after it failed, the other
  // statement fails only because the transaction is aborted.
  const [appended, beside] = await Promise.allSettled([insert, alongside?.(envelopes.flat())]);
  if (appended.status === 'rejected') {
    if (isUniqueViolation(appended.reason)) throw new ConcurrentAppendError(appends.length === 1 ? appends[0]!.streamId : `one of ${appends.length} streams`);
    throw appended.reason;
  }
  if (beside.status === 'rejected') throw beside.reason;
  return envelopes;
}
