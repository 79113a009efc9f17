import type { Instance } from './registry-protocol';
import type { ServiceLocator } from './service-locator';

/** What the gateway needs from a locator, whichever way instances are found. */
export type Locator = Pick<ServiceLocator, 'instances' | 'pick' | 'invalidate'>;

/**
 * Upstreams fixed by configuration instead of looked up in discovery: one address per service,
 * typically a Kubernetes Service, which balances across ready pods itself. Nothing to refresh or
 * forget, so `invalidate` is a no-op and a service with no address has no instance. The address
 * is the instance's id: what is kept per instance (the gateway's circuits) is kept per address.
 */
export function staticLocator(upstreams: Readonly<Record<string, string>>): Locator {
  const since = new Date(0).toISOString();
  const table = new Map<string, Instance>(
    Object.entries(upstreams).map(([service, url]) => [service, { service, instanceId: url, url, registeredAt: since, lastHeartbeatAt: since }]),
  );
  return {
    instances: async (service) => {
      const only = table.get(service);
      return only ? [only] : [];
    },
    pick: async (service, accept) => {
      const only = table.get(service);
      return only && (!accept || accept(only)) ? only : undefined;
    },
    invalidate: () => {},
  };
}
