import { expect, test } from 'bun:test';
import { eventFactory, seededRandom } from '../../../../test/kits/recommendation/events';
import type { GraphEvent } from './graph-events';
import { MemoryGraph } from './memory-graph';

/** Every kind of state an image must carry: names (also unknown and non-ASCII), removals, versions past a byte. */
function history(): GraphEvent[] {
  const e = eventFactory();
  const random = seededRandom(7);
  const events: GraphEvent[] = [e.userCreated(1, 'Zoë', 'Ñúñez 🙂'), e.userCreated(2), e.userUpdated(2, 'Ada', 'Lovelace')];
  for (let i = 0; i < 400; i++) {
    const a = 1 + Math.floor(random() * 60);
    const b = 1 + Math.floor(random() * 60);
    if (a !== b) events.push(random() < 0.25 ? e.friendRemoved(a, b) : e.friendAdded(a, b));
  }
  // One pair flipped 300 times: its version no longer fits the adjacency's tag byte.
  for (let i = 0; i < 300; i++) events.push(i % 2 ? e.friendRemoved(3, 4) : e.friendAdded(3, 4));
  events.push(e.friendAdded(1_000_000, 5)); // an id beyond the dense range, known only from a friendship
  return events as GraphEvent[];
}

test('a graph loaded from its image is the same graph, and goes on applying events the same way', async () => {
  const original = new MemoryGraph();
  await original.apply(history());
  const loaded = MemoryGraph.fromImage(original.image());
  expect(await loaded.snapshot()).toEqual(await original.snapshot());
  expect(await loaded.stats()).toEqual(await original.stats());

  const e = eventFactory(Date.parse('2026-01-01T00:00:00.000Z'));
  const later = [e.friendAdded(1, 2), e.userUpdated(1, 'Later', 'Name'), e.friendAdded(40, 41)] as GraphEvent[];
  await original.apply(later);
  await loaded.apply(later);
  expect(await loaded.snapshot()).toEqual(await original.snapshot());
  expect(await loaded.recommendFriends(5, 10)).toEqual(await original.recommendFriends(5, 10));
});

test('an erased user stays erased through an image: nobody can befriend them again', async () => {
  const e = eventFactory();
  const original = new MemoryGraph();
  await original.apply([e.userCreated(1), e.userCreated(2), e.userCreated(3), e.friendAdded(1, 2), e.userErased(1)] as GraphEvent[]);
  const loaded = MemoryGraph.fromImage(original.image());
  const late = [e.friendAdded(1, 3), e.userUpdated(1, 'Back', 'Again')] as GraphEvent[];
  await original.apply(late);
  await loaded.apply(late);
  expect(await loaded.snapshot()).toEqual(await original.snapshot());
  expect(await loaded.mutualFriends(2, 3, 10)).toEqual([]);
  expect((await loaded.snapshot()).friendships).toEqual([]);
});

test('an image naming a friendship of users it does not hold is refused', () => {
  const graph = new MemoryGraph();
  const image = graph.image();
  image.streams = { a: Int32Array.of(1), b: Int32Array.of(2), versions: Int32Array.of(1), linked: Uint8Array.of(1) };
  expect(() => MemoryGraph.fromImage(image)).toThrow(RangeError);
});
