import { describe, test } from 'bun:test';
import { deciderSpec } from '../../../test/kits/decider';
import type { FriendEvent } from './contracts/events';
import { friendshipAggregate } from './module';

const spec = deciderSpec(friendshipAggregate);
const added: FriendEvent = { type: 'FriendAdded', data: { friendshipId: 5, userId: 3, friendId: 4 } };

describe('friendship decider: the rule every command obeys', () => {
  test('nobody befriends themselves', () =>
    spec([]).when({ type: 'AddFriend', data: { friendshipId: 6, userId: 3, friendId: 3 } }).thenRejects('invalid', /own friend/));

  test('nobody removes themselves as a friend', () =>
    spec([added]).when({ type: 'RemoveFriend', data: { userId: 3, friendId: 3 } }).thenRejects('invalid', /own friend/));
});
