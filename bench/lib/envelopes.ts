/**
 * Envelopes as the user and friend services publish them (test/kits/envelopes.ts), built in bulk
 * without the per-stream bookkeeping of test/kits/recommendation/events.ts's factory
 * per-stream bookkeeping: at 2.5 million friendship streams its maps alone would take hundreds of MB
 * and distort the memory figure. Every stream here starts at version 1; callers that change a pair
 * again pass the next version themselves.
 */
import type { GraphEvent } from '../../src/modules/recommendation/graph/graph-events';
import { friendshipEnvelope, userCreatedEnvelope } from '../../test/kits/envelopes';

const AT = '2025-01-01T00:00:00.000Z';
/**
 * As a request through the gateway leaves it (no correlation id of the client's own): UUIDs and a
 * traceparent, which the recommendation log stores in binary, the path the service takes.
 */
const metadata = {
  correlationId: '8d3f1c2a-6b4e-4f5a-9c7d-2e1b0a9f8e7d',
  causationId: '8d3f1c2a-6b4e-4f5a-9c7d-2e1b0a9f8e7d',
  traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
};

export const userCreated = (userId: number): GraphEvent => userCreatedEnvelope(userId, { occurredAt: AT, metadata });

export const friendship = (userId: number, friendId: number, streamVersion = 1, added = true, friendshipId = 0): GraphEvent =>
  friendshipEnvelope(userId, friendId, added, friendshipId, { streamVersion, occurredAt: AT, metadata });

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
