import { index, integer, pgSequence, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

export { events, outbox } from '../../platform/events/event-store-schema';

/** Ids are allocated in increasing order, as clients of the original expect. */
export const userIds = pgSequence('user_ids');

/** Read model derived from the user streams; can be rebuilt from `events`. */
export const users = pgTable(
  'users',
  {
    id: integer('id').primaryKey(),
    firstName: text('first_name').notNull(),
    lastName: text('last_name').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull(),
    lastModified: timestamp('last_modified', { withTimezone: true, mode: 'date' }).notNull(),
    /** Stream version, served as the ETag. */
    version: integer('version').notNull(),
  },
  // The name index catches up with changes made elsewhere in (last_modified, id) order, every few
  // seconds and before a search waits for a token: without this, each catch-up scans the table.
  (table) => [index('users_last_modified_id').on(table.lastModified, table.id)],
);
