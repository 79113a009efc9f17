import { describe, expect, test } from 'bun:test';
import type { EventEnvelope } from '../../../platform/events/envelope';
import { eventFactory } from '../../../../test/kits/recommendation/events';
import { classify } from './graph-events';

const e = eventFactory();
const variant = (base: EventEnvelope, change: Partial<EventEnvelope>) => ({ ...base, ...change }) as EventEnvelope;

describe('classify', () => {
  test('accepts the four published event types', () => {
    for (const event of [e.userCreated(1), e.userUpdated(1, 'A', 'B'), e.friendAdded(1, 2), e.friendRemoved(2, 1)]) {
      expect(classify(event)).toEqual({ ok: true, event });
    }
  });

  test.each([
    ['an unknown type', variant(e.userCreated(5), { type: 'UserDeleted' }), 'unknown event type'],
    ['a user event for another stream', variant(e.userCreated(5), { streamId: 'user-6' }), 'streamId'],
    ['a friend event for another pair', variant(e.friendAdded(1, 2), { streamId: 'friendship-1-3' }), 'streamId'],
    ['a self-friendship', variant(e.friendAdded(1, 2), { streamId: 'friendship-1-1', data: { friendshipId: 1, userId: 1, friendId: 1 } }), 'malformed'],
    ['a string id', variant(e.friendAdded(1, 2), { data: { friendshipId: 1, userId: '1', friendId: 2 } }), 'malformed'],
    ['a missing name', variant(e.userCreated(7), { data: { userId: 7, firstName: 'A' } }), 'malformed'],
    ['null data', variant(e.userCreated(8), { data: null }), 'not an object'],
    ['a schemaVersion newer than this code', variant(e.userCreated(9), { schemaVersion: 7 }), 'schemaVersion 7 cannot be read'],
  ])('rejects %s with a reason', (_name, event, reason) => {
    const result = classify(event);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toContain(reason);
  });
});
