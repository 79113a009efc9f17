import { Elysia } from 'elysia';
import type { Clock } from '../../../src/platform/clock';
import { registryHeaders, registryPaths } from '../../../src/platform/discovery/registry-protocol';
import { createLocalFetch } from '../../../src/platform/http/local-fetch';
import { silentLogger, type Logger } from '../../../src/platform/log';
import { call, type Handler } from '../http';
import { createGatewayModule, type GatewayModuleDeps } from '../../../src/modules/gateway/index';

/**
 * Test world for the gateway: a real discovery module with a hand-moved clock, upstreams as
 * in-process apps (mounted on a LocalFetch) or real servers (reached through its global-fetch
 * fallback), and the gateway wired to both, exactly as the all-in-one wires them.
 * Test support only; not exported from index.ts. The discovery factory is passed in by the test
 * files, so that this (non-test) file imports no other module and the boundary check stays clean.
 */
export const DISCOVERY_URL = 'http://discovery.test';
/** The world's discovery secret, which its gateway holds. */
export const DISCOVERY_TOKEN = 'gateway-fixture-discovery-token-0123456789';

export interface Echo {
  instance: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
}

/** An upstream that answers every request with what it received and who it is. */
export function echoUpstream(instance: string, options: { delayMs?: number } = {}) {
  return new Elysia().all('/*', async ({ request }) => {
    if (options.delayMs) await Bun.sleep(options.delayMs);
    const url = new URL(request.url);
    const echo: Echo = {
      instance,
      method: request.method,
      path: url.pathname + url.search,
      headers: Object.fromEntries(request.headers),
      body: await request.text(),
    };
    return Response.json(echo, { headers: { 'x-instance': instance } });
  });
}

export type DiscoveryFactory = (deps: { evictAfterMs: number; clock: Clock; log: Logger; token: string }) => { app: Handler };

/**
 * `healthCheck` is off unless asked for: most gateway tests register upstreams that are not modules
 * (no health endpoint, or failing on purpose) to test what happens once an instance is chosen. The
 * health gate in front of that choice has its own tests, which turn it on.
 */
export function gatewayWorld(
  createDiscovery: DiscoveryFactory,
  options: Partial<Pick<GatewayModuleDeps, 'upstreamTimeoutMs' | 'refreshMs' | 'docsCacheMs' | 'discoveryUrl' | 'auth' | 'internalAuth' | 'protection' | 'healthCheck' | 'cors'>> = {},
) {
  let now = Date.parse('2030-01-01T00:00:00.000Z');
  const clock = { now: () => new Date(now) };
  const localFetch = createLocalFetch();
  const discovery = createDiscovery({ evictAfterMs: 1_000, clock, log: silentLogger, token: DISCOVERY_TOKEN });
  const leases = new Map<string, string>();
  localFetch.mount(DISCOVERY_URL, async (request) => discovery.app.handle(request));
  const gateway = createGatewayModule({
    fetch: localFetch.fetch,
    discoveryUrl: options.discoveryUrl ?? DISCOVERY_URL,
    discoveryToken: DISCOVERY_TOKEN,
    healthCheck: options.healthCheck ?? false,
    upstreamTimeoutMs: options.upstreamTimeoutMs ?? 1_000,
    refreshMs: options.refreshMs ?? 10,
    docsCacheMs: options.docsCacheMs,
    log: silentLogger,
    auth: options.auth,
    internalAuth: options.internalAuth,
    protection: options.protection,
    cors: options.cors,
  });

  return {
    gateway,
    discovery,
    advanceClock: (ms: number) => void (now += ms),
    /** Registers an instance; an app is mounted in-process at a made-up origin, a url is used as is. */
    async register(service: string, instanceId: string, target: Handler | string) {
      const url = typeof target === 'string' ? target : `http://${instanceId}.test`;
      if (typeof target !== 'string') localFetch.mount(url, async (request) => target.handle(request));
      const key = `${service}/${instanceId}`;
      const res = await call(discovery.app, 'POST', registryPaths.register, { service, instanceId, url }, registryHeaders(DISCOVERY_TOKEN, leases.get(key)));
      if (res.status !== 201 && res.status !== 200) throw new Error(`registration failed: ${JSON.stringify(res.body)}`);
      if (res.status === 201) leases.set(key, res.body.lease);
    },
    heartbeat: (service: string, instanceId: string) =>
      call(discovery.app, 'PUT', registryPaths.heartbeat(service, instanceId), undefined, registryHeaders(DISCOVERY_TOKEN, leases.get(`${service}/${instanceId}`))),
  };
}

export const expectProblem = (res: { status: number; headers: Headers; body: any }, status: number) => {
  if (res.status !== status) throw new Error(`expected ${status}, got ${res.status}: ${JSON.stringify(res.body)}`);
  if (!res.headers.get('content-type')?.includes('application/problem+json')) throw new Error(`not problem+json: ${res.headers.get('content-type')}`);
  if (res.body?.status !== status || typeof res.body?.detail !== 'string' || typeof res.body?.title !== 'string') {
    throw new Error(`not a problem document: ${JSON.stringify(res.body)}`);
  }
};

/** An upstream whose answer the test sets (and may change), counting the calls it gets. */
export function controlled(answer: (request: Request) => Response | Promise<Response>) {
  const upstream = { calls: 0, answer, handle: async (request: Request) => (upstream.calls++, upstream.answer(request)) };
  return upstream;
}

/** What a module answers while its database is down: a 503 problem, which counts as a failure. */
export const databaseDown = () =>
  Response.json({ type: 'about:blank', title: 'Service Unavailable', status: 503, detail: 'the database is unavailable; retry later' }, { status: 503, headers: { 'content-type': 'application/problem+json' } });
