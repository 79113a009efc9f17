import { sql } from 'drizzle-orm';
import { bigserial, index, integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import type { EventMetadata } from '../../platform/events/envelope';

/**
 * Every event this service received, in the order it stored them: its own immutable log, from
 * which the graph can be dropped and rebuilt. Rows are only ever inserted; `event_id` is unique so
 * that a redelivered event is stored once.
 *
 * The two indexes on the parts of `stream_id` serve answers as of a past instant
 * (querying-the-past/): `user-42` and `friendship-7-42` name their users in the id itself (the
 * graph only applies an event whose stream id matches its data), so the events of one user, or of
 * every friendship a user is in, are an index range up to `occurred_at`, whatever their data.
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
}, (t) => [
  // Part 2: the user of a user stream, the smaller id of a friendship stream; part 3: the larger id.
  index('received_events_stream_first_id').on(sql`split_part(${t.streamId}, '-', 2)`, t.occurredAt),
  index('received_events_stream_second_id').on(sql`split_part(${t.streamId}, '-', 3)`, t.occurredAt),
]);
