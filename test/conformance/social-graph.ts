import { describe, expect, test } from 'bun:test';
import { eventFactory, seededRandom, shuffled } from '../kits/recommendation/events';
import { MemoryGraph } from '../../src/modules/recommendation/graph/memory-graph';
import type { GraphEvent, SocialGraph } from '../../src/modules/recommendation/graph/social-graph';

/** Returns an empty graph; it may be the same instance cleared each time (the Neo4j adapter). */
export type EmptyGraph = () => Promise<SocialGraph>;

const ids = (users: { id: number }[]) => users.map((u) => u.id);
const ranked = (recs: { user: { id: number }; weight: number }[]) => recs.map((r) => [r.user.id, r.weight]);

async function given(emptyGraph: EmptyGraph, events: readonly GraphEvent[]): Promise<SocialGraph> {
  const graph = await emptyGraph();
  await graph.apply(events);
  return graph;
}

/** Applies in batches of random size, as a bus would deliver them. */
export async function applyInBatches(graph: SocialGraph, events: readonly GraphEvent[], random: () => number, maxBatch = 40) {
  for (let i = 0; i < events.length; ) {
    const size = 1 + Math.floor(random() * maxBatch);
    await graph.apply(events.slice(i, i + size));
    i += size;
  }
}

/** A history with renames, removals and re-adds, so that order matters within each stream. */
export function randomHistory(seed: number, users: number, steps: number): GraphEvent[] {
  const e = eventFactory();
  const random = seededRandom(seed);
  const events: GraphEvent[] = [];
  const linked = new Set<string>();
  // Some users are never created: they stay known only through friendships.
  for (let id = 1; id <= users; id++) if (id % 7 !== 0) events.push(e.userCreated(id));
  for (let k = 0; k < steps; k++) {
    const a = 1 + Math.floor(random() * users);
    const b = 1 + Math.floor(random() * users);
    if (k % 9 === 0 && a % 7 !== 0) events.push(e.userUpdated(a, `Renamed${k}`, `Again${k}`));
    if (a === b) continue;
    const key = `${Math.min(a, b)}-${Math.max(a, b)}`;
    events.push(linked.has(key) ? e.friendRemoved(a, b) : e.friendAdded(b, a));
    if (linked.has(key)) linked.delete(key);
    else linked.add(key);
  }
  return events;
}

