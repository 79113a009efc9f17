import type { EnvelopeOf } from '../../../platform/events/envelope';

/** Published on this topic, keyed by `user-{id}`. Other modules may rely on these shapes. */
export const USER_EVENTS_TOPIC = 'user-events';

export const userStreamId = (userId: number) => `user-${userId}`;

export type UserCreated = {
  type: 'UserCreated';
  data: { userId: number; firstName: string; lastName: string };
};

/** Carries the full new name, so the latest version alone tells a consumer the current name. */
export type UserUpdated = {
  type: 'UserUpdated';
  data: { userId: number; firstName: string; lastName: string };
};

/**
 * The user asked to be forgotten. Consumers drop every personal fact they hold about the user and
 * never show the user again; the friend service ends the user's friendships with its own events.
 */
export type UserErased = {
  type: 'UserErased';
  data: { userId: number };
};

export type UserEvent = UserCreated | UserUpdated | UserErased;
export type UserEventEnvelope = EnvelopeOf<UserEvent>;
