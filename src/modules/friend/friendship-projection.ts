import { eq } from 'drizzle-orm';
import type { Queryable } from '../../platform/db/database';
import type { FriendEventEnvelope } from './contracts/events';
import type { Friend } from './contracts/http';
import { friendships } from './schema';

/** Applies friend events to the `friendships` read model inside the command's transaction. */
export async function projectFriendship(tx: Queryable, appended: readonly FriendEventEnvelope[]): Promise<void> {
  for (const event of appended) {
    switch (event.type) {
      case 'FriendAdded': {
        const at = new Date(event.occurredAt);
        await tx.insert(friendships).values({ id: event.data.friendshipId, userId: event.data.userId, friendId: event.data.friendId, createdAt: at, updatedAt: at });
        break;
      }
      case 'FriendRemoved':
        await tx.delete(friendships).where(eq(friendships.id, event.data.friendshipId));
        break;
      default: {
        const never: never = event;
        return never;
      }
    }
  }
}

export type FriendshipRow = typeof friendships.$inferSelect;

/** A friendship as seen from `viewer`: `userId` is the viewer, `friendId` the other user. */
export function toFriend(row: FriendshipRow, viewer = row.userId): Friend {
  const other = row.userId === viewer ? row.friendId : row.userId;
  return { id: row.id, userId: viewer, friendId: other, createdAt: row.createdAt.toISOString(), updatedAt: row.updatedAt.toISOString() };
}
