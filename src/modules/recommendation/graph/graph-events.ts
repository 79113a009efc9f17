import { EventCodec, type Decoded, type EventContract, type EventVersions } from '../../../platform/events/event-codec';
import type { EventEnvelope, EnvelopeOf } from '../../../platform/events/envelope';
import { friendEventContract } from '../../friend/contracts/codec';
import type { FriendEvent, FriendEventEnvelope } from '../../friend/contracts/events';
import { userEventContract } from '../../user/contracts/codec';
import type { UserErased } from '../../user/contracts/events';

/**
 * A user event as the graph keeps it: which user, and (in the envelope) the stream version and
 * time. Names stay with the user service: this service asks for them when it answers
 * (naming-users/), and so never stores them, in its log, its graph or a snapshot.
 */
export type UnnamedUserEvent =
  | { type: 'UserCreated'; data: { userId: number } }
  | { type: 'UserUpdated'; data: { userId: number } }
  | UserErased;

/** The events the graph understands: user events without names, and friend events as published. */
export type GraphEvent = EnvelopeOf<UnnamedUserEvent> | FriendEventEnvelope;

/**
 * The names a published UserCreated or UserUpdated carries, dropped wherever this service receives
 * one: sealed since version 2 (`names`), in the clear in version 1 (`firstName`, `lastName`).
 */
const NAME_FIELDS = ['names', 'firstName', 'lastName'] as const;

/**
 * The user's contract with the name check left out: the graph needs only the user id (checked
 * against the stream id as before), and what it reads back from its own log has no names. The
 * publisher's versions and upcasters are kept, so an old stored version is still read its way.
 */
const withoutNameCheck = (versions: EventVersions): EventVersions => ({ ...versions, problem: userEventContract.UserErased.problem });
const unnamedUserContract: EventContract<UnnamedUserEvent> = {
  UserCreated: withoutNameCheck(userEventContract.UserCreated),
  UserUpdated: withoutNameCheck(userEventContract.UserUpdated),
  UserErased: userEventContract.UserErased,
};

/**
 * The graph reads both publishers' events through their own contracts: their upcasters turn any
 * stored version into the current one, and their checks (well-formed data, a stream id that
 * matches the data, on which "latest version per stream wins" relies) are made here once.
 */
export const graphEventCodec = new EventCodec<UnnamedUserEvent | FriendEvent>(unnamedUserContract, friendEventContract);

export type Classified = Decoded<UnnamedUserEvent | FriendEvent>;

/** A received or logged envelope as a current GraphEvent without names, or why it cannot be applied. Never throws. */
export const classify = (envelope: EventEnvelope): Classified => {
  const decoded = graphEventCodec.decode(envelope);
  if (!decoded.ok || (decoded.event.type !== 'UserCreated' && decoded.event.type !== 'UserUpdated')) return decoded;
  return { ok: true, event: { ...decoded.event, data: { userId: decoded.event.data.userId } } };
};

/**
 * The data of an event as this service stores it in its log: a UserCreated or UserUpdated without
 * its names, anything else as received. Applied to every event, whether the graph can use it or
 * not, so that even a malformed user event leaves no name behind.
 */
export function dataToStore(envelope: EventEnvelope): unknown {
  const { data } = envelope;
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return data;
  if (!NAME_FIELDS.some((field) => field in data)) return data;
  const kept: Record<string, unknown> = { ...data };
  for (const field of NAME_FIELDS) delete kept[field];
  return kept;
}

/** The users erased by these events (received envelopes or GraphEvents alike). */
export const erasuresIn = (events: readonly Pick<EventEnvelope, 'type' | 'data'>[]): number[] =>
  events.flatMap((e) => (e.type === 'UserErased' ? [(e.data as UserErased['data']).userId] : []));
