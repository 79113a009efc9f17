/**
 * A circuit breaker, one per upstream instance (see instance-circuits.ts). After `threshold`
 * consecutive failed requests the circuit opens: for `openMs` no request is sent to an instance
 * that cannot answer them (piling up clients waiting for timeouts). Then one trial request is let
 * through (half-open); its outcome closes the circuit or opens it for another period.
 *
 * What a failure is, is the proxy's call (see `outcomeOf`); outcomes that say nothing about the
 * upstream (the client hung up, no instance to ask) are `neutral`.
 */
export type CircuitState = 'closed' | 'open' | 'half-open';
export type Outcome = 'success' | 'failure' | 'neutral';
/** A request let through: as usual, or as the one trial of a half-open circuit. */
export type Pass = 'pass' | 'trial';
/** A Pass, or the milliseconds until the circuit will let a request through again. */
export type Admission = Pass | number;

/** How long callers are told to wait while a trial request is under way. */
const TRIAL_WAIT_MS = 1_000;

export class CircuitBreaker {
  private current: CircuitState = 'closed';
  private failures = 0;
  private openUntil = 0;
  private trialInFlight = false;

  constructor(
    private readonly threshold: number,
    private readonly openMs: number,
    private readonly now: () => number = () => performance.now(),
    private readonly onChange?: (state: CircuitState) => void,
  ) {
    if (!(threshold >= 1) || !(openMs > 0)) throw new Error('a circuit breaker needs threshold >= 1 and openMs > 0');
  }

  admit(): Admission {
    if (this.current === 'closed') return 'pass';
    if (this.current === 'open') {
      const wait = this.openUntil - this.now();
      if (wait > 0) return wait;
      this.moveTo('half-open');
    }
    if (this.trialInFlight) return TRIAL_WAIT_MS;
    this.trialInFlight = true;
    return 'trial';
  }

  /** Reports how a request that `admit` let through went. Every admitted request must report, once. */
  record(pass: Pass, outcome: Outcome): void {
    if (pass === 'trial') {
      this.trialInFlight = false;
      if (outcome === 'success') this.close();
      else if (outcome === 'failure') this.open();
      return;
    }
    // Requests let through before the circuit opened decide nothing now: only the trial does.
    if (this.current !== 'closed' || outcome === 'neutral') return;
    if (outcome === 'success') this.failures = 0;
    else if (++this.failures >= this.threshold) this.open();
  }

  /** The state as of now: an open circuit whose period is over is half-open (its next request is the trial). */
  get state(): CircuitState {
    return this.current === 'open' && this.now() >= this.openUntil ? 'half-open' : this.current;
  }

  private open() {
    this.openUntil = this.now() + this.openMs;
    this.failures = 0;
    this.moveTo('open');
  }

  private close() {
    this.failures = 0;
    this.moveTo('closed');
  }

  private moveTo(state: CircuitState) {
    const changed = state !== this.current;
    this.current = state;
    if (changed) this.onChange?.(state);
  }
}

/** Failures: no answer at all, or a 5xx (a 503 from a service whose database is down included). 4xx are the client's doing. */
export function outcomeOf(status: number): Outcome {
  // 501 Not Implemented describes the request, not the service's health.
  return status >= 500 && status !== 501 ? 'failure' : 'success';
}
