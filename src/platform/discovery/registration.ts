import type { Fetch } from '../http/local-fetch';
import type { Logger } from '../log';
import { registryPaths, type Registration } from './registry-contract';

export interface RegistrationHandle {
  stop(): Promise<void>;
}

/**
 * Keeps one instance registered: registers, heart-beats, re-registers when the registry forgot it
 * (it restarted, or evicted us after a pause), and deregisters on stop. Discovery being down is
 * never fatal: we keep trying at the heartbeat interval.
 */
export function keepRegistered(options: {
  fetch: Fetch;
  discoveryUrl: string;
  registration: Registration;
  heartbeatIntervalMs: number;
  log: Logger;
}): RegistrationHandle {
  const { fetch, discoveryUrl, registration: r, log } = options;
  const call = (method: string, path: string, body?: unknown) =>
    fetch(
      new Request(discoveryUrl + path, {
        method,
        headers: body ? { 'content-type': 'application/json' } : {},
        body: body ? JSON.stringify(body) : undefined,
        signal: AbortSignal.timeout(2_000),
      }),
    );

  let registered = false;
  let stopped = false;
  const beat = async () => {
    try {
      if (registered) {
        const res = await call('PUT', registryPaths.heartbeat(r.service, r.instanceId));
        if (res.status === 404) registered = false;
      }
      if (!registered) {
        const res = await call('POST', registryPaths.register, r);
        registered = res.ok;
        if (registered) log.info('registered with discovery', { url: r.url, instanceId: r.instanceId });
      }
    } catch (error) {
      if (registered || !stopped) log.debug('discovery unreachable', { error });
      registered = false;
    }
  };
  let inFlight = beat();
  const timer = setInterval(() => (inFlight = beat()), options.heartbeatIntervalMs);

  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await inFlight;
      try {
        await call('DELETE', registryPaths.instance(r.service, r.instanceId));
      } catch {
        // Discovery gone first: it will evict us anyway.
      }
    },
  };
}
