import { describe, expect, test } from 'bun:test';
import { eventFactory, seededRandom } from '../../../../test/kits/recommendation/events';
import { MemoryGraph } from './memory-graph';
import type { GraphEvent } from './social-graph';

async function graphOf(events: readonly GraphEvent[]) {
  const graph = new MemoryGraph();
  await graph.apply(events);
  return graph;
}

const ids = (users: { id: number }[]) => users.map((u) => u.id);
const ranked = (recs: { user: { id: number }; weight: number }[]) => recs.map((r) => [r.user.id, r.weight]);

describe('recommendFriends', () => {
  test('ranks friends of friends by mutual friends, ties by id ascending', async () => {
    const e = eventFactory();
    // 1 is friends with 2, 3, 4. Candidates: 5 via 2, 3, 4; 6 via 2, 3; 9, 8, 7 via 3 only (added in reverse id order).
    const pairs = [[1, 2], [1, 3], [1, 4], [2, 5], [3, 5], [4, 5], [2, 6], [3, 6], [3, 9], [3, 8], [3, 7]] as const;
    const graph = await graphOf(pairs.map(([a, b]) => e.friendAdded(a, b)));
    expect(ranked(await graph.recommendFriends(1, 100))).toEqual([[5, 3], [6, 2], [7, 1], [8, 1], [9, 1]]);
    expect(ranked(await graph.recommendFriends(1, 3))).toEqual([[5, 3], [6, 2], [7, 1]]);
    expect(ranked(await graph.recommendFriends(1, 1))).toEqual([[5, 3]]);
  });

  test('never recommends the user themself or an existing friend', async () => {
    const e = eventFactory();
    const graph = await graphOf([e.friendAdded(1, 2), e.friendAdded(2, 3), e.friendAdded(1, 3), e.friendAdded(3, 4)]);
    expect(ranked(await graph.recommendFriends(1, 100))).toEqual([[4, 1]]);
    expect(ranked(await graph.recommendFriends(4, 100))).toEqual([[1, 1], [2, 1]]);
  });

  test('is empty for an unknown user or one without friends', async () => {
    const e = eventFactory();
    const graph = await graphOf([e.userCreated(1)]);
    expect(await graph.recommendFriends(1, 100)).toEqual([]);
    expect(await graph.recommendFriends(42, 100)).toEqual([]);
  });

  test('agrees with a brute-force reference on a random graph, for every limit', async () => {
    const random = seededRandom(7);
    const e = eventFactory();
    const adjacency = new Map<number, Set<number>>();
    const events: GraphEvent[] = [];
    for (let k = 0; k < 600; k++) {
      const a = 1 + Math.floor(random() * 60);
      const b = 1 + Math.floor(random() * 60);
      if (a === b) continue;
      const linked = adjacency.get(a)?.has(b) ?? false;
      events.push(linked ? e.friendRemoved(a, b) : e.friendAdded(a, b));
      for (const [x, y] of [[a, b], [b, a]] as const) {
        const set = adjacency.get(x) ?? new Set<number>();
        if (linked) set.delete(y);
        else set.add(y);
        adjacency.set(x, set);
      }
    }
    const graph = await graphOf(events);
    for (const [user, friends] of adjacency) {
      const weights = new Map<number, number>();
      for (const f of friends) for (const g of adjacency.get(f)!) if (g !== user && !friends.has(g)) weights.set(g, (weights.get(g) ?? 0) + 1);
      const expected = [...weights].sort(([x, wx], [y, wy]) => wy - wx || x - y);
      for (const limit of [1, 2, 5, 1000]) expect(ranked(await graph.recommendFriends(user, limit))).toEqual(expected.slice(0, limit));
      const other = 1 + ((user * 7) % 60);
      const mutual = [...friends].filter((f) => other !== user && adjacency.get(other)?.has(f)).sort((x, y) => x - y);
      for (const limit of [1, 3, 1000]) expect(ids(await graph.mutualFriends(user, other, limit))).toEqual(mutual.slice(0, limit));
    }
  });
});

describe('mutualFriends', () => {
  test('returns the friends both users have, by id, limited', async () => {
    const e = eventFactory();
    const pairs = [[1, 9], [1, 4], [1, 7], [2, 9], [2, 4], [2, 7], [1, 5], [2, 6], [1, 2]] as const;
    const graph = await graphOf([e.userCreated(4, 'Ada', 'Lovelace'), ...pairs.map(([a, b]) => e.friendAdded(a, b))]);
    expect(ids(await graph.mutualFriends(1, 2, 100))).toEqual([4, 7, 9]);
    expect(ids(await graph.mutualFriends(2, 1, 2))).toEqual([4, 7]);
    expect((await graph.mutualFriends(1, 2, 1))[0]).toMatchObject({ id: 4, version: 1 });
  });

  test('is empty for the same user twice or an unknown user', async () => {
    const e = eventFactory();
    const graph = await graphOf([e.friendAdded(1, 2), e.friendAdded(2, 3)]);
    expect(await graph.mutualFriends(1, 1, 100)).toEqual([]);
    expect(await graph.mutualFriends(1, 99, 100)).toEqual([]);
    expect(ids(await graph.mutualFriends(1, 3, 100))).toEqual([2]);
  });
});

describe('friend removal', () => {
  test('removes the friendship both ways; a later FriendAdded restores it', async () => {
    const e = eventFactory();
    const graph = await graphOf([e.friendAdded(1, 2), e.friendAdded(2, 3), e.friendRemoved(2, 1)]);
    expect(await graph.recommendFriends(3, 100)).toEqual([]);
    expect(await graph.stats()).toEqual({ users: 3, friendships: 1 });
    await graph.apply([e.friendAdded(1, 2)]);
    expect(ranked(await graph.recommendFriends(3, 100))).toEqual([[1, 1]]);
    expect(await graph.stats()).toEqual({ users: 3, friendships: 2 });
  });
});
