/**
 * Envelopes as the user and friend services publish them (same shape as
 * src/modules/recommendation/testing/event-fixtures.ts), built in bulk without that factory's
 * per-stream bookkeeping: at 2.5 million friendship streams its maps alone would take hundreds of MB
 * and distort the memory figure. Every stream here starts at version 1; callers that change a pair
 * again pass the next version themselves.
 */
import { friendshipStreamId } from '../../src/modules/friend/contracts/events';
import { userStreamId } from '../../src/modules/user/contracts/events';
import type { GraphEvent } from '../../src/modules/recommendation/graph/graph-events';

const AT = '2025-01-01T00:00:00.000Z';
const metadata = { correlationId: 'bench' };

export function userCreated(userId: number): GraphEvent {
  return {
    id: crypto.randomUUID(),
    type: 'UserCreated',
    schemaVersion: 1,
    streamId: userStreamId(userId),
    streamVersion: 1,
    occurredAt: AT,
    data: { userId, firstName: `First${userId}`, lastName: `Last${userId}` },
    metadata,
  } as GraphEvent;
}

export function friendship(userId: number, friendId: number, streamVersion = 1, added = true, friendshipId = 0): GraphEvent {
  return {
    id: crypto.randomUUID(),
    type: added ? 'FriendAdded' : 'FriendRemoved',
    schemaVersion: 1,
    streamId: friendshipStreamId(userId, friendId),
    streamVersion,
    occurredAt: AT,
    data: { friendshipId, userId, friendId },
    metadata,
  } as GraphEvent;
}

/** Yields the graph's events in batches: every UserCreated first, then every FriendAdded. */
export function* graphEventBatches(users: number, pairs: Int32Array, batchSize: number): Generator<GraphEvent[]> {
  let batch: GraphEvent[] = [];
  const flush = () => {
    const out = batch;
    batch = [];
    return out;
  };
  for (let id = 1; id <= users; id++) {
    batch.push(userCreated(id));
    if (batch.length === batchSize) yield flush();
  }
  for (let i = 0; i < pairs.length; i += 2) {
    batch.push(friendship(pairs[i]!, pairs[i + 1]!, 1, true, i / 2 + 1));
    if (batch.length === batchSize) yield flush();
  }
  if (batch.length) yield flush();
}
