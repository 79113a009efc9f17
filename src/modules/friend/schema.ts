import { index, integer, pgSequence, pgTable, timestamp } from 'drizzle-orm/pg-core';

export { events, outbox } from '../../platform/events/event-store-schema';

export const friendshipIds = pgSequence('friendship_ids');

/** Read model: current friendships, one row each, as first asked (`userId` added `friendId`). */
export const friendships = pgTable(
  'friendships',
  {
    id: integer('id').primaryKey(),
    userId: integer('user_id').notNull(),
    friendId: integer('friend_id').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (t) => [index('friendships_user').on(t.userId), index('friendships_friend').on(t.friendId)],
);

/** Local replica of user ids, fed by `UserCreated`, so most integrity checks need no HTTP call. */
export const knownUsers = pgTable('known_users', {
  id: integer('id').primaryKey(),
});
