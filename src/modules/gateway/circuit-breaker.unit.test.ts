import { describe, expect, test } from 'bun:test';
import { CircuitBreaker, outcomeOf, type CircuitState, type Outcome } from './circuit-breaker';

function clocked(threshold = 3, openMs = 1_000) {
  let now = 0;
  const changes: CircuitState[] = [];
  const breaker = new CircuitBreaker(threshold, openMs, () => now, (state) => changes.push(state));
  /** One request: admitted or not, and if so its outcome reported. */
  const request = (outcome: Outcome) => {
    const admission = breaker.admit();
    if (typeof admission === 'number') return admission;
    breaker.record(admission, outcome);
    return admission;
  };
  return { breaker, changes, request, advance: (ms: number) => void (now += ms) };
}

describe('circuit breaker', () => {
  test('opens after `threshold` consecutive failures; a success in between starts the count again', () => {
    const { breaker, request } = clocked(3);
    request('failure');
    request('failure');
    request('success');
    request('failure');
    request('failure');
    expect(breaker.state).toBe('closed');
    request('failure');
    expect(breaker.state).toBe('open');
  });

  test('neutral outcomes (no instance, client gone) neither count nor reset', () => {
    const { breaker, request } = clocked(2);
    request('failure');
    request('neutral');
    expect(breaker.state).toBe('closed');
    request('failure');
    expect(breaker.state).toBe('open');
  });

  test('while open, refuses with the time left; then lets exactly one trial through', () => {
    const { breaker, request, advance } = clocked(1, 1_000);
    request('failure');
    advance(300);
    expect(breaker.admit()).toBe(700);
    advance(700);
    expect(breaker.state).toBe('half-open');
    const trial = breaker.admit();
    expect(trial).toBe('trial');
    // Others wait while the trial is under way.
    expect(typeof breaker.admit()).toBe('number');
    breaker.record('trial', 'success');
    expect(breaker.state).toBe('closed');
    expect(breaker.admit()).toBe('pass');
  });

  test('a failed trial opens the circuit for another full period', () => {
    const { breaker, request, advance } = clocked(1, 1_000);
    request('failure');
    advance(1_000);
    expect(request('failure')).toBe('trial');
    expect(breaker.state).toBe('open');
    advance(999);
    expect(breaker.admit()).toBe(1);
  });

  test('a trial that says nothing (client gone) lets the next request be the trial', () => {
    const { breaker, request, advance } = clocked(1, 1_000);
    request('failure');
    advance(1_000);
    expect(request('neutral')).toBe('trial');
    expect(breaker.state).toBe('half-open');
    expect(breaker.admit()).toBe('trial');
  });

  test('late answers to requests let through before the circuit opened decide nothing', () => {
    const { breaker, advance } = clocked(2, 1_000);
    const early = [breaker.admit(), breaker.admit(), breaker.admit()] as const;
    breaker.record('pass', 'failure');
    breaker.record('pass', 'failure');
    expect(breaker.state).toBe('open');
    breaker.record(early[2] as 'pass', 'success'); // a slow success arriving now does not close it
    expect(breaker.state).toBe('open');
    advance(1_000);
    expect(breaker.admit()).toBe('trial');
    breaker.record('pass', 'success'); // nor does one during the trial
    expect(breaker.state).toBe('half-open');
  });

  test('reports its transitions', () => {
    const { changes, request, advance } = clocked(1, 100);
    request('failure');
    advance(100);
    request('success');
    expect(changes).toEqual(['open', 'half-open', 'closed']);
  });
});

test('outcomeOf: 5xx are failures (a 503 of a service whose database is down too), 4xx and 501 are not', () => {
  expect([500, 502, 503, 504].map(outcomeOf)).toEqual(['failure', 'failure', 'failure', 'failure']);
  expect([200, 201, 204, 400, 404, 409, 412, 429, 501].map(outcomeOf).every((o) => o === 'success')).toBe(true);
});
