import type { Friend } from './contracts/http';
import { friendships } from './schema';

export type FriendshipRow = typeof friendships.$inferSelect;

/** A friendship as seen from `viewer`: `userId` is the viewer, `friendId` the other user. */
export function toFriend(row: FriendshipRow, viewer = row.userId): Friend {
  const other = row.userId === viewer ? row.friendId : row.userId;
  return { id: row.id, userId: viewer, friendId: other, createdAt: row.createdAt.toISOString(), updatedAt: row.updatedAt.toISOString() };
}
