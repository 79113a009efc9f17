import type { Fetch } from '../http/local-fetch';
import { registryPaths, type Instance } from './registry-contract';

/**
 * Finds live instances of a service through the registry, with round-robin picking to balance
 * across them. A request path never waits on discovery once a list is known: an expired list is
 * served while one shared refresh runs in the background.
 */
export class ServiceLocator {
  private readonly cache = new Map<string, { at: number; instances: Instance[] }>();
  private readonly refreshing = new Map<string, Promise<Instance[]>>();
  private readonly cursor = new Map<string, number>();

  constructor(
    private readonly fetch: Fetch,
    private readonly discoveryUrl: string,
    private readonly refreshMs: number,
  ) {}

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

  /** Forget the cached list, e.g. after an instance failed to answer. */
  invalidate(service: string): void {
    this.cache.delete(service);
  }

  /** One request to discovery per service at a time, however many callers are waiting. */
  private refresh(service: string): Promise<Instance[]> {
    const inFlight = this.refreshing.get(service);
    if (inFlight) return inFlight;
    const request = (async () => {
      const res = await this.fetch(
        new Request(this.discoveryUrl + registryPaths.ofService(service), { signal: AbortSignal.timeout(2_000) }),
      );
      if (!res.ok) throw new Error(`discovery answered ${res.status}`);
      const instances = (await res.json()) as Instance[];
      this.cache.set(service, { at: Date.now(), instances });
      return instances;
    })().finally(() => this.refreshing.delete(service));
    this.refreshing.set(service, request);
    return request;
  }
}
