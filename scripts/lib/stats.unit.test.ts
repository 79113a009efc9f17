import { describe, expect, test } from 'bun:test';
import { formatPhase, formatRejected, PhaseStats } from './stats';

describe('PhaseStats', () => {
  test('counts outcomes, rates and latency over answered requests', () => {
    let clock = 0;
    const stats = new PhaseStats('friendships', () => clock);
    for (let i = 1; i <= 8; i++) stats.record({ kind: 'created', latencyMs: i });
    stats.record({ kind: 'rejected', status: 409, detail: 'already friends', latencyMs: 9 });
    stats.record({ kind: 'rejected', status: 500, detail: 'boom', latencyMs: 10 });
    stats.record({ kind: 'rejected', status: 500, detail: 'second', latencyMs: 10 });
    stats.record({ kind: 'network', error: 'ECONNRESET' });
    stats.record({ kind: 'network', error: 'later' });
    clock = 2000;
    stats.finish();
    clock = 9999; // finish() froze the clock

    expect(stats.attempted).toBe(13);
    expect(stats.created).toBe(8);
    expect(stats.networkErrors).toBe(2);
    expect(formatRejected(stats.rejected)).toBe('409: 1, 500: 2');
    expect(stats.firstDetail.get(500)).toBe('boom');
    expect(stats.serverOrNetworkFailures).toBe(4); // two 500s and two network errors; 409 is not a failure
    expect(stats.requestsPerSecond).toBe(6.5);
    expect(stats.latency(50)).toBe(6); // 11 answered requests: rank 6
    expect(stats.latency(99)).toBe(10);

    const lines = formatPhase('Phase 2: friendships', stats);
    expect(lines).toContain('Phase 2: friendships (2.00 s)');
    expect(lines).toContain('  rejected        409: 1, 500: 2');
    expect(lines).toContain('  requests/s      6.5');
    expect(lines).toContain('  first network   ECONNRESET');
    expect(lines).toContain('  latency         p50 6.0 ms, p99 10.0 ms');
    expect(lines).toContain('  first 500       boom');
    expect(lines.join('\n')).not.toContain('first 409');
  });

  test('an empty phase formats without NaN', () => {
    const stats = new PhaseStats('users', () => 0);
    stats.finish();
    const text = formatPhase('Phase 1: users', stats).join('\n');
    expect(text).toContain('rejected        none');
    expect(text).toContain('latency         p50 n/a, p99 n/a');
    expect(text).not.toContain('NaN');
  });
});
