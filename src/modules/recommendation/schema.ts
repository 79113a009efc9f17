import { sql } from 'drizzle-orm';
import { bigint, bigserial, customType, index, integer, json, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/**
 * Every event this service received, in the order it stored them: its own immutable log, from
 * which the graph can be dropped and rebuilt. Rows are only ever inserted; `event_id` is unique so
 * that a redelivered event is stored once.
 *
 * The two indexes on the parts of `stream_id` serve answers as of a past instant
 * (querying-the-past/): `user-42` and `friendship-7-42` name their users in the id itself (the
 * graph only applies an event whose stream id matches its data), so the events of one user, or of
 * every friendship a user is in, are one index entry each, whatever their data.
 */
/** PostgreSQL's 64-bit transaction id, read as text (it may exceed a JS number's exact range in principle). */
const xid8 = customType<{ data: string; driverData: string }>({ dataType: () => 'xid8' });
const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({ dataType: () => 'bytea' });

export const receivedEvents = pgTable('received_events', {
  // Fixed-width columns first, widest first, then the variable ones: no padding between them.
  position: bigserial('position', { mode: 'number' }).primaryKey(),
  /**
   * The transaction that wrote the row. Positions are taken before commit, so on PostgreSQL a row
   * with a lower position can become visible after a higher one: a replica tails the log by
   * transaction (graph-lifecycle/log-tail.ts), not by position.
   */
  xid: xid8('xid').notNull().default(sql`pg_current_xact_id()`),
  occurredAt: timestamp('occurred_at', { withTimezone: true, mode: 'date' }).notNull(),
  streamVersion: integer('stream_version').notNull(),
  schemaVersion: integer('schema_version').notNull(),
  eventId: uuid('event_id').notNull().unique(),
  streamId: text('stream_id').notNull(),
  type: text('type').notNull(),
  /** Empty when it is the topic the stream id names (projecting-events/log-topics.ts): a byte instead of 14. */
  topic: text('topic').notNull(),
  // JSON text, not jsonb: jsonb adds 4 bytes of offsets to every key and every value and stores
  // numbers as numeric, and nothing queries inside these documents (whole rows are read back).
  data: json('data').notNull(),
  /** Binary where it can be, else JSON text (projecting-events/log-metadata.ts): read it through `metadataOf`. */
  metadata: bytea('metadata').notNull(),
}, (t) => [
  // Part 2: the user of a user stream, the smaller id of a friendship stream; part 3: the larger id.
  // Without `occurred_at`: one entry per user holding the list of its rows (B-tree deduplication),
  // about 8 bytes a row instead of 32; the time is checked on the rows themselves.
  index('received_events_stream_first_id').on(sql`split_part(${t.streamId}, '-', 2)`),
  index('received_events_stream_second_id').on(sql`split_part(${t.streamId}, '-', 3)`),
  // The replica's tail: the rows of transactions it has not seen. One entry per transaction (its
  // rows in a list); within a transaction a read orders them by position itself.
  index('received_events_xid').on(t.xid),
]);


/**
 * Snapshots of the in-memory graph (graph-lifecycle/snapshots.ts): a restart loads the newest and
 * replays only the log rows after its position. Derived data, checked before use and never
 * trusted over the log. A header is written only once all its parts are, so a save cut short
 * leaves parts without a header, which the next save removes.
 */
export const graphSnapshots = pgTable('graph_snapshots', {
  id: uuid('id').primaryKey(),
  format: integer('format').notNull(),
  /** Every log row up to here is in the snapshot (or in a batch the bus will deliver again). */
  position: bigint('position', { mode: 'number' }).notNull(),
  /**
   * Set for a replica's snapshot (graph-lifecycle/replica-snapshots.ts): the PostgreSQL snapshot
   * such that every log row of a transaction finished in it is in the image; `position` is 0 then.
   */
  logSnapshot: text('log_snapshot'),
  bytes: integer('bytes').notNull(),
  /** SHA-256 of the parts joined, hex. */
  checksum: text('checksum').notNull(),
  takenAt: timestamp('taken_at', { withTimezone: true, mode: 'date' }).notNull(),
});

/** A snapshot's bytes in parts of a few MB: each a statement of its own, so that log appends interleave. */
export const graphSnapshotParts = pgTable('graph_snapshot_parts', {
  snapshotId: uuid('snapshot_id').notNull(),
  part: integer('part').notNull(),
  bytes: bytea('bytes').notNull(),
}, (t) => [primaryKey({ columns: [t.snapshotId, t.part] })]);

/**
 * How far a graph fed from the log has got (graph-lifecycle/durable-feed.ts): every row of a
 * transaction finished in the PostgreSQL snapshot `covers` is in it.
 */
export const graphFeedCursors = pgTable('graph_feed_cursors', {
  name: text('name').primaryKey(),
  covers: text('covers').notNull(),
  /** A read under way towards this later snapshot has applied its rows up to (afterXid, afterPosition). */
  toward: text('toward'),
  afterXid: text('after_xid'),
  afterPosition: bigint('after_position', { mode: 'number' }),
});
