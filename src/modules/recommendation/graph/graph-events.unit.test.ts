import { describe, expect, test } from 'bun:test';
import type { EventEnvelope } from '../../../platform/events/envelope';
import { eventFactory } from '../../../../test/kits/recommendation/events';
import { classify, dataToStore, type Classified } from './graph-events';

const e = eventFactory();
const variant = (base: EventEnvelope, change: Partial<EventEnvelope>) => ({ ...base, ...change }) as EventEnvelope;

describe('classify', () => {
  test('accepts erasures and friend events as published', () => {
    for (const event of [e.userErased(3), e.friendAdded(1, 2), e.friendRemoved(2, 1)]) {
      expect(classify(event)).toEqual({ ok: true, event });
    }
  });

  test('drops the names of UserCreated and UserUpdated, version 1 in the clear or 2 sealed: the graph never holds one', () => {
    const sealedVersion = (event: EventEnvelope) => variant(event, { schemaVersion: 2, data: { userId: 1, names: { sealed: 'c2VhbGVk', digest: 'ZGlnZXN0' } } });
    for (const plain of [e.userCreated(1, 'Ada', 'Lovelace'), e.userUpdated(1, 'Ada', 'King')]) {
      for (const event of [plain, sealedVersion(plain)]) {
        const unnamed: unknown = { ok: true, event: { ...event, schemaVersion: 2, data: { userId: 1 } } };
        expect(classify(event)).toEqual(unnamed as Classified);
      }
    }
  });

  test('reads a user event without names, as its own log holds it, as the current version', () => {
    const logged = { ...e.userCreated(2), data: { userId: 2 } };
    expect(classify(logged as EventEnvelope)).toMatchObject({ ok: true, event: { ...logged, schemaVersion: 2 } });
  });

  test.each([
    ['an unknown type', variant(e.userCreated(5), { type: 'UserDeleted' }), 'unknown event type'],
    ['a user event for another stream', variant(e.userCreated(5), { streamId: 'user-6' }), 'streamId'],
    ['a friend event for another pair', variant(e.friendAdded(1, 2), { streamId: 'friendship-1-3' }), 'streamId'],
    ['a self-friendship', variant(e.friendAdded(1, 2), { streamId: 'friendship-1-1', data: { friendshipId: 1, userId: 1, friendId: 1 } }), 'malformed'],
    ['a string id', variant(e.friendAdded(1, 2), { data: { friendshipId: 1, userId: '1', friendId: 2 } }), 'malformed'],
    ['a missing user id', variant(e.userCreated(7), { data: { firstName: 'A', lastName: 'B' } }), 'malformed'],
    ['null data', variant(e.userCreated(8), { data: null }), 'not an object'],
    ['a schemaVersion newer than this code', variant(e.userCreated(9), { schemaVersion: 7 }), 'schemaVersion 7 cannot be read'],
  ])('rejects %s with a reason', (_name, event, reason) => {
    const result = classify(event);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toContain(reason);
  });
});

describe('dataToStore', () => {
  test('stores user events without names, and everything else as received', () => {
    expect(dataToStore(e.userCreated(1, 'Ada', 'Lovelace'))).toEqual({ userId: 1 });
    expect(dataToStore(e.userUpdated(1, 'Ada', 'King'))).toEqual({ userId: 1 });
    expect(dataToStore(variant(e.userCreated(1), { schemaVersion: 2, data: { userId: 1, names: { sealed: 'x', digest: 'y' } } }))).toEqual({ userId: 1 });
    expect(dataToStore(variant(e.userCreated(7), { data: { firstName: 'A' } }))).toEqual({});
    const added = e.friendAdded(1, 2);
    expect(dataToStore(added)).toBe(added.data);
    expect(dataToStore(variant(added, { data: null }))).toBeNull();
  });
});
