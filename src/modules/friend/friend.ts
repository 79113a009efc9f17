import { conflict, invalid, notFound } from '../../platform/errors';
import type { FriendEvent } from './contracts/events';

/**
 * The friendship aggregate, one per unordered pair of users: pure state, evolve and decide.
 * Friendship ids come in with the command, so `decide` stays pure.
 */
export type FriendshipState =
  | { status: 'none' }
  | { status: 'active'; friendshipId: number; userId: number; friendId: number };

export type FriendCommand =
  | { type: 'AddFriend'; data: { friendshipId: number; userId: number; friendId: number } }
  | { type: 'RemoveFriend'; data: { userId: number; friendId: number } };

export const initialFriendshipState: FriendshipState = { status: 'none' };

export function evolve(state: FriendshipState, event: FriendEvent): FriendshipState {
  switch (event.type) {
    case 'FriendAdded':
      return { status: 'active', ...event.data };
    case 'FriendRemoved':
      return { status: 'none' };
    default: {
      const never: never = event;
      return never;
    }
  }
}

export function decide(command: FriendCommand, state: FriendshipState): FriendEvent[] {
  const { userId, friendId } = command.data;
  if (userId === friendId) throw invalid(`user ${userId} cannot be their own friend`);
  switch (command.type) {
    case 'AddFriend':
      if (state.status === 'active') throw conflict(`users ${userId} and ${friendId} are already friends`);
      return [{ type: 'FriendAdded', data: command.data }];
    case 'RemoveFriend':
      if (state.status !== 'active') throw notFound(`users ${userId} and ${friendId} are not friends`);
      return [{ type: 'FriendRemoved', data: { friendshipId: state.friendshipId, userId, friendId } }];
    default: {
      const never: never = command;
      return never;
    }
  }
}
