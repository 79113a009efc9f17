import type { Fetch } from '../http/local-fetch';
import type { Logger } from '../log';
import { HealthGate, type HealthGateOptions } from './health-gate';
import { registryHeaders, registryPaths, type Instance } from './registry-protocol';

export interface ServiceLocatorOptions {
  /** Discovery's shared secret: listing needs it. */
  token?: string;
  /**
   * Instances are offered only once their health check passed (see HealthGate). `false` offers
   * every listed instance as is: only for tests of what happens after an instance was chosen.
   */
  healthCheck?: HealthGateOptions | false;
  log?: Logger;
}

/**
 * Finds live instances of a service through the registry, with round-robin picking to balance
 * across them. A request path never waits on discovery once a list is known: an expired list is
 * served while one shared refresh runs in the background. Only instances that passed a health check
 * are in the list; `pick` reads it as it is, so the checks cost the hot path nothing.
 */
export class ServiceLocator {
  private readonly cache = new Map<string, { at: number; instances: Instance[] }>();
  /** What discovery last listed per service, healthy or not. */
  private readonly listed = new Map<string, Instance[]>();
  private readonly refreshing = new Map<string, Promise<Instance[]>>();
  private readonly cursor = new Map<string, number>();
  private readonly gate: HealthGate | undefined;
  private readonly headers: Record<string, string>;

  constructor(
    private readonly fetch: Fetch,
    private readonly discoveryUrl: string,
    private readonly refreshMs: number,
    options: ServiceLocatorOptions = {},
  ) {
    this.headers = registryHeaders(options.token);
    this.gate = options.healthCheck === false ? undefined : new HealthGate(fetch, options.healthCheck, options.log);
  }

  async instances(service: string): Promise<Instance[]> {
    const cached = this.cache.get(service);
    if (cached && Date.now() - cached.at < this.refreshMs) return cached.instances;
    const refresh = this.refresh(service);
    if (cached) {
      refresh.catch(() => {}); // keep serving the last known list while discovery is unreachable
      return cached.instances;
    }
    return refresh;
  }

  /**
   * The next instance in round-robin order, or undefined when none is live. With `accept`, the
   * next one it takes: each live instance is offered once at most, in order, and the first taken is
   * returned (so `accept` may reserve it, as a circuit breaker's admission does); undefined when
   * none is. The cursor moves past the instance returned: a skipped instance's share is spread
   * over the others rather than all going to its neighbour.
   */
  async pick(service: string, accept?: (instance: Instance) => boolean): Promise<Instance | undefined> {
    const list = await this.instances(service);
    const start = this.cursor.get(service) ?? 0;
    for (let tried = 0; tried < list.length; tried++) {
      const n = (start + tried) % list.length;
      const instance = list[n]!;
      if (accept && !accept(instance)) continue;
      this.cursor.set(service, n + 1);
      return instance;
    }
    return undefined;
  }

  /**
   * Forget the cached list, e.g. after an instance failed to answer. With `failed`, that instance
   * is also not offered again until it passes a health check.
   */
  invalidate(service: string, failed?: Instance): void {
    if (failed && this.gate) this.gate.drop(failed);
    this.cache.delete(service);
  }

  /** One request to discovery per service at a time, however many callers are waiting. */
  private refresh(service: string): Promise<Instance[]> {
    const inFlight = this.refreshing.get(service);
    if (inFlight) return inFlight;
    const request = (async () => {
      const res = await this.fetch(
        new Request(this.discoveryUrl + registryPaths.ofService(service), { headers: this.headers, signal: AbortSignal.timeout(2_000) }),
      );
      if (!res.ok) throw new Error(`discovery answered ${res.status}`);
      const listed = (await res.json()) as Instance[];
      this.listed.set(service, listed);
      const instances = this.gate ? await this.gate.filter(service, listed, () => this.recovered(service)) : listed;
      this.cache.set(service, { at: Date.now(), instances });
      return instances;
    })().finally(() => this.refreshing.delete(service));
    this.refreshing.set(service, request);
    return request;
  }

  /** An instance passed its re-probe: offer it from now on, without waiting for the next refresh. */
  private recovered(service: string): void {
    const cached = this.cache.get(service);
    const listed = this.listed.get(service);
    if (cached && listed && this.gate) this.cache.set(service, { at: cached.at, instances: this.gate.healthyOf(service, listed) });
  }
}
