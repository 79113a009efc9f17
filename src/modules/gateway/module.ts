import type { Server } from 'bun';
import type { HealthGateOptions } from '../../platform/discovery/health-gate';
import { ServiceLocator } from '../../platform/discovery/service-locator';
import { staticLocator } from '../../platform/discovery/static-locator';
import { createHttpApp, type Observed } from '../../platform/http/app';
import type { InternalAuth } from '../../platform/http/internal-auth';
import type { Fetch } from '../../platform/http/local-fetch';
import { httpObserver, type RequestStart } from '../../platform/http/observe';
import { swaggerUi } from '../../platform/http/swagger-ui';
import type { Logger } from '../../platform/log';
import { Metrics } from '../../platform/metrics/metrics';
import type { ModuleInstance } from '../../platform/runtime/module';
import { requireAuth } from './auth/hook';
import { createTokenVerifier, type GatewayAuth } from './auth/verifier';
import { consoleRoutes } from './console/routes';
import { systemView } from './console/system-view';
import { createCors, type CorsPolicy } from './cors';
import type { ClientView } from './forwarding-headers';
import { createMergedDocs } from './merged-docs';
import { createProtection, type GatewayProtection } from './protection';
import { createProxy } from './proxy';
import { openStreams } from './open-streams';
import { routeReadiness } from './route-readiness';
import { createRouteMatcher, defaultRoutes, type GatewayRoute } from './routes';

export interface GatewayModuleDeps {
  /** Reaches discovery and the upstreams: a LocalFetch in the all-in-one (no socket hop), else global fetch. */
  fetch: Fetch;
  discoveryUrl: string;
  /** Discovery's shared secret, needed to list instances. */
  discoveryToken?: string;
  /** How a newly listed instance is health-checked before it gets requests; `false` only in tests of forwarding. */
  healthCheck?: HealthGateOptions | false;
  upstreamTimeoutMs: number;
  /** How long a list of live instances is trusted before discovery is asked again. */
  refreshMs: number;
  log: Logger;
  routes?: readonly GatewayRoute[];
  /** How long the merged OpenAPI document is cached. Default 5 s. */
  docsCacheMs?: number;
  /**
   * Fixed upstream per service (e.g. Kubernetes Services), replacing discovery look-ups. Every
   * route's service must have one, so a typo fails at start rather than as 503s later.
   */
  upstreams?: Readonly<Record<string, string>>;
  /** Served on the gateway's own `/metrics`; upstreams' `/metrics` are not forwarded. */
  metrics?: Metrics;
  /** Bearer tokens on proxied requests (see auth/). Default off: the original API, open to all. */
  auth?: GatewayAuth;
  /**
   * With `auth` on: signs the internal credentials the modules require (the gateway's word for the
   * verified user; its own for reading their OpenAPI documents).
   */
  internalAuth?: InternalAuth;
  /** Limits, rate limit and circuit breaking (see protection.ts); unset fields take the defaults, which are on. */
  protection?: Partial<GatewayProtection>;
  /** Cross-origin access for browser apps (see cors.ts). Default off: no CORS headers, no per-request cost. */
  cors?: CorsPolicy;
}

function clientViewOf(request: Request, ip: string | undefined): ClientView {
  const url = request.url;
  const hostStart = url.indexOf('://') + 3;
  const pathStart = url.indexOf('/', hostStart);
  return {
    ip,
    proto: url.startsWith('https:') ? 'https' : 'http',
    host: request.headers.get('host') ?? url.slice(hostStart, pathStart === -1 ? undefined : pathStart),
  };
}

/**
 * The public entry. Requests under a route prefix are forwarded to a live instance of its service
 * (found through discovery, cached by the locator, balanced round-robin, passing over instances
 * whose circuit is open; or fixed `upstreams`) with the prefix stripped.
 * The gateway itself serves only its health, the merged OpenAPI document and the Swagger UI.
 */
