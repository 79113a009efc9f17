import { isId } from '../../../platform/ids';
import { EventCodec, type EventContract } from '../../../platform/events/event-codec';
import { friendshipStreamId, type FriendEvent } from './events';


/** Two distinct users, and the stream of exactly that pair. */
function pairProblem(data: Record<string, unknown>, streamId: string): string | undefined {
  if (!isId(data.friendshipId) || !isId(data.userId) || !isId(data.friendId)) return 'ids missing or out of range';
  if (data.userId === data.friendId) return 'a user cannot be their own friend';
  return streamId === friendshipStreamId(data.userId, data.friendId) ? undefined : 'streamId does not match the pair';
}

/** Every version of every friend event (see the user contract for how a version is added). */
export const friendEventContract: EventContract<FriendEvent> = {
  FriendAdded: { current: 1, problem: pairProblem },
  FriendRemoved: { current: 1, problem: pairProblem },
};

export const friendEventCodec = new EventCodec<FriendEvent>(friendEventContract);