/** The behaviour every SocialGraph adapter must show; the semantics are in social-graph.ts. */
export function socialGraphConformance(emptyGraph: EmptyGraph): void {
  describe('recommendFriends', () => {
    test('ranks friends of friends by mutual friends, ties by id ascending, up to limit', async () => {
      const e = eventFactory();
      // 1 knows 2, 3, 4. Candidates: 5 via 2, 3, 4; 6 via 2, 3; 9, 8, 7 via 3 only (added in reverse id order).
      const pairs = [[1, 2], [1, 3], [1, 4], [2, 5], [3, 5], [4, 5], [2, 6], [3, 6], [3, 9], [3, 8], [3, 7]] as const;
      const graph = await given(emptyGraph, pairs.map(([a, b]) => e.friendAdded(a, b)));
      expect(ranked(await graph.recommendFriends(1, 100))).toEqual([[5, 3], [6, 2], [7, 1], [8, 1], [9, 1]]);
      expect(ranked(await graph.recommendFriends(1, 4))).toEqual([[5, 3], [6, 2], [7, 1], [8, 1]]);
      expect(ranked(await graph.recommendFriends(1, 1))).toEqual([[5, 3]]);
    });

    test('never recommends the user themself or an existing friend', async () => {
      const e = eventFactory();
      const graph = await given(emptyGraph, [e.friendAdded(1, 2), e.friendAdded(2, 3), e.friendAdded(1, 3), e.friendAdded(3, 4)]);
      expect(ranked(await graph.recommendFriends(1, 100))).toEqual([[4, 1]]);
      expect(ranked(await graph.recommendFriends(4, 100))).toEqual([[1, 1], [2, 1]]);
      expect(ranked(await graph.recommendFriends(2, 100))).toEqual([[4, 1]]);
    });

    test('is empty for an unknown user or one without friends', async () => {
      const graph = await given(emptyGraph, [eventFactory().userCreated(1)]);
      expect(await graph.recommendFriends(1, 100)).toEqual([]);
      expect(await graph.recommendFriends(42, 100)).toEqual([]);
    });
  });

  describe('mutualFriends', () => {
    test('returns the friends both users have, by id, limited, with their versions and dates (no names)', async () => {
      const e = eventFactory();
      const ada = e.userCreated(4, 'Ada', 'Lovelace');
      const pairs = [[1, 9], [1, 4], [1, 7], [2, 9], [2, 4], [2, 7], [1, 5], [2, 6], [1, 2]] as const;
      const graph = await given(emptyGraph, [ada, ...pairs.map(([a, b]) => e.friendAdded(a, b))]);
      expect(ids(await graph.mutualFriends(1, 2, 100))).toEqual([4, 7, 9]);
      expect(ids(await graph.mutualFriends(2, 1, 2))).toEqual([4, 7]);
      expect(await graph.mutualFriends(1, 2, 1)).toEqual([
        { id: 4, version: 1, createdAt: ada.occurredAt, lastModified: ada.occurredAt },
      ]);
    });

    test('is empty for the same user twice or an unknown user', async () => {
      const e = eventFactory();
      const graph = await given(emptyGraph, [e.friendAdded(1, 2), e.friendAdded(2, 3)]);
      expect(await graph.mutualFriends(1, 1, 100)).toEqual([]);
      expect(await graph.mutualFriends(1, 99, 100)).toEqual([]);
      expect(ids(await graph.mutualFriends(3, 1, 100))).toEqual([2]);
    });
  });

  describe('order tolerance and idempotence', () => {
    test('a removed friendship is gone both ways; a later FriendAdded restores it', async () => {
      const e = eventFactory();
      const graph = await given(emptyGraph, [e.friendAdded(1, 2), e.friendAdded(2, 3), e.friendRemoved(2, 1)]);
      expect(await graph.recommendFriends(3, 100)).toEqual([]);
      expect(await graph.stats()).toEqual({ users: 3, friendships: 1 });
      await graph.apply([e.friendAdded(1, 2)]);
      expect(ranked(await graph.recommendFriends(3, 100))).toEqual([[1, 1]]);
      expect(await graph.stats()).toEqual({ users: 3, friendships: 2 });
      expect((await graph.snapshot()).streams).toEqual([['friendship-1-2', 3], ['friendship-2-3', 1]]);
    });

    test('a stale FriendAdded after FriendRemoved does not bring the friendship back', async () => {
      const e = eventFactory();
      const added = e.friendAdded(1, 2);
      const graph = await given(emptyGraph, [e.friendRemoved(1, 2), added]);
      await graph.apply([added]);
      expect(await graph.stats()).toEqual({ users: 2, friendships: 0 });
      expect((await graph.snapshot()).streams).toEqual([['friendship-1-2', 2]]);
    });

    test('redelivering every event, in one batch or in parts, changes nothing', async () => {
      const events = randomHistory(99, 12, 80);
      const graph = await given(emptyGraph, events);
      const once = await graph.snapshot();
      await graph.apply(events);
      await graph.apply(events.slice(5, 40));
      await applyInBatches(graph, events, seededRandom(5));
      expect(await graph.snapshot()).toEqual(once);
    });

    test('any interleaving, with duplicates and any batching, gives the in-order snapshot', async () => {
      const events = randomHistory(99, 12, 80);
      const reference = new MemoryGraph();
      await reference.apply(events);
      const inOrder = await reference.snapshot();
      expect(inOrder.friendships.length).toBeGreaterThan(5);
      expect(await (await given(emptyGraph, events)).snapshot()).toEqual(inOrder);
      for (const seed of [1, 2, 3]) {
        const random = seededRandom(seed);
        const duplicated = [...events, ...events.filter(() => random() < 0.3)];
        const graph = await emptyGraph();
        // All at once (duplicates of a stream within one batch), then again in random batches.
        await graph.apply(shuffled(duplicated, random));
        expect(JSON.stringify(await graph.snapshot())).toBe(JSON.stringify(inOrder));
        const again = await emptyGraph();
        await applyInBatches(again, shuffled(duplicated, random), random);
        expect(JSON.stringify(await again.snapshot())).toBe(JSON.stringify(inOrder));
      }
    });

    test('a FriendAdded before the users exist still links them; version 0 and no dates until known', async () => {
      const e = eventFactory();
      const created = [e.userCreated(1, 'Ada', 'Lovelace'), e.userCreated(2, 'Alan', 'Turing'), e.userCreated(3, 'Grace', 'Hopper')];
      const graph = await given(emptyGraph, [e.friendAdded(1, 2), e.friendAdded(2, 3)]);
      expect(await graph.recommendFriends(1, 10)).toEqual([
        { user: { id: 3, version: 0, createdAt: null, lastModified: null }, weight: 1 },
      ]);
      await graph.apply(created);
      const at = created[2]!.occurredAt;
      expect(await graph.recommendFriends(1, 10)).toEqual([
        { user: { id: 3, version: 1, createdAt: at, lastModified: at }, weight: 1 },
      ]);
    });

    test('UserUpdated sets the latest version and time; a stale one is ignored; a late UserCreated still gives createdAt', async () => {
      const e = eventFactory();
      const created = e.userCreated(1, 'Barbara', 'Liskow');
      const fixed = e.userUpdated(1, 'Barbara', 'Liskov');
      const renamed = e.userUpdated(1, 'Barbara', 'Liskov-Smith');
      const graph = await given(emptyGraph, [e.friendAdded(1, 2), e.friendAdded(2, 3), renamed]);
      await graph.apply([created, fixed]);
      const expected = { id: 1, version: 3, createdAt: created.occurredAt, lastModified: renamed.occurredAt };
      expect((await graph.recommendFriends(3, 10))[0]!.user).toEqual(expected);
      expect((await graph.snapshot()).streams).toContainEqual(['user-1', 3]);
      // The same events in one batch, newest first, end in the same state.
      const oneBatch = await given(emptyGraph, [renamed, fixed, created, e.friendAdded(1, 2)]);
      expect((await oneBatch.snapshot()).users[0]).toEqual(expected);
    });

    test('keeps no names: none of those the events carried is in the snapshot or an answer', async () => {
      const e = eventFactory();
      const graph = await given(emptyGraph, [e.userCreated(1, 'Xanthippe', 'Quixotic'), e.userCreated(2), e.friendAdded(1, 3), e.friendAdded(2, 3)]);
      await graph.apply([e.userUpdated(1, 'Xenia', 'Quirinal')]);
      const seen = JSON.stringify([await graph.snapshot(), await graph.recommendFriends(2, 10), await graph.mutualFriends(2, 3, 10)]);
      for (const name of ['Xanthippe', 'Quixotic', 'Xenia', 'Quirinal']) expect(seen).not.toContain(name);
      expect((await graph.recommendFriends(2, 10))[0]!.user).toMatchObject({ id: 1, version: 2 });
    });
  });

  describe('erasure', () => {
    /** 1 and 3 are friends of 2; 4 is a friend of 3. Then 2 is erased. */
    const history = () => {
      const e = eventFactory();
      const before = [e.userCreated(1), e.userCreated(2, 'Erin', 'Erased'), e.userCreated(3), e.userCreated(4), e.friendAdded(1, 2), e.friendAdded(2, 3), e.friendAdded(3, 4)];
      return { e, events: [...before, e.userUpdated(2, 'Erin', 'Again'), e.userErased(2)] };
    };

    test('an erased user keeps no dates, no friend, and is in no answer', async () => {
      const { events } = history();
      const graph = await given(emptyGraph, events);
      const snapshot = await graph.snapshot();
      expect(snapshot.users.find((u) => u.id === 2)).toEqual({ id: 2, version: 3, createdAt: null, lastModified: null });
      expect(JSON.stringify(snapshot)).not.toContain('Erin');
      expect(snapshot.friendships).toEqual([[3, 4]]);
      expect(await graph.mutualFriends(1, 3, 100)).toEqual([]);
      expect(ranked(await graph.recommendFriends(1, 100))).toEqual([]);
      expect(ranked(await graph.recommendFriends(2, 100))).toEqual([]);
      expect(await graph.streamVersions(['user-2'])).toEqual([3]);
    });

    test('any order gives the same graph: a late UserCreated or FriendAdded brings nothing back', async () => {
      const { events } = history();
      const reference = await (await given(emptyGraph, events)).snapshot();
      const erasedFirst = [events.at(-1)!, ...events.slice(0, -1).reverse()];
      expect(await (await given(emptyGraph, erasedFirst)).snapshot()).toEqual(reference);
      const graph = await emptyGraph();
      await applyInBatches(graph, shuffled(events, seededRandom(16)), seededRandom(61), 3);
      expect(await graph.snapshot()).toEqual(reference);
    });

    test("the friend service's removals that follow change nothing visible", async () => {
      const { e, events } = history();
      const graph = await given(emptyGraph, events);
      const before = await graph.snapshot();
      await graph.apply([e.friendRemoved(2, 1), e.friendRemoved(3, 2)]);
      const after = await graph.snapshot();
      expect(after.friendships).toEqual(before.friendships);
      expect(after.users).toEqual(before.users);
    });
  });

  describe('snapshot, stats and clear', () => {
    test('the snapshot is canonical: users by id, each pair once, stream versions by stream id', async () => {
      const e = eventFactory();
      const graph = await given(emptyGraph, [e.friendAdded(3, 1), e.userCreated(2), e.friendAdded(2, 3), e.userUpdated(2, 'B', 'C')]);
      const snapshot = await graph.snapshot();
      expect(snapshot.users.map((u) => u.id)).toEqual([1, 2, 3]);
      expect(snapshot.users[0]).toEqual({ id: 1, version: 0, createdAt: null, lastModified: null });
      expect(snapshot.friendships).toEqual([[1, 3], [2, 3]]);
      expect(snapshot.streams).toEqual([['friendship-1-3', 1], ['friendship-2-3', 1], ['user-2', 2]]);
      expect(await graph.stats()).toEqual({ users: 3, friendships: 2 });
    });

    test('stream versions answer read-your-writes: applied version per stream, 0 for unknown or foreign streams', async () => {
      const e = eventFactory();
      const graph = await given(emptyGraph, [e.friendAdded(3, 1), e.userCreated(2), e.friendAdded(2, 3), e.userUpdated(2, 'B', 'C'), e.friendRemoved(1, 3)]);
      const streams = ['user-2', 'friendship-1-3', 'friendship-2-3', 'user-1', 'user-9', 'friendship-2-9', 'order-1', 'user-2'];
      expect(await graph.streamVersions(streams)).toEqual([2, 2, 1, 0, 0, 0, 0, 2]);
      expect(await graph.streamVersions([])).toEqual([]);
    });

    test('clear forgets everything, including versions', async () => {
      const added = eventFactory().friendAdded(1, 2);
      const graph = await given(emptyGraph, [added]);
      await graph.clear();
      expect(await graph.snapshot()).toEqual({ users: [], friendships: [], streams: [] });
      expect(await graph.stats()).toEqual({ users: 0, friendships: 0 });
      await graph.apply([added]);
      expect(await graph.stats()).toEqual({ users: 2, friendships: 1 });
    });
  });
}
