import { describe, expect, test } from 'bun:test';
import { friendshipStreamId } from '../../friend/contracts/events';
import { userStreamId } from '../../user/contracts/events';
import type { GraphEvent, GraphSnapshot, GraphUser } from './social-graph';
import { seededRandom, shuffled } from '../../../../test/kits/recommendation/events';
import { MemoryGraph } from './memory-graph';
import { envelopeOf, friendshipEnvelope } from '../../../../test/kits/envelopes';

/**
 * MemoryGraph against a model that states the semantics of social-graph.ts as plainly as possible
 * (the latest event per stream, taken from the whole history at once), on histories built to reach
 * the corners of the compact structures: stream versions far apart and above what a tag byte holds,
 * ids that are not dense, a hub with hundreds of friends, and lists that grow and shrink.
 */

const metadata = { correlationId: 'test' };
const at = (second: number) => new Date(Date.UTC(2025, 0, 1) + 1000 * second).toISOString();

function userEvent(type: 'UserCreated' | 'UserUpdated', userId: number, version: number, second: number): GraphEvent {
  const data = { userId, firstName: `F${userId}v${version}`, lastName: `L${userId}` };
  return envelopeOf<GraphEvent>({ type, streamId: userStreamId(userId), streamVersion: version, occurredAt: at(second), data, metadata });
}

function friendEvent(linked: boolean, userId: number, friendId: number, version: number, second: number): GraphEvent {
  return friendshipEnvelope(userId, friendId, linked, 1, { streamVersion: version, occurredAt: at(second), metadata });
}

/** Every stream's history, each event carrying the full state of its stream, versions rising. */
function history(seed: number): GraphEvent[] {
  const random = seededRandom(seed);
  const events: GraphEvent[] = [];
  let second = 0;
  // Mostly dense ids, a few far apart (the slot index hashes those).
  const ids = Array.from({ length: 520 }, (_, i) => (i % 40 === 39 ? 2 ** 31 - 1 - i * 7919 : i + 1));
  for (const id of ids) {
    if (random() < 0.1) continue; // known only through friendships
    let version = 1;
    events.push(userEvent('UserCreated', id, version, second++));
    while (random() < 0.3) events.push(userEvent('UserUpdated', id, (version += 1 + Math.floor(random() * 3)), second++));
  }
  const nextVersion = (version: number) => {
    const roll = random();
    if (roll < 0.05) return version + 200 + Math.floor(random() * 200); // past the tag byte
    if (roll < 0.07) return version + 2 ** 40; // far beyond 32 bits
    return version + 1 + Math.floor(random() * 2);
  };
  const pairs = new Map<string, [number, number]>();
  const pair = (a: number, b: number) => pairs.set(`${Math.min(a, b)}-${Math.max(a, b)}`, [a, b]);
  // A hub befriended by most users, and random pairs among the rest.
  for (const id of ids.slice(1)) if (random() < 0.9) pair(ids[0]!, id);
  for (let k = 0; k < 4000; k++) {
    const a = ids[Math.floor(random() ** 1.5 * ids.length)]!;
    const b = ids[Math.floor(random() * ids.length)]!;
    if (a !== b) pair(a, b);
  }
  // Pairs whose last version sits at the edge of the tag byte, reached after older ones.
  const edges: number[][] = [];
  for (const last of [253, 254, 255, 256, 257]) for (const earlier of [[], [1], [1, 2], [254], [255]]) if (earlier.every((v) => v < last)) edges.push([...earlier, last]);
  edges.forEach((versions, k) => {
    const [a, b] = [ids[100 + k]!, ids[300 + k]!];
    pairs.delete(`${Math.min(a, b)}-${Math.max(a, b)}`);
    for (const version of versions) events.push(friendEvent(random() < 0.5, a, b, version, second++));
  });
  for (const [a, b] of pairs.values()) {
    let version = 0;
    const steps = random() < 0.01 ? 300 : 1 + Math.floor(random() * 4); // a few cross 255 one by one
    for (let step = 0; step < steps; step++) {
      version = steps === 300 ? version + 1 : nextVersion(version);
      const [userId, friendId] = random() < 0.5 ? [a, b] : [b, a];
      events.push(friendEvent(random() < 0.65, userId, friendId, version, second++));
    }
  }
  return events;
}

/** The semantics in one pass: per stream, the event with the highest version decides. */
class ReferenceGraph {
  readonly latest = new Map<string, GraphEvent>();
  readonly created = new Map<number, string>();
  readonly known = new Set<number>();

  apply(events: readonly GraphEvent[]): void {
    for (const event of events) {
      const current = this.latest.get(event.streamId);
      if (!current || event.streamVersion > current.streamVersion) this.latest.set(event.streamId, event);
      if (event.type === 'UserCreated') this.created.set(event.data.userId, new Date(event.occurredAt).toISOString());
      this.known.add(event.data.userId);
      if (event.type === 'FriendAdded' || event.type === 'FriendRemoved') this.known.add(event.data.friendId);
    }
  }

