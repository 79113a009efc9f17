import { describe, expect, test } from 'bun:test';
import { expectedDegrees, hubs, syntheticGraph } from './synthetic-graph';

describe('syntheticGraph', () => {
  const g = syntheticGraph({ users: 2000, avgDegree: 20, seed: 5 });
  const pairs = Array.from({ length: g.pairs.length / 2 }, (_, i) => [g.pairs[2 * i]!, g.pairs[2 * i + 1]!] as const);

  test('has the asked average degree, no self-friendship, no duplicate pair', () => {
    expect(pairs.length).toBe((2000 * 20) / 2);
    expect(pairs.every(([a, b]) => a < b && a >= 1 && b <= 2000)).toBe(true);
    expect(new Set(pairs.map(([a, b]) => `${a}-${b}`)).size).toBe(pairs.length);
  });
  test('degrees match the pairs', () => {
    const counted = new Int32Array(2001);
    for (const [a, b] of pairs) counted[a]!++, counted[b]!++;
    expect([...counted]).toEqual([...g.degrees]);
  });
  test('is heavy-tailed: a few hubs far above the median', () => {
    const sorted = [...g.degrees.slice(1)].sort((a, b) => a - b);
    expect(sorted.at(-1)!).toBeGreaterThan(5 * sorted[1000]!);
  });
  test('is the same for the same seed', () => {
    expect(syntheticGraph({ users: 2000, avgDegree: 20, seed: 5 }).pairs).toEqual(g.pairs);
    expect(syntheticGraph({ users: 2000, avgDegree: 20, seed: 6 }).pairs).not.toEqual(g.pairs);
  });
  test('a tiny dense graph is filled as far as pairs exist', () => {
    expect(syntheticGraph({ users: 3, avgDegree: 10 }).pairs.length).toBe(6);
  });
});

describe('expectedDegrees', () => {
  test('sum to users x avgDegree and stay under the structural cutoff', () => {
    const w = expectedDegrees({ users: 10_000, avgDegree: 50 });
    expect(w.reduce((a, b) => a + b, 0)).toBeCloseTo(500_000, -1);
    expect(Math.max(...w)).toBeLessThanOrEqual(Math.sqrt(500_000) + 1e-6);
  });
});

describe('hubs', () => {
  test('highest degree first, ties by id', () => {
    expect(hubs(Int32Array.from([0, 3, 9, 9, 1]), 3)).toEqual([2, 3, 1]);
  });
});
