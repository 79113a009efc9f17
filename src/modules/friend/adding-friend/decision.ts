import { conflict } from '../../../platform/errors';
import type { CommandDecision } from '../../../platform/events/decider';
import type { FriendEvent } from '../contracts/events';
import type { FriendshipState } from '../friend';
import { insertFriendships } from './projection';

export type AddFriend = { type: 'AddFriend'; data: { friendshipId: number; userId: number; friendId: number } };

/** Two users who are not friends become friends; the pair in either order is the same friendship. */
export const addFriendDecision: CommandDecision<AddFriend, FriendshipState, FriendEvent> = {
  command: 'AddFriend',
  decide: (command, state) => {
    if (state.status === 'active') throw conflict(`users ${command.data.userId} and ${command.data.friendId} are already friends`);
    return [{ type: 'FriendAdded', data: command.data }];
  },
  evolves: { FriendAdded: (_state, event) => ({ status: 'active', ...event.data }) },
  projects: { FriendAdded: insertFriendships },
};
