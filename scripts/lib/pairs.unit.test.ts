import { describe, expect, test } from 'bun:test';
import { decodePair, pairCapacity, PairPicker } from './pairs';
import { mulberry32 } from './random';

const all = (picker: PairPicker) => [...picker];
const key = ([a, b]: [number, number]) => `${Math.min(a, b)}-${Math.max(a, b)}`;

function expectValid(pairs: [number, number][], n: number) {
  for (const [a, b] of pairs) {
    expect(a).not.toBe(b);
    expect(Number.isInteger(a) && a >= 0 && a < n).toBe(true);
    expect(Number.isInteger(b) && b >= 0 && b < n).toBe(true);
  }
  // No duplicates in either direction.
  expect(new Set(pairs.map(key)).size).toBe(pairs.length);
}

describe('PairPicker', () => {
  test.each([
    [30, 60], // sparse: skewed rejection sampling
    [100, 300], // the defaults
    [30, 300], // dense: more than half of the 435 pairs
    [10, 45], // every pair
    [5, 20], // more than exist
    [2, 5],
    [1, 5],
    [0, 5],
    [50, 0],
  ])('n=%i, wanted=%i: no self-pairs, no duplicates, exactly min(wanted, capacity)', (n, wanted) => {
    for (let seed = 1; seed <= 20; seed++) {
      const picker = new PairPicker(n, wanted, mulberry32(seed));
      const pairs = all(picker);
      expect(picker.total).toBe(Math.min(wanted, pairCapacity(n)));
      expect(pairs).toHaveLength(picker.total);
      expectValid(pairs, n);
      expect(picker.next()).toBeUndefined();
    }
  });

  test('asking for every pair yields each of them once', () => {
    const pairs = all(new PairPicker(12, 1000, mulberry32(3)));
    expect(new Set(pairs.map(key)).size).toBe(pairCapacity(12));
  });

  test('the same seed yields the same pairs in the same order', () => {
    expect(all(new PairPicker(40, 100, mulberry32(9)))).toEqual(all(new PairPicker(40, 100, mulberry32(9))));
    expect(all(new PairPicker(40, 700, mulberry32(9)))).toEqual(all(new PairPicker(40, 700, mulberry32(9))));
    expect(all(new PairPicker(40, 100, mulberry32(9)))).not.toEqual(all(new PairPicker(40, 100, mulberry32(10))));
  });

  test('the sparse regime has popular users (hubs), unlike a uniform pick', () => {
    const degree = new Array(200).fill(0);
    for (const [a, b] of new PairPicker(200, 600, mulberry32(1))) degree[a]++, degree[b]++;
    // Uniform picking would give a max degree around 12 for an average of 6.
    expect(Math.max(...degree)).toBeGreaterThan(25);
  });

  test('both directions are used', () => {
    const pairs = all(new PairPicker(50, 200, mulberry32(2)));
    expect(pairs.some(([a, b]) => a < b)).toBe(true);
    expect(pairs.some(([a, b]) => a > b)).toBe(true);
  });

  test('stays fast and small with a huge user count', () => {
    const pairs = all(new PairPicker(1_000_000, 10_000, mulberry32(4)));
    expectValid(pairs, 1_000_000);
    expect(pairs).toHaveLength(10_000);
  });
});

describe('decodePair', () => {
  test('enumerates all i<j pairs in order, for small and large n', () => {
    for (const n of [2, 3, 7, 20]) {
      const expected: [number, number][] = [];
      for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) expected.push([i, j]);
      expect(expected.map((_, p) => decodePair(p, n))).toEqual(expected);
    }
    const n = 1_000_000;
    expect(decodePair(0, n)).toEqual([0, 1]);
    expect(decodePair(pairCapacity(n) - 1, n)).toEqual([n - 2, n - 1]);
    expect(decodePair(n - 1, n)).toEqual([1, 2]); // first pair of row 1
  });
});
