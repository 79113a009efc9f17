import { bigserial, integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import type { EventMetadata } from '../../platform/events/envelope';

/**
 * Every event this service received, in the order it stored them: its own immutable log, from
 * which the graph can be dropped and rebuilt. Rows are only ever inserted; `event_id` is unique so
 * that a redelivered event is stored once.
 */
export const receivedEvents = pgTable('received_events', {
  position: bigserial('position', { mode: 'number' }).primaryKey(),
  eventId: uuid('event_id').notNull().unique(),
  topic: text('topic').notNull(),
  streamId: text('stream_id').notNull(),
  streamVersion: integer('stream_version').notNull(),
  type: text('type').notNull(),
  schemaVersion: integer('schema_version').notNull(),
  data: jsonb('data').notNull(),
  metadata: jsonb('metadata').$type<EventMetadata>().notNull(),
  occurredAt: timestamp('occurred_at', { withTimezone: true, mode: 'date' }).notNull(),
  receivedAt: timestamp('received_at', { withTimezone: true, mode: 'date' }).notNull(),
});
