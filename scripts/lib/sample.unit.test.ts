import { describe, expect, test } from 'bun:test';
import type { ApiResult } from './api';
import { Graph, pollUntil } from './sample';

describe('Graph', () => {
  // 1-2, 1-3, 2-3, 2-4, 3-4, 4-5
  const graph = new Graph();
  for (const [a, b] of [[1, 2], [1, 3], [2, 3], [2, 4], [3, 4], [4, 5]] as const) graph.add(a, b);

  test('is symmetric and finds the busiest user (lowest id on ties)', () => {
    expect([...graph.neighbours(4)].sort()).toEqual([2, 3, 5]);
    expect(graph.busiest()).toBe(2);
    expect(new Graph().busiest()).toBeUndefined();
  });

  test('mutual friends and recommendations weighted by mutual friends', () => {
    expect(graph.mutual(1, 2)).toEqual([3]);
    expect(graph.mutual(2, 3).sort()).toEqual([1, 4]);
    expect([...graph.recommendations(1)]).toEqual([[4, 2]]);
    expect([...graph.recommendations(5)].sort()).toEqual([[2, 1], [3, 1]]);
  });
});

describe('pollUntil', () => {
  const ok = <T>(body: T): ApiResult<T> => ({ kind: 'ok', status: 200, body, latencyMs: 1 });

  test('retries until the read model catches up', async () => {
    let calls = 0;
    const { result, caughtUp } = await pollUntil(async () => ok(++calls), (n) => n >= 3, performance.now() + 1000, 1);
    expect(caughtUp).toBe(true);
    expect(calls).toBe(3);
    expect(result).toMatchObject({ body: 3 });
  });

  test('gives up at the deadline with the last answer', async () => {
    const started = performance.now();
    const { caughtUp } = await pollUntil(async () => ok(0), () => false, started + 50, 10);
    expect(caughtUp).toBe(false);
    expect(performance.now() - started).toBeLessThan(500);
  });

  test('does not retry a failed request', async () => {
    let calls = 0;
    const { result } = await pollUntil(async () => (calls++, { kind: 'http', status: 500, problem: undefined, latencyMs: 1 }), () => true, performance.now() + 1000);
    expect(calls).toBe(1);
    expect(result.kind).toBe('http');
  });
});
