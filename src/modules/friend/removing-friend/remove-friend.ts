import type { EventMetadata } from '../../../platform/events/envelope';
import type { FriendDeps } from '../friendship-aggregate';

/** Ends the friendship in both directions; 404 when the pair are not friends. Returns the stream's new version. */
export async function removeFriend(deps: FriendDeps, userId: number, friendId: number, metadata: EventMetadata): Promise<number> {
  const { version } = await deps.commands.run('RemoveFriend', () => deps.runner.run({ type: 'RemoveFriend', data: { userId, friendId } }, { metadata }));
  return version;
}