export function createGatewayModule({ fetch, discoveryUrl, discoveryToken, healthCheck, upstreamTimeoutMs, refreshMs, log, routes = defaultRoutes, docsCacheMs = 5_000, upstreams, metrics = new Metrics({ service: 'gateway' }), auth = { mode: 'off' }, internalAuth, protection, cors: corsPolicy }: GatewayModuleDeps) {
  const missing = upstreams ? routes.filter(({ service }) => !upstreams[service]).map(({ service }) => service) : [];
  if (missing.length) throw new Error(`gateway upstreams lack service(s): ${missing.join(', ')}`);
  const locator = upstreams ? staticLocator(upstreams) : new ServiceLocator(fetch, discoveryUrl, refreshMs, { token: discoveryToken, healthCheck, log: log.child({ component: 'locator' }) });
  const match = createRouteMatcher(routes);
  const readiness = routeReadiness(locator, [...new Set(routes.map(({ service }) => service))]);
  const protect = createProtection(protection, { metrics, log, match, services: routes.map(({ service }) => service) });
  const streams = openStreams();
  const proxy = createProxy({ locator, fetch, upstreamTimeoutMs, log, metrics, streams, ...protect.proxy });
  // With authentication off the proxy is called directly: not one extra step per request.
  const verifier = auth.mode === 'jwt' ? createTokenVerifier(auth, { log, fetch }) : undefined;
  const forward = verifier ? requireAuth({ verifier, log, metrics, internalAuth }, proxy) : proxy;
  const docs = createMergedDocs({ locator, fetch, routes, timeoutMs: upstreamTimeoutMs, cacheMs: docsCacheMs, log, bearerAuth: auth.mode === 'jwt', internalAuth });

  // Requests reach `front` two ways. Served ones under a route prefix come straight from Bun's
  // router (`serverRoutes`): no Elysia context, hooks or response mapping, which cost more than
  // the proxying itself. Everything else, and in-process callers of `app.handle`, go through
  // Elysia, whose first hook has already begun the request's trace.
  const observer = httpObserver(metrics, log);
  type Answer = Response | Promise<Response> | undefined;
  function route(request: Request, peer: string | undefined, started: RequestStart): Answer {
    const found = match(request.url);
    if (found) return forward(request, found, clientViewOf(request, peer), started);
  }
  // Head size and rate limit first, on every path; the proxy checks the body and the circuits.
  const plainFront = (request: Request, peer: string | undefined, started: RequestStart): Answer => protect.guard(request, peer) ?? route(request, peer, started);
  const plainServed = (request: Request, server: Server<unknown>): Response | Promise<Response> =>
    plainFront(request, server.requestIP(request)?.address, observer.begin(request)) ?? app.handle(request);

  // With CORS on, each entry is wrapped once here; off, the plain ones serve and CORS costs nothing.
  // Preflights are answered after the guard (a flood of them is rate limited like any request) and
  // never reach a service. Bun's router path sets the headers on the answer itself; Elysia's path
  // puts them in `set.headers` first, which Elysia merges into every answer, errors included.
  const cors = corsPolicy ? createCors(corsPolicy) : undefined;
  const front = !cors
    ? plainFront
    : (request: Request, peer: string | undefined, started: RequestStart): Answer => {
        const refused = protect.guard(request, peer);
        if (refused) return refused;
        if (!cors.isPreflight(request)) return route(request, peer, started);
        const answer = cors.preflight(request, { 'x-trace-id': String(started.fields.traceId) });
        observer.end(request, started, match(request.url)?.template, answer.status);
        return answer;
      };
  const served = !cors
    ? plainServed
    : (request: Request, server: Server<unknown>): Response | Promise<Response> => {
        const answer = front(request, server.requestIP(request)?.address, observer.begin(request));
        if (answer === undefined) return app.handle(request);
        const origin = request.headers.get('origin');
        return answer instanceof Promise ? answer.then((response) => cors.decorate(response, origin)) : cors.decorate(answer, origin);
      };
  const serverRoutes = Object.fromEntries(routes.map(({ prefix }) => [`${prefix}/*`, served]));

  const app = createHttpApp({ name: 'gateway', log, health: async () => (await readiness.missing()).length === 0, metrics, serverRoutes })
    // Before `front`, whose answer may end the request here. Only added with CORS on.
    .use((base) => (cors ? base.onRequest(({ request, set }) => void Object.assign(set.headers, cors.headersFor(request.headers.get('origin')))) : base))
    // Nothing reads the body first, so Elysia never parses it and it streams through. Deliberately
    // not `async`: Elysia would then await this hook on every request; as it is, the gateway's own
    // paths get undefined synchronously and are routed, and a returned Promise<Response> is the response.
    .onRequest((ctx) => front(ctx.request, ctx.server?.requestIP(ctx.request)?.address, (ctx as Observed).observed ?? observer.begin(ctx.request)))
    .use(swaggerUi('Social network API'))
    .use(consoleRoutes({ verifier, system: systemView({ fetch, discoveryUrl, discoveryToken, circuits: protect.proxy.circuits, timeoutMs: upstreamTimeoutMs }) }))
    .get('/swagger/json', () => docs.get(), { detail: { hide: true } });

  // Refreshes the locator's lists in the background, so that after a quiet spell the first request
  // does not wait on discovery. Under load, requests refresh the cache themselves as it expires.
  let warmer: ReturnType<typeof setInterval> | undefined;
  const warm = () => {
    for (const { service } of routes) locator.instances(service).catch(() => undefined);
  };

  return {
    name: 'gateway',
    app,
    serverMaxRequestBodyBytes: protect.serverMaxRequestBodyBytes,
    pending: () => readiness.missing().then((services) => services.map((service) => `a live instance of ${service}`)),
    start() {
      if (warmer) return;
      warm();
      warmer = setInterval(warm, Math.max(5, Math.floor(refreshMs / 2)));
    },
    /** Ends the event streams relayed, which would otherwise hold the server's graceful stop. */
    drain: () => streams.endAll(),
    async stop() {
      clearInterval(warmer);
      warmer = undefined;
    },
  } satisfies ModuleInstance;
}
