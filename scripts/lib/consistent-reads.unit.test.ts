import { expect, test } from 'bun:test';
import { ConsistentReads } from './consistent-reads';

test('counts immediate, waited and timed-out reads, with wait percentiles', () => {
  const reads = new ConsistentReads();
  reads.record({ kind: 'ok', status: 200, body: [], latencyMs: 1 });
  for (const waitedMs of [2, 4, 40]) reads.record({ kind: 'ok', status: 200, body: [], latencyMs: 5, waitedMs });
  reads.record({ kind: 'http', status: 503, problem: undefined, latencyMs: 3000 });
  reads.record({ kind: 'network', error: 'refused', latencyMs: 1 });
  expect(reads.lines()[1]).toBe('  sent 6: 1 answered at once, 3 waited, 1 not caught up in time (503)');
  expect(reads.lines()[2]).toBe('  wait p50 4.0 ms, p99 40.0 ms, max 40.0 ms');
  expect(reads.failures).toBe(1);
});
