import type { Instance } from '../../platform/discovery/registry-protocol';
import type { ServiceLocator } from '../../platform/discovery/service-locator';
import type { Fetch } from '../../platform/http/local-fetch';
import { httpObserver, type RequestStart } from '../../platform/http/observe';
import { MAX_JSON_DEPTH, nestingWithin } from '../../platform/http/json-body';
import { pathOf, problemResponse } from '../../platform/http/problem';
import type { Logger } from '../../platform/log';
import type { HistogramSeries } from '../../platform/metrics/histogram';
import { Metrics } from '../../platform/metrics/metrics';
import { outcomeOf, type CircuitBreaker, type Outcome, type Pass } from './circuit-breaker';
import { TIMED_OUT, raceTimeout } from './deadline';
import type { OpenStreams } from './open-streams';
import { requestIdOf, rewriteDownstreamHeaders, upstreamHeaders, type ClientView } from './forwarding-headers';
import type { InstanceCircuits } from './instance-circuits';
import { TOO_LARGE, TOO_SLOW, declaredLength, readWithin } from './request-limits';
import type { RouteMatch } from './routes';

export interface ProxyDeps {
  locator: Pick<ServiceLocator, 'pick' | 'invalidate'>;
  fetch: Fetch;
  /** Bounds the wait for the upstream's response head; the body then streams for as long as it takes. */
  upstreamTimeoutMs: number;
  log: Logger;
  metrics?: Metrics;
  /** Largest request body forwarded; larger ones get a 413 and never reach an upstream. */
  maxBodyBytes?: number;
  /** How long a client may take to send its body; beyond it a 408, and no upstream is asked. */
  bodyTimeoutMs?: number;
  /** Event streams relayed, so that a stopping gateway can end them (see open-streams.ts). */
  streams?: OpenStreams;
  /** The upstream instances' circuit breakers, if circuit breaking is on. */
  circuits?: Pick<InstanceCircuits, 'of'>;
}

type Attempt =
  | { kind: 'answered'; response: Response }
  | { kind: 'timed-out' }
  | { kind: 'unreachable'; error: unknown }
  | { kind: 'cancelled' };

const IDEMPOTENT = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);
const NULL_BODY_STATUS = new Set([101, 204, 205, 304]);
/** Error answers the gateway relays as they are: JSON, as every module writes them (problem+json, health). */
const JSON_TYPE = /^application\/(?:[\w.-]+\+)?json\b/i;
const UNREADABLE: unique symbol = Symbol('unreadable');
const TOO_DEEP: unique symbol = Symbol('too deep');

/**
 * The upstream's response goes back as is, headers rewritten in place: no copy, and a body whose
 * length Bun knows keeps its Content-Length. Bun lets fetch responses' headers change; where a
 * runtime guards them (standard fetch), a copy is made.
 */
function relay(response: Response, method: string, requestId: string, prefix: string, origin: string): Response {
  try {
    rewriteDownstreamHeaders(response.headers, requestId, prefix, origin);
    return response;
  } catch {
    const headers = new Headers(response.headers);
    rewriteDownstreamHeaders(headers, requestId, prefix, origin);
    const body = method === 'HEAD' || NULL_BODY_STATUS.has(response.status) ? null : response.body;
    return new Response(body, { status: response.status, statusText: response.statusText, headers });
  }
}

/**
 * Forwards one request to a live instance of the matched service and relays its answer. Gateway
 * failures are problem+json that name the service, never an instance address or a stack trace.
 * Before anything is sent: the body limit (413), then the instances' circuit breakers: an instance
 * whose circuit is open is passed over for the next one, and only when every live instance's is
 * open does the request get a 503. Each circuit hears how every request it let through went.
 */
