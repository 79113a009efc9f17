import type { EventMetadata } from '../../../platform/events/envelope';
import { invalid } from '../../../platform/errors';
import type { Friend } from '../contracts/http';
import { executeFriendCommand, type FriendDeps } from '../friend-commands';

/** 400 for self-friendship, 404 for an unknown user, 409 if the pair are already friends. */
export function addFriend(deps: FriendDeps, userId: number, friendId: number, metadata: EventMetadata): Promise<{ friend: Friend; version: number }> {
  // Counted from here, so rejections before the event store (self, unknown user) count too.
  return deps.commands.run('AddFriend', async () => {
    if (userId === friendId) throw invalid(`user ${userId} cannot be their own friend`);
    await deps.users.assertExist([userId, friendId], metadata.traceparent);
    const friendshipId = await deps.nextFriendshipId();
    const { appended, version } = await executeFriendCommand(deps, { type: 'AddFriend', data: { friendshipId, userId, friendId } }, metadata);
    const at = appended[0]!.occurredAt;
    return { friend: { id: friendshipId, userId, friendId, createdAt: at, updatedAt: at }, version };
  });
}
