import type { EventMetadata } from '../../../platform/events/envelope';
import { DomainError, gone, invalid } from '../../../platform/errors';
import type { Friend } from '../contracts/http';
import { executeFriendCommand, type FriendDeps } from '../friend-commands';

/** 400 for self-friendship, 404 for an unknown user, 409 if the pair are already friends, 410 for an erased user. */
export function addFriend(deps: FriendDeps, userId: number, friendId: number, metadata: EventMetadata): Promise<{ friend: Friend; version: number }> {
  // Counted from here, so rejections before the event store (self, unknown user) count too.
  return deps.commands.run('AddFriend', async () => {
    if (userId === friendId) throw invalid(`user ${userId} cannot be their own friend`);
    await deps.users.assertExist([userId, friendId], metadata.traceparent);
    const friendshipId = await deps.nextFriendshipId();
    const { appended, version } = await executeFriendCommand(deps, { type: 'AddFriend', data: { friendshipId, userId, friendId } }, metadata);
    await undoIfErasedMeanwhile(deps, userId, friendId, { ...metadata, causationId: appended[0]!.id });
    const at = appended[0]!.occurredAt;
    return { friend: { id: friendshipId, userId, friendId, createdAt: at, updatedAt: at }, version };
  });
}

/**
 * A user erased between the existence check and the commit: the erasure may have listed the
 * user's friendships before this one committed, and would miss it. Erasing takes the user out of
 * the replica first, then lists; so either that listing sees this friendship, or this check sees
 * the user gone and ends the friendship itself (410). Ending it twice is harmless.
 */
async function undoIfErasedMeanwhile(deps: FriendDeps, userId: number, friendId: number, metadata: EventMetadata): Promise<void> {
  const [erased] = await deps.users.forgottenOf([userId, friendId]);
  if (erased === undefined) return;
  try {
    await executeFriendCommand(deps, { type: 'RemoveFriend', data: { userId, friendId } }, metadata);
  } catch (error) {
    if (!(error instanceof DomainError && error.kind === 'not-found')) throw error;
  }
  throw gone(`user ${erased} was erased`);
}
