import { httpObserver, requestFields } from '../../platform/http/observe';
import { pathOf, problemResponse } from '../../platform/http/problem';
import type { Logger } from '../../platform/log';
import type { Metrics } from '../../platform/metrics/metrics';
import { requestIdOf } from './forwarding-headers';
import { createInstanceCircuits } from './instance-circuits';
import { headerBytes, raiseParserHeaderLimit, serverBodyLimit } from './request-limits';
import { clientAddress, clientKey, createRateLimiter } from './rate-limit';
import type { RouteMatch } from './routes';

/**
 * The gateway's protections, each switched off by a 0 limit. The checks run in this order, so the
 * cheapest refusal comes first and nothing refused ever reaches an upstream:
 * head size (431), rate limit (429), [authentication], body size (413), body time (408), circuit
 * breakers (503 once every instance of the service has its circuit open).
 * The first two are here; the others need the route and the body and live in the proxy.
 */
export interface GatewayProtection {
  /** Request line plus header names and values; beyond it 431. */
  maxHeaderBytes: number;
  /** Largest request body forwarded; beyond it 413. */
  maxBodyBytes: number;
  /** Sustained requests per second per client address; 0: no rate limit. */
  rateLimitPerSecond: number;
  /** Requests a client may send at once above the sustained rate. */
  rateLimitBurst: number;
  /**
   * Proxies in front of the gateway that append the address they saw to X-Forwarded-For. 0: the
   * connection's peer is the client, and X-Forwarded-For (written by anyone) is not believed.
   */
  trustedProxyHops: number;
  /**
   * How long a client may take to send its whole request body; beyond it 408. The body is read
   * before an instance is picked, so a slow client holds no upstream and never counts against one.
   */
  bodyTimeoutMs: number;
  /** Instance failures in a row (refused, reset, timed out) that open its circuit; 0: this trigger off. */
  breakerFailures: number;
  /** Share of failed requests (5xx answers too) in the window that opens an instance's circuit; 0: this trigger off. */
  breakerFailureRatio: number;
  /** Requests an instance's window must hold before its failure ratio counts. */
  breakerMinRequests: number;
  /** The sliding window of the failure ratio. */
  breakerWindowMs: number;
  /** How long an open circuit passes its instance over before one trial request is let through. */
  breakerOpenMs: number;
}

/** The defaults (settings.ts reads the GATEWAY_* variables over them): on, with generous limits. */
export const defaultProtection: GatewayProtection = {
  maxHeaderBytes: 16 * 1024,
  maxBodyBytes: 1024 * 1024,
  rateLimitPerSecond: 500,
  rateLimitBurst: 1_000,
  trustedProxyHops: 0,
  bodyTimeoutMs: 10_000,
  breakerFailures: 10,
  breakerFailureRatio: 0.5,
  breakerMinRequests: 20,
  breakerWindowMs: 10_000,
  breakerOpenMs: 5_000,
};

/**
 * The gateway's own probes: health checks and scrapes must not fail because a client (or a load
 * test from the same address) used up the budget.
 */
const UNLIMITED_PATHS = ['/actuator/health', '/actuator/health/liveness', '/actuator/health/readiness', '/metrics'];

function isUnlimited(url: string, pathStart: number): boolean {
  for (const path of UNLIMITED_PATHS) {
    if (!url.startsWith(path, pathStart)) continue;
    const next = url.charCodeAt(pathStart + path.length);
    if (Number.isNaN(next) || next === 63 /* ? */) return true;
  }
  return false;
}

/**
 * The checks that run on every request, before routing: a Response refuses it, undefined lets it
 * on. `match` names the route only for a refused request's metrics.
 */
export function createRequestGuard(protection: GatewayProtection, deps: { metrics: Metrics; log: Logger; match: (url: string) => RouteMatch | undefined }) {
  const { maxHeaderBytes, rateLimitPerSecond, rateLimitBurst, trustedProxyHops } = protection;
  const limiter = rateLimitPerSecond > 0 ? createRateLimiter({ perSecond: rateLimitPerSecond, burst: rateLimitBurst }) : undefined;
  // Requests refused here never reach the proxy, which records the others.
  const http = httpObserver(deps.metrics, deps.log);

  function refuse(request: Request, status: number, detail: string, headers: Record<string, string> = {}): Response {
    const fields = requestFields(request);
    const found = deps.match(request.url);
    http.end(request, { startedAt: performance.now(), fields }, found?.template, status, detail);
    // A body nobody will read: closing spares the server reading and discarding it.
    const hasBody = request.headers.has('content-length') || request.headers.has('transfer-encoding');
    return problemResponse(status, detail, {
      'x-request-id': requestIdOf(request.headers),
      ...(fields.traceId ? { 'x-trace-id': String(fields.traceId) } : {}),
      ...(hasBody || status === 431 ? { connection: 'close' } : {}),
      ...headers,
    }, pathOf(request.url));
  }

  /** `peer`: the connection's remote address; undefined for in-process callers, which are not rate limited. */
  return function guard(request: Request, peer: string | undefined): Response | undefined {
    if (maxHeaderBytes > 0 && headerBytes(request) > maxHeaderBytes) {
      return refuse(request, 431, `the request line and headers exceed the limit of ${maxHeaderBytes} bytes`);
    }
    if (!limiter) return undefined;
    const address = clientAddress(request.headers, peer, trustedProxyHops);
    if (address === undefined) return undefined;
    const url = request.url;
    const scheme = url.indexOf('://');
    if (isUnlimited(url, scheme === -1 ? 0 : url.indexOf('/', scheme + 3))) return undefined;
    const waitSeconds = limiter.take(clientKey(address));
    if (waitSeconds === 0) return undefined;
    return refuse(request, 429, `too many requests from this client: at most ${rateLimitPerSecond} per second (bursts of ${rateLimitBurst}); retry in ${waitSeconds} s`, {
      'retry-after': String(waitSeconds),
    });
  };
}

/**
 * Everything the gateway needs for its protections: the guard for every request, the proxy's body
 * limit and circuit breakers, and the limit its HTTP server should apply (a backstop above ours).
 */
export function createProtection(given: Partial<GatewayProtection> | undefined, deps: { metrics: Metrics; log: Logger; match: (url: string) => RouteMatch | undefined; services: readonly string[] }) {
  const set = Object.entries(given ?? {}).filter(([, value]) => value !== undefined);
  const protection: GatewayProtection = { ...defaultProtection, ...Object.fromEntries(set) };
  raiseParserHeaderLimit(protection.maxHeaderBytes);
  return {
    guard: createRequestGuard(protection, deps),
    proxy: {
      maxBodyBytes: protection.maxBodyBytes,
      bodyTimeoutMs: protection.bodyTimeoutMs,
      circuits: createInstanceCircuits({
        failures: protection.breakerFailures,
        failureRatio: protection.breakerFailureRatio,
        minRequests: protection.breakerMinRequests,
        windowMs: protection.breakerWindowMs,
        openMs: protection.breakerOpenMs,
        services: deps.services,
        metrics: deps.metrics,
        log: deps.log,
      }),
    },
    serverMaxRequestBodyBytes: serverBodyLimit(protection.maxBodyBytes),
  };
}
