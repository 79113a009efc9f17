import type { EventMetadata } from '../../../platform/events/envelope';
import { DomainError, gone } from '../../../platform/errors';
import type { Friend } from '../contracts/http';
import type { FriendDeps } from '../friendship-aggregate';
import type { AddFriend } from './decision';

/** 400 for self-friendship, 404 for an unknown user, 409 if the pair are already friends, 410 for an erased user. */
export function addFriend(deps: FriendDeps, userId: number, friendId: number, metadata: EventMetadata): Promise<{ friend: Friend; version: number }> {
  // Counted from here, so rejections before the event store (unknown user) count too. Self-friendship
  // is the decider's to refuse (400), like every rule about the pair.
  return deps.commands.run('AddFriend', async () => {
    await deps.users.assertExist([userId, friendId], metadata.traceparent);
    const friendshipId = await deps.nextFriendshipId();
    const command: AddFriend = { type: 'AddFriend', data: { friendshipId, userId, friendId } };
    const { appended, version } = await deps.runner.run(command, { metadata });
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
    await deps.runner.run({ type: 'RemoveFriend', data: { userId, friendId } }, { metadata });
  } catch (error) {
    if (!(error instanceof DomainError && error.kind === 'not-found')) throw error;
  }
  throw gone(`user ${erased} was erased`);
}
