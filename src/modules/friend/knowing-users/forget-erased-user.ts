import { eq, or } from 'drizzle-orm';
import { DomainError } from '../../../platform/errors';
import type { EventEnvelope } from '../../../platform/events/envelope';
import type { FriendDeps } from '../friendship-aggregate';
import { friendships, knownUsers } from '../schema';

/**
 * What the friend service does when a user is erased: the user leaves the replica (so a later
 * addFriend asks the user service, which answers 410), and each of their friendships ends with a
 * `FriendRemoved` of this service, caused by the erasure, so every consumer of friend events
 * drops it too. Safe to run again (a redelivery): a friendship already ended is skipped.
 */
export async function forgetErasedUser(deps: FriendDeps, erased: EventEnvelope<{ type: 'UserErased'; data: { userId: number } }>): Promise<number> {
  const { userId } = erased.data;
  await deps.db.delete(knownUsers).where(eq(knownUsers.id, userId));
  const rows = await deps.db
    .select({ userId: friendships.userId, friendId: friendships.friendId })
    .from(friendships)
    .where(or(eq(friendships.userId, userId), eq(friendships.friendId, userId)));
  const metadata = { correlationId: erased.metadata.correlationId, causationId: erased.id, ...(erased.metadata.traceparent ? { traceparent: erased.metadata.traceparent } : {}) };
  let ended = 0;
  for (const row of rows) {
    try {
      await deps.commands.run('RemoveFriend', () => deps.runner.run({ type: 'RemoveFriend', data: { userId, friendId: row.userId === userId ? row.friendId : row.userId } }, { metadata }));
      ended++;
    } catch (error) {
      // Ended meanwhile by the other user or an earlier delivery of this erasure: nothing to do.
      if (!(error instanceof DomainError && error.kind === 'not-found')) throw error;
    }
  }
  return ended;
}
