import { EventCodec, type Decoded } from '../../../platform/events/event-codec';
import type { EventEnvelope } from '../../../platform/events/envelope';
import { friendEventContract } from '../../friend/contracts/codec';
import type { FriendEvent, FriendEventEnvelope } from '../../friend/contracts/events';
import { userEventContract } from '../../user/contracts/codec';
import type { UserEvent, UserEventEnvelope } from '../../user/contracts/events';

/** The events the graph understands, as published in the owning modules' contracts. */
export type GraphEvent = UserEventEnvelope | FriendEventEnvelope;

/**
 * The graph reads both publishers' events through their own contracts: their upcasters turn any
 * stored version into the current one, and their checks (well-formed data, a stream id that
 * matches the data, on which "latest version per stream wins" relies) are made here once.
 */
export const graphEventCodec = new EventCodec<UserEvent | FriendEvent>(userEventContract, friendEventContract);

export type Classified = Decoded<UserEvent | FriendEvent>;

/** A received envelope as a current GraphEvent, or why it cannot be applied. Never throws. */
export const classify = (envelope: EventEnvelope): Classified => graphEventCodec.decode(envelope);
