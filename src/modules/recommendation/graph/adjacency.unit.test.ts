import { expect, test } from 'bun:test';
import { seededRandom } from '../../../../test/kits/recommendation/events';
import { Adjacency, META_STRIDE, SLOT_MASK, START } from './adjacency';

/** The slots and tags of a list, as the ranking reads them from the arena. */
function listOf(adjacency: Adjacency, slot: number): Map<number, number> {
  const start = adjacency.meta[slot * META_STRIDE + START]!;
  const list = new Map<number, number>();
  for (let at = start; at < start + adjacency.degree(slot); at++) {
    list.set(adjacency.entries[at]! & SLOT_MASK, adjacency.tagAt(at));
  }
  return list;
}

test('links, unlinks and retags like a map of maps, through block moves and compactions', () => {
  const random = seededRandom(21);
  const adjacency = new Adjacency();
  const slots = 600;
  for (let slot = 0; slot < slots; slot++) expect(adjacency.addSlot()).toBe(slot);
  const reference = Array.from({ length: slots }, () => new Map<number, number>());
  let friendships = 0;
  // Slot 0 is a hub (a list of hundreds), the others are picked unevenly, so lists
  // of every size class grow and shrink and free blocks pile up until the arena is compacted.
  const pick = () => (random() < 0.3 ? 0 : Math.floor(random() ** 2 * slots));
  for (let step = 0; step < 40_000; step++) {
    const a = pick();
    const b = pick();
    if (a === b) continue;
    const tag = reference[a]!.get(b);
    const at = adjacency.find(a, b);
    expect(at < 0 ? -1 : adjacency.tagAt(at)).toBe(tag ?? -1);
    const newTag = Math.floor(random() * 256); // tags of 128 and above make negative entries
    const roll = random();
    if (tag === undefined) {
      adjacency.link(a, b, newTag);
      friendships++;
    } else if (roll < 0.3) {
      adjacency.retag(a, b, at, newTag);
    } else if (roll < 0.6) {
      continue;
    } else {
      adjacency.unlink(b, a, adjacency.find(b, a));
      friendships--;
      reference[a]!.delete(b);
      reference[b]!.delete(a);
      continue;
    }
    reference[a]!.set(b, newTag);
    reference[b]!.set(a, newTag);
  }
  expect(reference[0]!.size).toBeGreaterThan(256);
  expect(adjacency.friendships).toBe(friendships);
  for (let slot = 0; slot < slots; slot++) {
    expect(adjacency.degree(slot)).toBe(reference[slot]!.size);
    expect(listOf(adjacency, slot)).toEqual(reference[slot]!);
  }
  const visited: [number, number, number][] = [];
  adjacency.forEachLink((a, b, tag) => visited.push([a, b, tag]));
  expect(visited).toHaveLength(friendships);
  for (const [a, b, tag] of visited) expect(reference[a]!.get(b)).toBe(tag);
});

test('the arena stays close to what the lists need, free blocks are reused or squeezed out', () => {
  const random = seededRandom(4);
  const adjacency = new Adjacency();
  const slots = 2000;
  for (let slot = 0; slot < slots; slot++) adjacency.addSlot();
  const linked = new Set<number>();
  for (let step = 0; step < 60_000; step++) {
    const a = Math.floor(random() * slots);
    const b = Math.floor(random() * slots);
    if (a === b || linked.has(a * slots + b)) continue;
    adjacency.link(a, b, 1);
    linked.add(a * slots + b).add(b * slots + a);
  }
  // Every list grew through many size classes, leaving a trail of freed blocks behind.
  let needed = 0;
  for (let slot = 0; slot < slots; slot++) needed += adjacency.degree(slot);
  expect(adjacency.entries.length).toBeLessThan(needed * 1.4);
});
