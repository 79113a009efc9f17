import { describe, test } from 'bun:test';
import { deciderSpec } from '../../../../test/kits/decider';
import type { FriendEvent } from '../contracts/events';
import { friendshipAggregate } from '../module';

const spec = deciderSpec(friendshipAggregate);
const added: FriendEvent = { type: 'FriendAdded', data: { friendshipId: 5, userId: 1, friendId: 2 } };
const removed: FriendEvent = { type: 'FriendRemoved', data: { friendshipId: 5, userId: 2, friendId: 1 } };

describe('RemoveFriend decision', () => {
  test('removes from either side, naming the friendship that ends', () =>
    spec([added]).when({ type: 'RemoveFriend', data: { userId: 2, friendId: 1 } }).then([removed]));

  test('cannot remove a friendship that does not exist', () =>
    spec([]).when({ type: 'RemoveFriend', data: { userId: 1, friendId: 2 } }).thenRejects('not-found'));

  test('cannot remove a friendship twice', () =>
    spec([added, removed]).when({ type: 'RemoveFriend', data: { userId: 1, friendId: 2 } }).thenRejects('not-found'));
});
