import { eq, inArray } from 'drizzle-orm';
import type { Queryable } from '../../platform/db/database';
import type { FriendEventEnvelope } from './contracts/events';
import type { Friend } from './contracts/http';
import { friendships } from './schema';

/**
 * Applies friend events to the `friendships` read model inside the transaction that appends them:
 * one multi-row insert for new friendships and one delete for ended ones, however many commands
 * committed together. Each friendship id is added once and removed at most once, so the two
 * statements commute.
 */
export async function projectFriendship(tx: Queryable, appended: readonly FriendEventEnvelope[]): Promise<void> {
  const added: (typeof friendships.$inferInsert)[] = [];
  const removed: number[] = [];
  for (const event of appended) {
    switch (event.type) {
      case 'FriendAdded': {
        const at = new Date(event.occurredAt);
        added.push({ id: event.data.friendshipId, userId: event.data.userId, friendId: event.data.friendId, createdAt: at, updatedAt: at });
        break;
      }
      case 'FriendRemoved':
        removed.push(event.data.friendshipId);
        break;
      default: {
        const never: never = event;
        return never;
      }
    }
  }
  if (added.length > 0) await tx.insert(friendships).values(added);
  if (removed.length > 0) await tx.delete(friendships).where(removed.length === 1 ? eq(friendships.id, removed[0]!) : inArray(friendships.id, removed));
}

export type FriendshipRow = typeof friendships.$inferSelect;

/** A friendship as seen from `viewer`: `userId` is the viewer, `friendId` the other user. */
export function toFriend(row: FriendshipRow, viewer = row.userId): Friend {
  const other = row.userId === viewer ? row.friendId : row.userId;
  return { id: row.id, userId: viewer, friendId: other, createdAt: row.createdAt.toISOString(), updatedAt: row.updatedAt.toISOString() };
}
