import type { Logger } from '../../platform/log';
import type { Metrics } from '../../platform/metrics/metrics';
import { CircuitBreaker, type BreakerPolicy } from './circuit-breaker';

/**
 * Circuit breakers per upstream instance, keyed by discovery instanceId (a fixed upstream's id is
 * its address), as outlier ejection in a service mesh: an instance that keeps failing is skipped
 * while its circuit is open and the other instances carry its share. One dead instance of two must
 * not cost the service its healthy one; the service is refused only when all of its instances are.
 */
export interface InstanceCircuitsOptions extends BreakerPolicy {
  /** Services known up front, shown as closed from the first scrape. */
  services: readonly string[];
  metrics: Metrics;
  log: Logger;
  now?: () => number;
  /**
   * An instance not offered by the locator for this long is forgotten: it left discovery (a
   * restart under a new id, a scale-down), or its service had no traffic. Instances come and go,
   * memory stays bounded. Default 30 s, and never under two open periods nor one failure window.
   */
  forgetAfterMs?: number;
}

interface Tracked {
  breaker: CircuitBreaker;
  seenAt: number;
}

export class InstanceCircuits {
  private readonly byService = new Map<string, Map<string, Tracked>>();

  constructor(
    private readonly policy: BreakerPolicy,
    private readonly forgetAfterMs: number,
    private readonly log: Logger,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /**
   * The breaker of one instance, created closed on first sight. Every call is a sighting, so an
   * instance the locator keeps offering is never forgotten, even while its circuit stays open.
   */
  of(service: string, instanceId: string): CircuitBreaker {
    const now = this.now();
    let instances = this.byService.get(service);
    if (!instances) this.byService.set(service, (instances = new Map()));
    const tracked = instances.get(instanceId);
    if (tracked) {
      tracked.seenAt = now;
      return tracked.breaker;
    }
    // New instances are rare (starts, restarts): the moment to drop the ones long gone.
    this.forgetStale(now);
    const breaker = new CircuitBreaker(this.policy, this.now, (state, reason) => {
      if (state === 'open') this.log.warn('circuit opened', { service, instanceId, ...reason, openMs: this.policy.openMs });
      else if (state === 'closed') this.log.info('circuit closed', { service, instanceId });
    });
    instances.set(instanceId, { breaker, seenAt: now });
    return breaker;
  }

  /** Starts a service's gauge at 0 before any of its instances has been seen. */
  know(service: string): void {
    if (!this.byService.has(service)) this.byService.set(service, new Map());
  }

  /**
   * `gateway_circuit_state` of a service, over its instances still remembered: 1 when every one is
   * open (requests are refused), 0.5 when some are open or half-open (the others carry the load, or
   * a trial is due), 0 when all are closed or none is known.
   */
  stateOf(service: string): number {
    const instances = this.byService.get(service);
    if (!instances || instances.size === 0) return 0;
    let open = 0;
    let troubled = 0;
    for (const { breaker } of instances.values()) {
      const state = breaker.state;
      if (state === 'open') open++;
      if (state !== 'closed') troubled++;
    }
    return open === instances.size ? 1 : troubled > 0 ? 0.5 : 0;
  }

  /** An instance's circuit state if remembered, without counting as a sighting (the console reads it). */
  peek(service: string, instanceId: string): CircuitBreaker['state'] | undefined {
    return this.byService.get(service)?.get(instanceId)?.breaker.state;
  }

  services(): IterableIterator<string> {
    return this.byService.keys();
  }

  /** Instances remembered, per service: for tests and debugging. */
  tracked(service: string): string[] {
    return [...(this.byService.get(service)?.keys() ?? [])];
  }

  forgetStale(now = this.now()): void {
    for (const instances of this.byService.values()) {
      for (const [id, { seenAt }] of instances) if (now - seenAt >= this.forgetAfterMs) instances.delete(id);
    }
  }
}

/**
 * The gateway's circuits, or undefined when circuit breaking is off. Their state is exposed per
 * service, never per instance (instances come and go; the label set stays that of the routes), as
 * `gateway_circuit_state{upstream}`: 0 all closed, 0.5 some open or half-open, 1 all open. It is
 * read at scrape time, so the hot path touches no gauge.
 */
export function createInstanceCircuits({ services, metrics, log, now, forgetAfterMs = 30_000, ...policy }: InstanceCircuitsOptions): InstanceCircuits | undefined {
  // Neither trigger on: circuit breaking is off.
  if (policy.failures <= 0 && policy.failureRatio <= 0) return undefined;
  const circuits = new InstanceCircuits(policy, Math.max(forgetAfterMs, 2 * policy.openMs, policy.windowMs), log, now);
  for (const service of services) circuits.know(service);
  metrics.gauge(
    'gateway_circuit_state',
    'Circuit breakers of an upstream service\'s instances: 0 all closed, 0.5 some open or half-open (a trial is due), 1 all open (requests refused)',
    ['upstream'],
    (gauge) => {
      circuits.forgetStale();
      for (const upstream of circuits.services()) gauge.set({ upstream }, circuits.stateOf(upstream));
    },
  );
  return circuits;
}