export function createProxy({ locator, fetch, upstreamTimeoutMs, log, metrics = new Metrics({ service: 'gateway' }), maxBodyBytes = Infinity, bodyTimeoutMs = 10_000, circuits, streams }: ProxyDeps) {
  const upstream = upstreamMetrics(metrics);
  // Proxied requests never reach Elysia's routing, so its after-response hook does not see them.
  const http = httpObserver(metrics, log);

  async function attempt(instance: Instance, upstreamPath: string, init: RequestInit, client: AbortSignal): Promise<Attempt> {
    const controller = new AbortController();
    // A client that hangs up cancels the upstream call. A listener costs less than AbortSignal.any
    // on this hot path; it goes away with the request.
    client.addEventListener('abort', () => controller.abort(), { once: true });
    try {
      const request = new Request(instance.url + upstreamPath, { ...init, signal: controller.signal });
      const started = performance.now();
      const response = await raceTimeout(fetch(request), upstreamTimeoutMs, () => controller.abort());
      if (response !== TIMED_OUT) upstream.answered(instance.service, (performance.now() - started) / 1000);
      return response === TIMED_OUT ? { kind: 'timed-out' } : { kind: 'answered', response };
    } catch (error) {
      return client.aborted ? { kind: 'cancelled' } : { kind: 'unreachable', error };
    }
  }

  return async function forward(request: Request, match: RouteMatch, client: ClientView, started: RequestStart): Promise<Response> {
    const response = await forwardOnce(request, match, client, started.fields);
    http.end(request, started, match.template, response.status, response);
    return response;
  };

  /**
   * The body to send upstream, or why there is none to send. A declared length over the limit is
   * refused before a byte is read. Every body is read whole, within the size limit and
   * `bodyTimeoutMs`, before an instance is picked. Streamed through, a body sent one byte at a
   * time held an upstream waiting until the gateway's upstream timeout, whose 504 then counted
   * against a healthy instance and opened its circuit for everyone: an upstream that gets the
   * whole request at once and still does not answer in time is the instance's failure alone.
   * It also lets an idempotent request be sent a second time. Bodies here are small JSON: POSTs
   * of one through the gateway were no slower read first than streamed (wrk, 5 runs each).
   * A JSON body's nesting is then checked (one pass, constant work per byte) before a byte of it
   * is sent: a deeply nested one costs its parser seconds.
   */
  async function bodyOf(request: Request, method: string): Promise<RequestInit['body'] | typeof TOO_LARGE | typeof TOO_SLOW | typeof UNREADABLE | typeof TOO_DEEP> {
    const length = declaredLength(request.headers);
    if (length !== undefined && length > maxBodyBytes) return TOO_LARGE;
    if (method === 'GET' || method === 'HEAD' || !request.body) return null;
    try {
      let read: ArrayBuffer | Uint8Array | typeof TOO_LARGE | typeof TOO_SLOW;
      if (length === undefined) read = await readWithin(request.body, maxBodyBytes, bodyTimeoutMs);
      else {
        // Of declared length (within the limit, which Bun holds the client to): Bun's own reader is
        // cheaper than reading it chunk by chunk. A body cut short by the timeout is left unread, and
        // the 408 closes the connection.
        const whole = await raceTimeout(request.arrayBuffer(), bodyTimeoutMs);
        read = whole === TIMED_OUT ? TOO_SLOW : whole;
      }
      if (read === TOO_LARGE || read === TOO_SLOW || !JSON_TYPE.test(request.headers.get('content-type') ?? '')) return read;
      return nestingWithin(read instanceof Uint8Array ? read : new Uint8Array(read), MAX_JSON_DEPTH) ? read : TOO_DEEP;
    } catch {
      return UNREADABLE;
    }
  }

  async function forwardOnce(request: Request, { route, upstreamPath }: RouteMatch, client: ClientView, fields: Record<string, unknown>): Promise<Response> {
    const { service, prefix } = route;
    const requestId = requestIdOf(request.headers);
    const traceHeader: Record<string, string> = fields.traceId ? { 'x-trace-id': String(fields.traceId) } : {};
    const fail = (status: number, detail: string, headers?: Record<string, string>) =>
      problemResponse(status, detail, { 'x-request-id': requestId, ...traceHeader, ...headers }, pathOf(request.url));
    // The circuit of the instance being tried, and how it let the request through. The locator
    // offers instances in round-robin order until one is taken: an instance is taken when its
    // circuit admits the request (which reserves a half-open circuit's one trial), so `breaker` is
    // always that of the instance picked.
    let breaker: CircuitBreaker | undefined;
    let pass: Pass = 'pass';
    let outcome: Outcome = 'neutral';
    /** Soonest an open circuit among those passed over lets a request through again. */
    let heldMs = Infinity;
    /** An instance already tried by this request, not to be picked again. */
    let tried: string | undefined;
    const accept = (instance: Instance): boolean => {
      if (instance.instanceId === tried) return false;
      if (!circuits) return true;
      const circuit = circuits.of(service, instance.instanceId);
      const admission = circuit.admit();
      if (typeof admission === 'number') {
        if (admission < heldMs) heldMs = admission;
        return false;
      }
      breaker = circuit;
      pass = admission;
      return true;
    };
    /** The tried instance's circuit hears how it went; once only, as it must. */
    const settle = (result: Outcome) => {
      breaker?.record(pass, result);
      breaker = undefined;
    };
    try {
      const method = request.method;
      const retryable = IDEMPOTENT.has(method);
      const body = await bodyOf(request, method);
      // The rest of the body is left unread: closing the connection spares reading and discarding it.
      if (body === TOO_LARGE) return fail(413, `the request body exceeds the limit of ${maxBodyBytes} bytes`, { connection: 'close' });
      if (body === TOO_SLOW) return fail(408, `the request body did not arrive within ${bodyTimeoutMs} ms`, { connection: 'close' });
      if (body === TOO_DEEP) return fail(400, `JSON nesting deeper than ${MAX_JSON_DEPTH} levels`);
      if (body === UNREADABLE) return request.signal.aborted ? fail(499, 'request cancelled by the client') : fail(400, 'the request body could not be read');

      // Without circuits no predicate: the plain round-robin pick, as cheap as it gets.
      let instance = await locator.pick(service, circuits ? accept : undefined).catch((error) => {
        log.warn('discovery unreachable', { ...fields, service, error });
        return undefined;
      });
      if (!instance && heldMs !== Infinity) {
        // Live instances, every one of them with its circuit open.
        upstream.failed(service, 'circuit-open');
        const seconds = Math.max(1, Math.ceil(heldMs / 1000));
        return fail(503, `service ${service} is failing; requests to it are held back for ${seconds} s`, { 'retry-after': String(seconds) });
      }
      if (!instance) {
        upstream.failed(service, 'no-instance');
        return fail(503, `no live instance of service ${service}`);
      }

      const init = { method, headers: upstreamHeaders(request.headers, client, requestId, prefix), body, redirect: 'manual', duplex: 'half' } as RequestInit;

      let result = await attempt(instance, upstreamPath, init, request.signal);
      if (result.kind === 'unreachable') {
        locator.invalidate(service, instance);
        upstream.failed(service, 'unreachable');
        log.warn('upstream unreachable', { ...fields, service, instance: instance.url, error: result.error });
        let next: Instance | undefined;
        if (retryable) {
          // Its failure counts against it before another instance, with a circuit of its own, is picked.
          settle('failure');
          tried = instance.instanceId;
          next = await locator.pick(service, accept).catch(() => undefined);
        }
        if (next) {
          instance = next;
          result = await attempt(instance, upstreamPath, init, request.signal);
          if (result.kind === 'unreachable') {
            locator.invalidate(service, instance);
            upstream.failed(service, 'unreachable');
            log.warn('upstream unreachable', { ...fields, service, instance: instance.url, error: result.error });
          }
        }
      }

      switch (result.kind) {
        case 'answered': {
          const { response } = result;
          outcome = outcomeOf(response.status);
          // A crashed upstream may answer with a stack trace or a framework's error page: only
          // JSON error answers (what the modules write) go out as they are.
          if (response.status >= 500 && !JSON_TYPE.test(response.headers.get('content-type') ?? '')) {
            response.body?.cancel().catch(() => undefined);
            log.warn('upstream failed', { ...fields, service, instance: instance.url, status: response.status });
            return fail(response.status, `service ${service} could not complete the request`);
          }
          const relayed = relay(response, method, requestId, prefix, instance.url);
          return streams ? streams.relay(relayed) : relayed;
        }
        case 'timed-out':
          outcome = 'failure';
          upstream.failed(service, 'timeout');
          log.warn('upstream timed out', { ...fields, service, instance: instance.url, timeoutMs: upstreamTimeoutMs });
          return fail(504, `service ${service} did not answer within ${upstreamTimeoutMs} ms`);
        case 'unreachable':
          outcome = 'failure';
          return fail(502, `service ${service} could not be reached`);
        case 'cancelled':
          // The client went away; nobody reads this. 499 as in nginx: "client closed request".
          return fail(499, 'request cancelled by the client');
        default: {
          const never: never = result;
          throw new Error(`unexpected attempt ${JSON.stringify(never)}`);
        }
      }
    } catch (error) {
      log.error('forwarding failed', { ...fields, service, error });
      return fail(500, 'the request could not be completed');
    } finally {
      settle(outcome);
    }
  }
}

