import type { EnvelopeOf } from '../../../platform/events/envelope';

/** Published on this topic, keyed by `user-{id}`. Other modules may rely on these shapes. */
export const USER_EVENTS_TOPIC = 'user-events';

export const userStreamId = (userId: number) => `user-${userId}`;

/** A person's names, as the API shows them. Never stored or published in the clear (see EventNames). */
export interface PersonalNames {
  firstName: string;
  lastName: string;
}

/**
 * Names as events carry them since schemaVersion 2: sealed with the user's own data key
 * (AES-256-GCM, bound to the user), so that destroying the key on erasure makes them unreadable
 * wherever a copy of the event went. Only the user service holds the keys; to everyone else the
 * names are opaque. `digest` (an HMAC under the same user's key) tells the user service whether a
 * rename changes anything without opening the names.
 */
export interface SealedNames {
  sealed: string;
  digest: string;
}

/** The plaintext names of an event stored as schemaVersion 1, before names were sealed; `bun run migrate -- encrypt-history` seals them. */
export interface LegacyNames {
  plain: PersonalNames;
}

export type EventNames = SealedNames | LegacyNames;

/** schemaVersion 2 (1 carried `firstName` and `lastName` in the clear; read as 2 through its upcaster). */
export type UserCreated = {
  type: 'UserCreated';
  data: { userId: number; names: EventNames };
};

/** Carries the full new names, so the latest version alone tells the user service the current name. schemaVersion 2, as UserCreated. */
export type UserUpdated = {
  type: 'UserUpdated';
  data: { userId: number; names: EventNames };
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
