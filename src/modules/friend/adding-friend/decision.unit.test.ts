import { describe, test } from 'bun:test';
import { deciderSpec } from '../../../../test/kits/decider';
import type { FriendEvent } from '../contracts/events';
import { friendshipAggregate } from '../module';

const spec = deciderSpec(friendshipAggregate);
const added: FriendEvent = { type: 'FriendAdded', data: { friendshipId: 5, userId: 1, friendId: 2 } };
const removed: FriendEvent = { type: 'FriendRemoved', data: { friendshipId: 5, userId: 2, friendId: 1 } };

describe('AddFriend decision', () => {
  test('befriends two users', () =>
    spec([]).when({ type: 'AddFriend', data: { friendshipId: 5, userId: 1, friendId: 2 } }).then([added]));

  test('rejects an existing friendship in the same direction', () =>
    spec([added]).when({ type: 'AddFriend', data: { friendshipId: 6, userId: 1, friendId: 2 } }).thenRejects('conflict'));

  test('rejects an existing friendship in the other direction', () =>
    spec([added]).when({ type: 'AddFriend', data: { friendshipId: 6, userId: 2, friendId: 1 } }).thenRejects('conflict', /already friends/));

  test('friends again after a removal, with a new friendship id', () =>
    spec([added, removed])
      .when({ type: 'AddFriend', data: { friendshipId: 9, userId: 2, friendId: 1 } })
      .then([{ type: 'FriendAdded', data: { friendshipId: 9, userId: 2, friendId: 1 } }]));
});
