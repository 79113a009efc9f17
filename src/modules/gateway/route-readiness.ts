import type { Locator } from '../../platform/discovery/static-locator';

/**
 * Whether the gateway can route to every service it serves: each has at least one live instance.
 * Until then the gateway is not ready: its health answers DOWN, and its process does not log
 * `ready`. (It used to log `ready` and answer UP right away, then 503 "no live instance" for about
 * a second: the locator had cached the empty lists it read before the modules registered.)
 *
 * Ready once, ready for good: a service that later loses its instances gets 503s for its own
 * routes, while the gateway stays UP for the others. Were its health to follow every service,
 * one module's outage would take the gateway out of its load balancer and (liveness probes read
 * the same health) have it restarted, which helps nobody.
 */
export function routeReadiness(locator: Locator, services: readonly string[]) {
  let ready = false;
  /** A cached empty list is not trusted: discovery is asked again, and the cache refreshed with its answer. */
  const liveCount = async (service: string): Promise<number> => {
    const cached = await locator.instances(service).catch(() => []);
    if (cached.length) return cached.length;
    locator.invalidate(service);
    return (await locator.instances(service).catch(() => [])).length;
  };
  return {
    /** The services without a live instance yet; none once the gateway has been ready. */
    async missing(): Promise<string[]> {
      if (ready) return [];
      const counts = await Promise.all(services.map(liveCount));
      const missing = services.filter((_, i) => counts[i] === 0);
      ready = missing.length === 0;
      return missing;
    },
  };
}
