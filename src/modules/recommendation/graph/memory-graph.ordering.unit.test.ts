import { describe, expect, test } from 'bun:test';
import { eventFactory, seededRandom, shuffled } from '../../../../test/kits/recommendation/events';
import { MemoryGraph } from './memory-graph';
import type { GraphEvent } from './social-graph';

async function snapshotOf(events: readonly GraphEvent[]) {
  const graph = new MemoryGraph();
  await graph.apply(events);
  return graph.snapshot();
}

/** A history with renames, removals and re-adds, so that order really matters per stream. */
function history(): GraphEvent[] {
  const e = eventFactory();
  const random = seededRandom(99);
  const events: GraphEvent[] = [];
  for (let id = 1; id <= 12; id++) events.push(e.userCreated(id));
  const linked = new Set<string>();
  for (let k = 0; k < 80; k++) {
    const a = 1 + Math.floor(random() * 12);
    const b = 1 + Math.floor(random() * 12);
    if (k % 10 === 0) events.push(e.userUpdated(a, `Renamed${k}`, `Again${k}`));
    if (a === b) continue;
    const key = `${Math.min(a, b)}-${Math.max(a, b)}`;
    events.push(linked.has(key) ? e.friendRemoved(a, b) : e.friendAdded(a, b));
    if (linked.has(key)) linked.delete(key);
    else linked.add(key);
  }
  return events;
}

describe('order tolerance and idempotence', () => {
  test('redelivering every event changes nothing', async () => {
    const events = history();
    const graph = new MemoryGraph();
    await graph.apply(events);
    const once = await graph.snapshot();
    await graph.apply(events);
    await graph.apply(events.slice(5, 40));
    expect(await graph.snapshot()).toEqual(once);
  });

  test('any interleaving, with duplicates, gives the same snapshot as the original order', async () => {
    const events = history();
    const inOrder = await snapshotOf(events);
    expect(inOrder.friendships.length).toBeGreaterThan(5);
    for (const seed of [1, 2, 3, 4, 5]) {
      const random = seededRandom(seed);
      const duplicated = [...events, ...events.filter(() => random() < 0.3)];
      const reordered = await snapshotOf(shuffled(duplicated, random));
      expect(JSON.stringify(reordered)).toBe(JSON.stringify(inOrder));
    }
  });

  test('a FriendAdded before the users exist still links them; version 0 and no dates until known', async () => {
    const e = eventFactory();
    const created = [e.userCreated(1, 'Ada', 'Lovelace'), e.userCreated(2, 'Alan', 'Turing'), e.userCreated(3, 'Grace', 'Hopper')];
    const graph = new MemoryGraph();
    await graph.apply([e.friendAdded(1, 2), e.friendAdded(2, 3)]);
    const [early] = await graph.recommendFriends(1, 10);
    expect(early).toEqual({ user: { id: 3, version: 0, createdAt: null, lastModified: null }, weight: 1 });
    await graph.apply(created);
    const [late] = await graph.recommendFriends(1, 10);
    expect(late).toEqual({
      user: { id: 3, version: 1, createdAt: created[2]!.occurredAt, lastModified: created[2]!.occurredAt },
      weight: 1,
    });
  });

  test('UserUpdated sets the latest version and time; a stale one is ignored; a late UserCreated still gives createdAt', async () => {
    const e = eventFactory();
    const created = e.userCreated(1, 'Barbara', 'Liskow');
    const fixed = e.userUpdated(1, 'Barbara', 'Liskov');
    const renamed = e.userUpdated(1, 'Barbara', 'Liskov-Smith');
    const graph = new MemoryGraph();
    await graph.apply([e.friendAdded(1, 2), e.friendAdded(2, 3), renamed, created, fixed]);
    const [rec] = await graph.recommendFriends(3, 10);
    expect(rec!.user).toEqual({ id: 1, version: 3, createdAt: created.occurredAt, lastModified: renamed.occurredAt });
  });

  test('a stale FriendAdded after FriendRemoved does not bring the friendship back', async () => {
    const e = eventFactory();
    const added = e.friendAdded(1, 2);
    const removed = e.friendRemoved(1, 2);
    const graph = new MemoryGraph();
    await graph.apply([removed, added]);
    expect(await graph.stats()).toEqual({ users: 2, friendships: 0 });
    expect((await graph.snapshot()).streams).toEqual([['friendship-1-2', 2]]);
  });
});

describe('snapshot, stats and clear', () => {
  test('the snapshot is canonical: users by id, each pair once, stream versions by stream id', async () => {
    const e = eventFactory();
    const graph = new MemoryGraph();
    await graph.apply([e.friendAdded(3, 1), e.userCreated(2), e.friendAdded(2, 3), e.userUpdated(2, 'B', 'C')]);
    const snapshot = await graph.snapshot();
    expect(snapshot.users.map((u) => u.id)).toEqual([1, 2, 3]);
    expect(snapshot.friendships).toEqual([[1, 3], [2, 3]]);
    expect(snapshot.streams).toEqual([['friendship-1-3', 1], ['friendship-2-3', 1], ['user-2', 2]]);
    expect(await graph.stats()).toEqual({ users: 3, friendships: 2 });
  });

  test('clear forgets everything, including versions', async () => {
    const e = eventFactory();
    const added = e.friendAdded(1, 2);
    const graph = new MemoryGraph();
    await graph.apply([added]);
    await graph.clear();
    expect(await graph.snapshot()).toEqual({ users: [], friendships: [], streams: [] });
    expect(await graph.stats()).toEqual({ users: 0, friendships: 0 });
    await graph.apply([added]);
    expect(await graph.stats()).toEqual({ users: 2, friendships: 1 });
  });
});
