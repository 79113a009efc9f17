import { expect, test } from 'bun:test';
import { keepsByRatio } from './spans';
import { continueTrace } from './traceparent';

test('keepsByRatio keeps about that share of traces, always the same ones', () => {
  const ids = Array.from({ length: 20_000 }, () => continueTrace(undefined).traceId);
  const kept = ids.filter(keepsByRatio(0.25));
  expect(kept.length / ids.length).toBeGreaterThan(0.22);
  expect(kept.length / ids.length).toBeLessThan(0.28);
  expect(ids.filter(keepsByRatio(0.25))).toEqual(kept);
  expect(ids.every(keepsByRatio(1))).toBe(true);
  expect(ids.some(keepsByRatio(0))).toBe(false);
});
