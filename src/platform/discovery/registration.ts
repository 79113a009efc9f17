import type { Fetch } from '../http/local-fetch';
import type { Logger } from '../log';
import { registryHeaders, registryPaths, type Registration } from './registry-protocol';

export interface RegistrationHandle {
  stop(): Promise<void>;
}

/**
 * Keeps one instance registered: registers, heart-beats, re-registers when the registry forgot it
 * (it restarted, or evicted us after a pause), and deregisters on stop. Discovery being down is
 * never fatal: we keep trying at the heartbeat interval.
 *
 * Every call carries the deployment's `token`; heartbeats and the deregistration also carry the
 * lease the registry handed out, which only this instance holds.
 */
export function keepRegistered(options: {
  fetch: Fetch;
  discoveryUrl: string;
  /** Discovery's shared secret. */
  token: string | undefined;
  registration: Registration;
  heartbeatIntervalMs: number;
  log: Logger;
}): RegistrationHandle {
  const { fetch, discoveryUrl, token, registration: r, log } = options;
  let lease: string | undefined;
  const call = (method: string, path: string, body?: unknown) =>
    fetch(
      new Request(discoveryUrl + path, {
        method,
        headers: { ...registryHeaders(token, lease), ...(body ? { 'content-type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
        signal: AbortSignal.timeout(2_000),
      }),
    );

  let registered = false;
  let stopped = false;
  let warned = 0;
  const beat = async () => {
    try {
      if (registered) {
        const res = await call('PUT', registryPaths.heartbeat(r.service, r.instanceId));
        // 404: the registry forgot us (restart, eviction); 403: our lease is no longer the one it holds.
        if (res.status === 404 || res.status === 403) registered = false;
      }
      if (!registered) {
        const res = await call('POST', registryPaths.register, r);
        registered = res.ok;
        if (res.status === 201) lease = ((await res.json()) as { lease?: string }).lease;
        if (registered) log.info('registered with discovery', { url: r.url, instanceId: r.instanceId });
        // Refusals a person must act on (wrong token, limit reached, id taken): said, but not every beat.
        else if (res.status !== 404 && warned++ % 20 === 0) log.warn('discovery refused the registration', { status: res.status, detail: await res.text() });
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
      if (!registered) return;
      try {
        await call('DELETE', registryPaths.instance(r.service, r.instanceId));
      } catch {
        // Discovery gone first: it will evict us anyway.
      }
    },
  };
}
