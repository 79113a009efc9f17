/**
 * Envelopes as the services' outboxes publish them, for tests and benchmarks that feed a bus, a
 * consumer or the graph directly. One builder; the named ones below only fill in a stream.
 */
import type { EventEnvelope } from '../../src/platform/events/envelope';
import { friendshipStreamId } from '../../src/modules/friend/contracts/events';
import { userStreamId } from '../../src/modules/user/contracts/events';
import type { GraphEvent } from '../../src/modules/recommendation';

type Required = Pick<EventEnvelope, 'type' | 'streamId' | 'streamVersion' | 'data'>;

/** A fresh event id and schema version 1; time defaults to now, metadata to a test correlation id. */
export function envelopeOf<E extends EventEnvelope = EventEnvelope>(fields: Required & Partial<EventEnvelope>): E {
  return { id: crypto.randomUUID(), schemaVersion: 1, occurredAt: new Date().toISOString(), metadata: { correlationId: 'test' }, ...fields } as E;
}

/** `UserCreated` for `userId`, named `First<id> Last<id>` unless `fields` says otherwise. */
export const userCreatedEnvelope = (userId: number, fields: Partial<EventEnvelope> = {}): GraphEvent =>
  envelopeOf<GraphEvent>({ type: 'UserCreated', streamId: userStreamId(userId), streamVersion: 1, data: { userId, firstName: `First${userId}`, lastName: `Last${userId}` }, ...fields });

/** `FriendAdded` (or, with `added` false, `FriendRemoved`) on the pair's friendship stream. */
export const friendshipEnvelope = (userId: number, friendId: number, added: boolean, friendshipId: number, fields: Partial<EventEnvelope> = {}): GraphEvent =>
  envelopeOf<GraphEvent>({ type: added ? 'FriendAdded' : 'FriendRemoved', streamId: friendshipStreamId(userId, friendId), streamVersion: 1, data: { friendshipId, userId, friendId }, ...fields });
