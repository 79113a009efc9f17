import type { Fetch } from '../http/local-fetch';
import { registryPaths, type Instance } from './registry-contract';

/**
 * Finds live instances of a service through the registry, with a short cache so a request path
 * never waits on discovery, and round-robin picking to balance across instances.
 */
export class ServiceLocator {
  private readonly cache = new Map<string, { at: number; instances: Instance[] }>();
  private readonly cursor = new Map<string, number>();

  constructor(
    private readonly fetch: Fetch,
    private readonly discoveryUrl: string,
    private readonly refreshMs: number,
  ) {}

  async instances(service: string): Promise<Instance[]> {
    const cached = this.cache.get(service);
    if (cached && Date.now() - cached.at < this.refreshMs) return cached.instances;
    try {
      const res = await this.fetch(
        new Request(this.discoveryUrl + registryPaths.ofService(service), { signal: AbortSignal.timeout(2_000) }),
      );
      if (!res.ok) throw new Error(`discovery answered ${res.status}`);
      const instances = (await res.json()) as Instance[];
      this.cache.set(service, { at: Date.now(), instances });
      return instances;
    } catch (error) {
      // Serve the last known list while discovery is unreachable rather than failing every call.
      if (cached) return cached.instances;
      throw error;
    }
  }

  /** The next instance in round-robin order, or undefined when none is live. */
  async pick(service: string): Promise<Instance | undefined> {
    const list = await this.instances(service);
    if (list.length === 0) return undefined;
    const n = (this.cursor.get(service) ?? 0) % list.length;
    this.cursor.set(service, n + 1);
    return list[n];
  }

  /** Forget the cached list, e.g. after an instance failed to answer. */
  invalidate(service: string): void {
    this.cache.delete(service);
  }
}
