import { describe, test } from 'bun:test';
import { deciderSpec } from '../../../test/kits/decider';
import type { FriendEvent } from './contracts/events';
import { decide, evolve, initialFriendshipState } from './friend';

const spec = deciderSpec({ initialState: initialFriendshipState, evolve, decide });
const added: FriendEvent = { type: 'FriendAdded', data: { friendshipId: 5, userId: 1, friendId: 2 } };
const removed: FriendEvent = { type: 'FriendRemoved', data: { friendshipId: 5, userId: 2, friendId: 1 } };

describe('friendship decider', () => {
  test('befriends two users', () =>
    spec([]).when({ type: 'AddFriend', data: { friendshipId: 5, userId: 1, friendId: 2 } }).then([added]));

  test('rejects an existing friendship in the same direction', () =>
    spec([added]).when({ type: 'AddFriend', data: { friendshipId: 6, userId: 1, friendId: 2 } }).thenRejects('conflict'));

  test('rejects an existing friendship in the other direction', () =>
    spec([added]).when({ type: 'AddFriend', data: { friendshipId: 6, userId: 2, friendId: 1 } }).thenRejects('conflict', /already friends/));

  test('rejects self-friendship', () =>
    spec([]).when({ type: 'AddFriend', data: { friendshipId: 6, userId: 3, friendId: 3 } }).thenRejects('invalid'));

  test('removes from either side, naming the friendship that ends', () =>
    spec([added]).when({ type: 'RemoveFriend', data: { userId: 2, friendId: 1 } }).then([removed]));

  test('cannot remove a friendship that does not exist', () =>
    spec([]).when({ type: 'RemoveFriend', data: { userId: 1, friendId: 2 } }).thenRejects('not-found'));

  test('cannot remove a friendship twice', () =>
    spec([added, removed]).when({ type: 'RemoveFriend', data: { userId: 1, friendId: 2 } }).thenRejects('not-found'));

  test('friends again after a removal, with a new friendship id', () =>
    spec([added, removed])
      .when({ type: 'AddFriend', data: { friendshipId: 9, userId: 2, friendId: 1 } })
      .then([{ type: 'FriendAdded', data: { friendshipId: 9, userId: 2, friendId: 1 } }]));
});
