import { notFound } from '../../../platform/errors';
import type { CommandDecision } from '../../../platform/events/decider';
import type { FriendEvent } from '../contracts/events';
import type { FriendshipState } from '../friend';
import { deleteFriendships } from './projection';

export type RemoveFriend = { type: 'RemoveFriend'; data: { userId: number; friendId: number } };

/** Either friend ends the friendship, in both directions; the event names the friendship that ends. */
export const removeFriendDecision: CommandDecision<RemoveFriend, FriendshipState, FriendEvent> = {
  command: 'RemoveFriend',
  decide: ({ data: { userId, friendId } }, state) => {
    if (state.status !== 'active') throw notFound(`users ${userId} and ${friendId} are not friends`);
    return [{ type: 'FriendRemoved', data: { friendshipId: state.friendshipId, userId, friendId } }];
  },
  evolves: { FriendRemoved: () => ({ status: 'none' }) },
  projects: { FriendRemoved: deleteFriendships },
};
