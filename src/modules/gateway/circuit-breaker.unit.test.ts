import { describe, expect, test } from 'bun:test';
import { CircuitBreaker, outcomeOf, type BreakerPolicy, type CircuitState, type Outcome } from './circuit-breaker';

function clocked(policy: Partial<BreakerPolicy> = {}) {
  let now = 0;
  const changes: CircuitState[] = [];
  const breaker = new CircuitBreaker({ failures: 3, failureRatio: 0.5, minRequests: 10, windowMs: 10_000, openMs: 1_000, ...policy }, () => now, (state) => changes.push(state));
  /** One request: admitted or not, and if so its outcome reported. */
  const request = (outcome: Outcome) => {
    const admission = breaker.admit();
    if (typeof admission === 'number') return admission;
    breaker.record(admission, outcome);
    return admission;
  };
  const repeat = (times: number, outcome: Outcome) => {
    for (let i = 0; i < times; i++) request(outcome);
  };
  return { breaker, changes, request, repeat, advance: (ms: number) => void (now += ms) };
}

describe('circuit breaker: instance failures in a row', () => {
  // Each case: the `failures` setting and outcomes that leave it closed; one more failure then opens it.
  test.each<[string, number, Outcome[]]>([
    ['open it after `failures` in a row; any answer in between, even a 5xx, starts the count again', 3, ['failure', 'failure', 'success', 'failure', 'failure', 'error-answer', 'failure', 'failure']],
    ['neutral outcomes (no instance, client gone) neither count nor reset', 2, ['failure', 'neutral']],
  ])('%s', (_name, failures, stillClosed) => {
    const { breaker, request } = clocked({ failures, failureRatio: 0 });
    for (const outcome of stillClosed) request(outcome);
    expect(breaker.state).toBe('closed');
    request('failure');
    expect(breaker.state).toBe('open');
  });
});

describe('circuit breaker: failure ratio over a sliding window', () => {
  test('5xx answers in a row never open it below the minimum number of requests', () => {
    const { breaker, repeat } = clocked({ minRequests: 10 });
    repeat(9, 'error-answer');
    expect(breaker.state).toBe('closed');
    repeat(1, 'error-answer');
    expect(breaker.state).toBe('open');
  });

  test('a few 5xx among many successes (a damaged record read again and again) do not open it', () => {
    const { breaker, repeat } = clocked({ minRequests: 10, failureRatio: 0.5 });
    repeat(20, 'success');
    for (let i = 0; i < 100; i++) {
      repeat(10, 'error-answer');
      repeat(20, 'success');
    }
    expect(breaker.state).toBe('closed');
  });

  test('a mostly failing instance opens it', () => {
    const { breaker, repeat } = clocked({ minRequests: 10, failureRatio: 0.5 });
    repeat(30, 'success');
    for (let i = 0; i < 20 && breaker.state === 'closed'; i++) {
      repeat(1, 'success');
      repeat(3, 'error-answer');
    }
    expect(breaker.state).toBe('open');
  });

  test('requests older than the window no longer count', () => {
    const { breaker, repeat, advance } = clocked({ minRequests: 10, failureRatio: 0.5, windowMs: 1_000 });
    repeat(9, 'error-answer');
    advance(1_000);
    repeat(1, 'error-answer');
    expect(breaker.state).toBe('closed');
    repeat(8, 'error-answer');
    expect(breaker.state).toBe('closed');
    repeat(1, 'error-answer');
    expect(breaker.state).toBe('open');
  });
});

describe('circuit breaker: open and half-open', () => {
  test('while open, refuses with the time left; then lets exactly one trial through', () => {
    const { breaker, request, advance } = clocked({ failures: 1 });
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

  test('a failed trial (no answer or a 5xx) opens the circuit for another full period', () => {
    for (const outcome of ['failure', 'error-answer'] as const) {
      const { breaker, request, advance } = clocked({ failures: 1 });
      request('failure');
      advance(1_000);
      expect(request(outcome)).toBe('trial');
      expect(breaker.state).toBe('open');
      advance(999);
      expect(breaker.admit()).toBe(1);
    }
  });

  test('a trial that says nothing (client gone) lets the next request be the trial', () => {
    const { breaker, request, advance } = clocked({ failures: 1 });
    request('failure');
    advance(1_000);
    expect(request('neutral')).toBe('trial');
    expect(breaker.state).toBe('half-open');
    expect(breaker.admit()).toBe('trial');
  });

  test('a closed circuit starts afresh: failures before it opened are not held against it', () => {
    const { breaker, request, repeat, advance } = clocked({ failures: 0, minRequests: 10, failureRatio: 0.5 });
    repeat(10, 'error-answer');
    advance(1_000);
    request('success');
    expect(breaker.state).toBe('closed');
    repeat(9, 'error-answer');
    expect(breaker.state).toBe('closed');
  });

  test('late answers to requests let through before the circuit opened decide nothing', () => {
    const { breaker, advance } = clocked({ failures: 2 });
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
    const { changes, request, advance } = clocked({ failures: 1 });
    request('failure');
    advance(1_000);
    request('success');
    expect(changes).toEqual(['open', 'half-open', 'closed']);
  });
});

test('outcomeOf: 5xx are error answers (a 503 of a service whose database is down too), 4xx and 501 are not', () => {
  expect([500, 502, 503, 504].map(outcomeOf)).toEqual(['error-answer', 'error-answer', 'error-answer', 'error-answer']);
  expect([200, 201, 204, 400, 404, 409, 412, 429, 501].map(outcomeOf).every((o) => o === 'success')).toBe(true);
});