type UpstreamFailure = 'no-instance' | 'unreachable' | 'timeout' | 'circuit-open';

/**
 * `gateway_upstream_request_duration_seconds{upstream}` (until the upstream's response head) and
 * `gateway_upstream_errors_total{upstream,kind}`; each upstream's kinds start at 0 when first seen.
 */
function upstreamMetrics(metrics: Metrics) {
  const duration = metrics.histogram('gateway_upstream_request_duration_seconds', 'Time until an upstream instance answered (response head)', ['upstream']);
  const errors = metrics.counter('gateway_upstream_errors_total', 'Requests the gateway could not get answered, by upstream and kind', ['upstream', 'kind']);
  const durations = new Map<string, HistogramSeries>();
  const init = (upstream: string) => {
    let found = durations.get(upstream);
    if (found) return found;
    durations.set(upstream, (found = duration.child(upstream)));
    for (const kind of ['no-instance', 'unreachable', 'timeout', 'circuit-open'] satisfies UpstreamFailure[]) errors.inc({ upstream, kind }, 0);
    return found;
  };
  return {
    answered(upstream: string, seconds: number) {
      init(upstream).observe(seconds);
    },
    failed(upstream: string, kind: UpstreamFailure) {
      init(upstream);
      errors.inc({ upstream, kind });
    },
  };
}
