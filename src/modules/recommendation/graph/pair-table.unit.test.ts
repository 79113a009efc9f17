import { expect, test } from 'bun:test';
import { seededRandom } from '../../../../test/kits/recommendation/events';
import { PairTable } from './pair-table';

const key = (a: number, b: number) => `${Math.min(a, b)}-${Math.max(a, b)}`;

test('behaves like a Map of unordered pairs through growth and many deletions', () => {
  const random = seededRandom(11);
  const table = new PairTable();
  const reference = new Map<string, number>();
  let largest = 0;
  // Few distinct slots, so that probe runs collide, wrap around and get shifted back on delete;
  // more pairs set than deleted at first, so that the table grows, then as many of each.
  for (let step = 0; step < 60_000; step++) {
    const a = Math.floor(random() * 150);
    const b = Math.floor(random() * 150);
    const roll = random();
    if (roll < (step < 30_000 ? 0.6 : 0.5)) {
      const value = Math.floor(random() * 2 ** 40); // versions need not fit in 32 bits
      table.set(a, b, value);
      reference.set(key(a, b), value);
    } else if (roll < 0.8) {
      table.delete(b, a);
      reference.delete(key(a, b));
    }
    expect(table.get(b, a)).toBe(reference.get(key(a, b)) ?? 0);
    expect(table.size).toBe(reference.size);
    largest = Math.max(largest, table.size);
  }
  expect(largest).toBeGreaterThan(4096); // past the first table's cells, so it was rehashed
  const seen = new Map<string, number>();
  table.forEach((low, high, value) => {
    expect(low).toBeLessThanOrEqual(high);
    seen.set(key(low, high), value);
  });
  expect(seen).toEqual(reference);
});

test('a pair of large slots is told apart from its mirror and neighbours', () => {
  const table = new PairTable();
  table.set(2 ** 24 - 1, 5, 7);
  table.set(5, 2 ** 24 - 2, 8);
  expect(table.get(5, 2 ** 24 - 1)).toBe(7);
  expect(table.get(2 ** 24 - 2, 5)).toBe(8);
  expect(table.get(4, 2 ** 24 - 1)).toBe(0);
});
