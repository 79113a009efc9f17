import type { EventMetadata } from '../../../platform/events/envelope';
import { executeFriendCommand, type FriendDeps } from '../friend-commands';

/** Ends the friendship in both directions; 404 when the pair are not friends. Returns the stream's new version. */
export async function removeFriend(deps: FriendDeps, userId: number, friendId: number, metadata: EventMetadata): Promise<number> {
  const { version } = await deps.commands.run('RemoveFriend', () => executeFriendCommand(deps, { type: 'RemoveFriend', data: { userId, friendId } }, metadata));
  return version;
}
