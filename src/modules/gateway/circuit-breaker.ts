import { SlidingCounts } from './sliding-counts';

/**
 * A circuit breaker, one per upstream instance (see instance-circuits.ts). While open, no request
 * is sent to an instance that cannot answer them (clients would pile up waiting for timeouts);
 * after `openMs` one trial request is let through (half-open), and its outcome closes the circuit
 * or opens it for another period.
 *
 * Two things open it, because two kinds of failure say different things about the instance:
 * - `failures` instance failures in a row: refused or reset connections, and timeouts waiting for
 *   an upstream that had the whole request (the proxy reads bodies before it picks an instance, so
 *   a slow client never times an upstream out). No request can cause these; a dead instance
 *   produces nothing else, so a short run of them suffices, even with little traffic.
 * - a failure ratio over a sliding window: at least `failureRatio` of at least `minRequests`
 *   requests in the last `windowMs` failed, 5xx answers included. A 5xx can be one request's
 *   doing (a damaged record answers 500 every time it is read): counted in a row, ten such reads
 *   opened the circuit and refused thousands of healthy requests. As a share of the traffic they
 *   stay a small part of it, while a broken instance (its database down) fails most requests.
 *   The minimum keeps a handful of requests from deciding at all.
 *
 * What a failure is, is the proxy's call (see `outcomeOf`); outcomes that say nothing about the
 * upstream (the client hung up, no instance to ask) are `neutral`.
 */
export type CircuitState = 'closed' | 'open' | 'half-open';
/** `failure`: the instance did not answer; `error-answer`: it answered 5xx. */
export type Outcome = 'success' | 'error-answer' | 'failure' | 'neutral';
/** A request let through: as usual, or as the one trial of a half-open circuit. */
export type Pass = 'pass' | 'trial';
/** A Pass, or the milliseconds until the circuit will let a request through again. */
export type Admission = Pass | number;

export interface BreakerPolicy {
  /** Instance failures in a row that open the circuit; 0: this trigger is off. */
  failures: number;
  /** Share (0 to 1) of failed requests in the window that opens the circuit; 0: this trigger is off. */
  failureRatio: number;
  /** Requests the window must hold before its ratio decides anything. */
  minRequests: number;
  windowMs: number;
  openMs: number;
}

/** Why a circuit opened, for the log. */
export type OpenReason = { failuresInARow: number } | { failed: number; requests: number };

/** How long callers are told to wait while a trial request is under way. */
const TRIAL_WAIT_MS = 1_000;

export class CircuitBreaker {
  private current: CircuitState = 'closed';
  private inARow = 0;
  private readonly window: SlidingCounts;
  private openUntil = 0;
  private trialInFlight = false;

  constructor(
    private readonly policy: BreakerPolicy,
    private readonly now: () => number = () => performance.now(),
    private readonly onChange?: (state: CircuitState, reason?: OpenReason) => void,
  ) {
    const { failures, failureRatio, minRequests, windowMs, openMs } = policy;
    const valid = failures >= 0 && failureRatio >= 0 && failureRatio <= 1 && failures + failureRatio > 0 && minRequests >= 1 && windowMs > 0 && openMs > 0;
    if (!valid) throw new Error('a circuit breaker needs failures >= 0, 0 <= failureRatio <= 1 (not both 0), minRequests >= 1, windowMs > 0 and openMs > 0');
    this.window = new SlidingCounts(windowMs);
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
      else if (outcome !== 'neutral') this.open({ failuresInARow: 1 });
      return;
    }
    // Requests let through before the circuit opened decide nothing now: only the trial does.
    if (this.current !== 'closed' || outcome === 'neutral') return;
    const now = this.now();
    if (outcome === 'success') {
      this.inARow = 0;
      this.window.add(now, false);
      return;
    }
    // Any answer, even a 5xx, shows the instance is there.
    this.inARow = outcome === 'failure' ? this.inARow + 1 : 0;
    this.window.add(now, true);
    const { failures, failureRatio, minRequests } = this.policy;
    if (failures > 0 && this.inARow >= failures) return this.open({ failuresInARow: this.inARow });
    if (failureRatio > 0) {
      const counts = this.window.read(now);
      if (counts.requests >= minRequests && counts.failures >= failureRatio * counts.requests) this.open({ failed: counts.failures, requests: counts.requests });
    }
  }

  /** The state as of now: an open circuit whose period is over is half-open (its next request is the trial). */
  get state(): CircuitState {
    return this.current === 'open' && this.now() >= this.openUntil ? 'half-open' : this.current;
  }

  private open(reason: OpenReason) {
    this.openUntil = this.now() + this.policy.openMs;
    this.moveTo('open', reason);
  }

  /** A closed circuit starts afresh: what went wrong before it opened is not held against it. */
  private close() {
    this.inARow = 0;
    this.window.clear();
    this.moveTo('closed');
  }

  private moveTo(state: CircuitState, reason?: OpenReason) {
    const changed = state !== this.current;
    this.current = state;
    if (changed) this.onChange?.(state, reason);
  }
}

/**
 * A 5xx is an error answer (a 503 of a service whose database is down included); 4xx are the
 * client's doing. 501 Not Implemented describes the request, not the service's health.
 */
export function outcomeOf(status: number): Outcome {
  return status >= 500 && status !== 501 ? 'error-answer' : 'success';
}
