import { describe, expect, test } from 'bun:test';
import { Metrics } from '../metrics/metrics';
import { ConsistencyError, ConsistencyGate } from './consistency-gate';
import { encodeToken } from './token';

/** A read model whose versions the test sets; counts look-ups to show there is no polling per waiter. */
function gateOver(options: { waitMs?: number; maxWaiters?: number; recheckMs?: number } = {}) {
  const versions = new Map<string, number>();
  let lookups = 0;
  const metrics = new Metrics({ service: 'test' });
  const gate = new ConsistencyGate({
    waitMs: options.waitMs ?? 1_000,
    maxWaiters: options.maxWaiters ?? 100,
    ...(options.recheckMs ? { recheckMs: options.recheckMs } : {}),
    covers: (s) => s.startsWith('user-'),
    versionsOf: async (streams) => {
      lookups++;
      return streams.map((s) => versions.get(s) ?? 0);
    },
    metrics,
  });
  return { gate, versions, metrics, lookups: () => lookups };
}
const token = (stream: string, version: number) => encodeToken([[stream, version]]);
const outcome = (p: Promise<void>) => p.then(() => 'ok', (e) => (e instanceof ConsistencyError ? `${e.status} ${e.headers['retry-after']}` : String(e)));

describe('ConsistencyGate', () => {
  test('no header, a reached version, or a stream the read model does not cover: answered at once', async () => {
    const { gate, versions, metrics } = gateOver();
    versions.set('user-1', 2);
    await gate.ensure(null);
    await gate.ensure(token('user-1', 2));
    await gate.ensure(token('friendship-1-2', 9));
    expect(await metrics.text()).toContain('consistency_waits_total{outcome="immediate",service="test"} 2');
  });

  test('waiters sleep until notify, and one look-up serves them all', async () => {
    const { gate, versions, lookups } = gateOver();
    const waiting = Array.from({ length: 50 }, (_, i) => outcome(gate.ensure(token('user-1', 1 + (i % 2)))));
    await Bun.sleep(20);
    expect(gate.waiting).toBe(50);
    const before = lookups();
    await Bun.sleep(100);
    expect(lookups()).toBe(before); // nothing happens while nothing is applied
    versions.set('user-1', 1);
    gate.notify();
    await Bun.sleep(5);
    expect(gate.waiting).toBe(25);
    versions.set('user-1', 2);
    gate.notify();
    expect(new Set(await Promise.all(waiting))).toEqual(new Set(['ok']));
    expect(lookups() - before).toBeLessThanOrEqual(4);
  });

  test('not caught up in time: 503 with Retry-After, after the wait', async () => {
    const { gate, metrics } = gateOver({ waitMs: 100 });
    const started = performance.now();
    expect(await outcome(gate.ensure(token('user-1', 1)))).toBe('503 1');
    expect(performance.now() - started).toBeGreaterThanOrEqual(95);
    expect(await metrics.text()).toContain('consistency_waits_total{outcome="timeout",service="test"} 1');
  });

  test('past the bound on waiting reads: 503 at once', async () => {
    const { gate, versions } = gateOver({ maxWaiters: 2 });
    const first = [gate.ensure(token('user-1', 1)), gate.ensure(token('user-1', 1))];
    await Bun.sleep(5);
    expect(await outcome(gate.ensure(token('user-1', 1)))).toBe('503 1');
    versions.set('user-1', 1);
    gate.notify();
    await Promise.all(first);
  });

  test('a read model written by others is re-checked on a timer, without a local notify', async () => {
    const { gate, versions } = gateOver({ recheckMs: 10 });
    const waiting = gate.ensure(token('user-1', 3));
    setTimeout(() => versions.set('user-1', 3), 30);
    const started = performance.now();
    await waiting;
    expect(performance.now() - started).toBeLessThan(200);
  });

  test('a malformed token is refused before any wait', async () => {
    const { gate } = gateOver();
    await expect(gate.ensure('garbage!')).rejects.toThrow('Consistency-Token');
  });
});
