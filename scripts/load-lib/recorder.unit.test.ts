import { describe, expect, test } from 'bun:test';
import { formatSummary, Recorder } from './recorder';

describe('Recorder', () => {
  test('counts statuses per operation and in total; network errors have no latency', () => {
    let now = 0;
    const r = new Recorder(() => now);
    r.record('signup', 201, 2);
    r.record('signup', 201, 4);
    r.record('addFriend', 409, 1);
    r.record('addFriend', 0, 10_000, 'ECONNREFUSED');
    r.record('addFriend', 503, 3);
    r.dropped = 2;
    now = 2000;
    const s = r.summary(undefined, { scenario: 'mixed', rate: 10, concurrency: 4 });
    expect(s.requests).toBe(5);
    expect(s.perSec).toBe(2.5);
    expect(s.ok).toBe(2);
    expect(s.failures).toBe(2);
    expect(s.statuses).toEqual({ '201': 2, '409': 1, network: 1, '503': 1 });
    expect(s.ops.signup!.latencyMs.max).toBe(4);
    expect(s.ops.addFriend!.latencyMs.count).toBe(2);
    expect(s.latencyMs.max).toBe(4);
    expect(r.firstError).toBe('ECONNREFUSED');
    const text = formatSummary(s);
    expect(text).toContain('rate 10/s, concurrency 4');
    expect(text).toMatch(/addFriend\s+3/);
    expect(text).toContain('dropped (no free slot) 2');
  });

  test('the progress line reports the last interval only', () => {
    let now = 0;
    const r = new Recorder(() => now);
    for (let i = 0; i < 10; i++) r.record('x', 200, 5);
    now = 1000;
    expect(r.progressLine(30_000, 3)).toMatch(/done 10 +10\/s +p50 5\.0ms .*in flight 3/);
    now = 2000;
    expect(r.progressLine(30_000, 0)).toMatch(/done 10 +0\/s +p50 -ms/);
  });
});