  friendsOf(id: number): Set<number> {
    const friends = new Set<number>();
    for (const event of this.latest.values()) {
      if (event.type !== 'FriendAdded') continue;
      if (event.data.userId === id) friends.add(event.data.friendId);
      if (event.data.friendId === id) friends.add(event.data.userId);
    }
    return friends;
  }

  profile(id: number): GraphUser {
    const event = this.latest.get(userStreamId(id));
    const named = event && (event.type === 'UserCreated' || event.type === 'UserUpdated') ? event : undefined;
    return {
      id,
      version: event?.streamVersion ?? 0,
      createdAt: this.created.get(id) ?? null,
      lastModified: named ? new Date(named.occurredAt).toISOString() : null,
    };
  }

  snapshot(): GraphSnapshot {
    const users = [...this.known].sort((x, y) => x - y).map((id) => this.profile(id));
    const friendships: [number, number][] = [];
    const streams: [string, number][] = [];
    for (const [streamId, event] of this.latest) {
      streams.push([streamId, event.streamVersion]);
      if (event.type === 'FriendAdded') {
        const { userId, friendId } = event.data;
        friendships.push([Math.min(userId, friendId), Math.max(userId, friendId)]);
      }
    }
    friendships.sort(([a1, b1], [a2, b2]) => a1 - a2 || b1 - b2);
    streams.sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0));
    return { users, friendships, streams };
  }

  recommend(id: number): [number, number][] {
    const friends = this.friendsOf(id);
    const weights = new Map<number, number>();
    for (const friend of friends) {
      for (const other of this.friendsOf(friend)) if (other !== id && !friends.has(other)) weights.set(other, (weights.get(other) ?? 0) + 1);
    }
    return [...weights].sort(([x, wx], [y, wy]) => wy - wx || x - y);
  }
}

async function deliver(graph: MemoryGraph, events: readonly GraphEvent[], random: () => number): Promise<void> {
  const duplicated = [...events, ...events.filter(() => random() < 0.3)];
  const delivery = shuffled(duplicated, random);
  for (let i = 0; i < delivery.length; ) {
    const size = 1 + Math.floor(random() * 200);
    await graph.apply(delivery.slice(i, i + size));
    i += size;
  }
}

describe('MemoryGraph agrees with a plain model of the semantics', () => {
  test('on a shuffled, duplicated history in random batches: snapshot, stats and every query', async () => {
    const events = history(1);
    const reference = new ReferenceGraph();
    reference.apply(events);
    const graph = new MemoryGraph();
    await deliver(graph, events, seededRandom(2));

    const expected = reference.snapshot();
    expect(JSON.stringify(await graph.snapshot())).toBe(JSON.stringify(expected));
    expect(await graph.stats()).toEqual({ users: expected.users.length, friendships: expected.friendships.length });
    // The history must have reached the corners it was built for.
    const versions = expected.streams.filter(([id]) => id.startsWith('friendship-')).map(([, v]) => v);
    expect(versions.some((v) => v > 2 ** 32)).toBe(true);
    expect(expected.friendships.filter(([a]) => a === 1).length).toBeGreaterThan(256);
    const linkedVersions = new Map(expected.streams);
    expect(expected.friendships.some(([a, b]) => linkedVersions.get(friendshipStreamId(a, b))! > 254)).toBe(true);
    expect(versions.length).toBeGreaterThan(expected.friendships.length); // removed pairs too

    const random = seededRandom(3);
    for (const { id } of expected.users) {
      const ranked = reference.recommend(id);
      for (const limit of [1, 7, 100, 10_000]) {
        const got = (await graph.recommendFriends(id, limit)).map((r) => [r.user.id, r.weight]);
        expect(got).toEqual(ranked.slice(0, limit));
      }
      const [first] = await graph.recommendFriends(id, 1);
      if (first) expect(first.user).toEqual(reference.profile(first.user.id));
      const other = expected.users[Math.floor(random() * expected.users.length)]!.id;
      const friends = reference.friendsOf(other);
      const mutual = other === id ? [] : [...reference.friendsOf(id)].filter((f) => friends.has(f)).sort((x, y) => x - y);
      for (const limit of [1, 5, 1000]) expect((await graph.mutualFriends(id, other, limit)).map((u) => u.id)).toEqual(mutual.slice(0, limit));
    }
  });

  test('a live graph that keeps receiving changes ends where a rebuild from the log ends', async () => {
    const events = history(4);
    // Another history of the same streams, every version above the first one's (one UserCreated each).
    const later = history(5)
      .filter((event) => event.type !== 'UserCreated')
      .map((event) => ({ ...event, streamVersion: event.streamVersion + 2 ** 45 }));
    const live = new MemoryGraph();
    await deliver(live, events, seededRandom(6));
    await deliver(live, later, seededRandom(7));
    const reference = new ReferenceGraph();
    reference.apply([...events, ...later]);
    expect(JSON.stringify(await live.snapshot())).toBe(JSON.stringify(reference.snapshot()));

    const rebuilt = new MemoryGraph();
    await deliver(rebuilt, events, seededRandom(8));
    await rebuilt.clear();
    await deliver(rebuilt, [...later, ...events], seededRandom(9));
    expect(await rebuilt.snapshot()).toEqual(await live.snapshot());
  });
});
