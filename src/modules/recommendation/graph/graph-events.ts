import type { EventEnvelope } from '../../../platform/events/envelope';
import { friendshipStreamId, type FriendEventEnvelope } from '../../friend/contracts/events';
import { userStreamId, type UserEventEnvelope } from '../../user/contracts/events';
import { isId } from '../../../platform/ids';

/** The events the graph understands, as published in the owning modules' contracts. */
export type GraphEvent = UserEventEnvelope | FriendEventEnvelope;

export type Classified = { ok: true; event: GraphEvent } | { ok: false; reason: string };

const isName = (v: unknown): v is string => typeof v === 'string';

/**
 * Narrows a received envelope to a GraphEvent, or says why it cannot be applied. A consumer must
 * never throw on such an event (it would be redelivered forever), so every check a projection
 * relies on is made here once: known type, well-formed data, and a stream id that matches the
 * data, because "latest version per stream wins" is only sound if a stream is one user or one pair.
 */
export function classify(envelope: EventEnvelope): Classified {
  const data = envelope.data as Record<string, unknown> | null;
  if (!Number.isInteger(envelope.streamVersion) || envelope.streamVersion < 1) return { ok: false, reason: 'bad streamVersion' };
  if (Number.isNaN(Date.parse(envelope.occurredAt))) return { ok: false, reason: 'bad occurredAt' };
  if (typeof data !== 'object' || data === null) return { ok: false, reason: 'data is not an object' };
  switch (envelope.type) {
    case 'UserCreated':
    case 'UserUpdated':
      if (!isId(data.userId) || !isName(data.firstName) || !isName(data.lastName)) return { ok: false, reason: `malformed ${envelope.type}` };
      if (envelope.streamId !== userStreamId(data.userId)) return { ok: false, reason: 'streamId does not match userId' };
      return { ok: true, event: envelope as GraphEvent };
    case 'FriendAdded':
    case 'FriendRemoved':
      if (!isId(data.userId) || !isId(data.friendId) || data.userId === data.friendId) {
        return { ok: false, reason: `malformed ${envelope.type}` };
      }
      if (envelope.streamId !== friendshipStreamId(data.userId, data.friendId)) {
        return { ok: false, reason: 'streamId does not match the pair' };
      }
      return { ok: true, event: envelope as GraphEvent };
    default:
      return { ok: false, reason: `unknown event type ${JSON.stringify(envelope.type)}` };
  }
}
