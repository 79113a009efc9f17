import { bigint, bigserial, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import type { EventMetadata } from './envelope';

/**
 * Tables of an event-sourced module, re-exported by each module's schema.ts so drizzle-kit puts
 * them in that module's migrations. Each module has its own database, so the names never clash.
 */
export const events = pgTable(
  'events',
  {
    position: bigserial('position', { mode: 'number' }).primaryKey(),
    eventId: uuid('event_id').notNull().unique(),
    streamId: text('stream_id').notNull(),
    streamVersion: integer('stream_version').notNull(),
    type: text('type').notNull(),
    schemaVersion: integer('schema_version').notNull(),
    data: jsonb('data').notNull(),
    metadata: jsonb('metadata').$type<EventMetadata>().notNull(),
    occurredAt: timestamp('occurred_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  // Optimistic concurrency: two writers appending the same version to a stream cannot both commit.
  (t) => [uniqueIndex('events_stream_version').on(t.streamId, t.streamVersion)],
);

/**
 * Events committed but not yet published; the relay deletes a row once the bus has it.
 * No foreign key to `events`: a row is only ever inserted by the statement that appends its event,
 * from that insert's RETURNING, and events are never deleted (the one rewrite, a user module's
 * sealing of old names, keeps every position), so the key could never fail; its check still ran on every append, a quarter of the append's time on PGlite.
 */
export const outbox = pgTable('outbox', {
  eventPosition: bigint('event_position', { mode: 'number' }).primaryKey(),
  topic: text('topic').notNull(),
});
