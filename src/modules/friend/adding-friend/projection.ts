import type { Queryable } from '../../../platform/db/database';
import type { EnvelopeOf } from '../../../platform/events/envelope';
import type { FriendAdded } from '../contracts/events';
import { friendships } from '../schema';

/** New friendships go into the read model with one multi-row insert, however many commands committed together. */
export async function insertFriendships(tx: Queryable, events: EnvelopeOf<FriendAdded>[]): Promise<void> {
  await tx.insert(friendships).values(
    events.map(({ data, occurredAt }) => {
      const at = new Date(occurredAt);
      return { id: data.friendshipId, userId: data.userId, friendId: data.friendId, createdAt: at, updatedAt: at };
    }),
  );
}
