import type { EventMetadata } from '../../../platform/events/envelope';
import type { Friend } from '../contracts/http';
import type { FriendDeps } from '../friendship-aggregate';

/** 400 for self-friendship, 404 for an unknown user, 409 if the pair are already friends. */
export function addFriend(deps: FriendDeps, userId: number, friendId: number, metadata: EventMetadata): Promise<{ friend: Friend; version: number }> {
  // Counted from here, so rejections before the event store (unknown user) count too. Self-friendship
  // is the decider's to refuse (400), like every rule about the pair.
  return deps.commands.run('AddFriend', async () => {
    await deps.users.assertExist([userId, friendId], metadata.traceparent);
    const friendshipId = await deps.nextFriendshipId();
    const { appended, version } = await deps.runner.run({ type: 'AddFriend', data: { friendshipId, userId, friendId } }, { metadata });
    const at = appended[0]!.occurredAt;
    return { friend: { id: friendshipId, userId, friendId, createdAt: at, updatedAt: at }, version };
  });
}
