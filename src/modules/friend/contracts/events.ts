import type { EnvelopeOf } from '../../../platform/events/envelope';

/** Published on this topic, keyed by the friendship stream id. Other modules may rely on these shapes. */
export const FRIEND_EVENTS_TOPIC = 'friend-events';

/**
 * One stream per unordered pair of users, so "A adds B" and "B adds A" contend on the same stream
 * and at most one of them can create the friendship.
 */
export const friendshipStreamId = (a: number, b: number) => `friendship-${Math.min(a, b)}-${Math.max(a, b)}`;

/** `userId` asked, `friendId` was added. The friendship itself is symmetric. */
export type FriendAdded = {
  type: 'FriendAdded';
  data: { friendshipId: number; userId: number; friendId: number };
};

/** `userId` asked to remove `friendId`; ends friendship `friendshipId` in both directions. */
export type FriendRemoved = {
  type: 'FriendRemoved';
  data: { friendshipId: number; userId: number; friendId: number };
};

export type FriendEvent = FriendAdded | FriendRemoved;
export type FriendEventEnvelope = EnvelopeOf<FriendEvent>;
