import type { EventMetadata } from '../../../platform/events/envelope';
import { executeFriendCommand, type FriendDeps } from '../friend-commands';

/** Ends the friendship in both directions; 404 when the pair are not friends. */
export async function removeFriend(deps: FriendDeps, userId: number, friendId: number, metadata: EventMetadata): Promise<void> {
  await deps.commands.run('RemoveFriend', () => executeFriendCommand(deps, { type: 'RemoveFriend', data: { userId, friendId } }, metadata));
}
