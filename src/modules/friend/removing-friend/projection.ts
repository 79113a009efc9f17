import { eq, inArray } from 'drizzle-orm';
import type { Queryable } from '../../../platform/db/database';
import type { EnvelopeOf } from '../../../platform/events/envelope';
import type { FriendRemoved } from '../contracts/events';
import { friendships } from '../schema';

/** Ended friendships leave the read model with one delete, however many commands committed together. */
export async function deleteFriendships(tx: Queryable, events: EnvelopeOf<FriendRemoved>[]): Promise<void> {
  const ids = events.map((event) => event.data.friendshipId);
  await tx.delete(friendships).where(ids.length === 1 ? eq(friendships.id, ids[0]!) : inArray(friendships.id, ids));
}
