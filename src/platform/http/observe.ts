import type { HistogramSeries } from '../metrics/histogram';
import type { LogFields, Logger } from '../log';
import type { Metrics } from '../metrics/metrics';
import { pathOf } from './problem';
import { saneId } from './request-id';
import { epochOf } from '../tracing/spans';
import { continueTrace, formatTraceparent, parseTraceparent, type TraceContext } from '../tracing/traceparent';

const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']);

/** Label for requests no route matched: raw paths would make one series per URL ever tried. */
export const UNMATCHED_ROUTE = 'unmatched';

export interface RequestStart {
  startedAt: number;
  /** Trace id, span id, correlation id: every line logged about this request carries them. */
  fields: LogFields;
  /** This server's span, reported at `end` when spans are exported. */
  trace?: TraceContext;
}

/**
 * What every HTTP server records per request: the duration histogram (by method, route template
 * and status), one access-log line carrying the trace and, when spans are exported, a server span
 * with the ids the log line shows. Successes and 4xx log at debug, so a busy
 * server does not write a line per request unless asked to (LOG_LEVEL=debug); 5xx at warn.
 *
 * A 4xx is the caller's mistake or an expected answer (one unknown friend made three 404s: the
 * gateway's, friend's, and user's to friend's existence check), so it is no news at info; the
 * metrics count them. At debug each failure line says why: the problem's `detail`.
 */
export function httpObserver(metrics: Metrics, log: Logger) {
  const duration = metrics.histogram(
    'http_server_request_duration_seconds',
    'Time to answer an HTTP request, by route template (proxied requests: until the upstream answered)',
    ['method', 'route', 'status'],
  );
  const spans = metrics.spans;
  // One series per (method, route, status), created once and kept. Nested maps rather than one
  // map under a joined key: joining builds a new string per request, which is hashed at each look-up.
  const series = new Map<string, Map<string, Map<number, HistogramSeries>>>();
  const child = (method: string, route: string, status: number) => {
    let byRoute = series.get(method);
    if (!byRoute) series.set(method, (byRoute = new Map()));
    let byStatus = byRoute.get(route);
    if (!byStatus) byRoute.set(route, (byStatus = new Map()));
    let found = byStatus.get(status);
    if (!found) byStatus.set(status, (found = duration.child(method, route, status)));
    return found;
  };

  return {
    /**
     * Continues the caller's trace (or starts one) with a span for this server, and puts that span
     * in the request's `traceparent`: what this request causes (events, proxied calls) is its child.
     */
    begin(request: Request): RequestStart {
      const trace = continueTrace(request.headers.get('traceparent'));
      // A trace begun here is sampled here (OTEL_TRACES_SAMPLER_ARG); the flag tells every later hop.
      if (spans.enabled && trace.parentSpanId === undefined && !spans.keepsRoot(trace.traceId)) trace.flags = '00';
      try {
        request.headers.set('traceparent', formatTraceparent(trace));
      } catch {
        // Immutable headers (not Bun): downstream then sees the caller's span; the trace id is the same.
      }
      return { startedAt: performance.now(), fields: requestFields(request, trace), trace };
    },

    /**
     * `why`, for a failure: the problem's detail, or the answer itself, whose problem+json body is
     * then read (a copy of it) only when the line is written.
     */
    end(request: Request, start: RequestStart, route: string | undefined, status: number, why?: string | Response): void {
      const method = KNOWN_METHODS.has(request.method) ? request.method : 'OTHER';
      const answeredAt = performance.now();
      const seconds = (answeredAt - start.startedAt) / 1000;
      child(method, route ?? UNMATCHED_ROUTE, status).observe(seconds);
      if (spans.enabled && start.trace && !unTraced(request.url)) {
        spans.record({
          name: route ? `${method} ${route}` : method,
          kind: 'server',
          trace: start.trace,
          startedAt: epochOf(start.startedAt),
          endedAt: epochOf(answeredAt),
          attributes: { 'http.request.method': method, 'http.route': route ?? UNMATCHED_ROUTE, 'url.path': pathOf(request.url), 'http.response.status_code': status },
          ...(status >= 500 ? { error: `HTTP ${status}` } : {}),
        });
      }
      const level = status >= 500 ? 'warn' : 'debug';
      if (!log.enabled(level)) return;
      const fields = { ...start.fields, method, route: route ?? UNMATCHED_ROUTE, path: pathOf(request.url), status, durationMs: Math.round(seconds * 1e4) / 10 };
      if (status < 400 || why === undefined) return log[level]('request', fields);
      if (typeof why === 'string') return log[level]('request', { ...fields, detail: why });
      void problemDetail(why).then((detail) => log[level]('request', detail === undefined ? fields : { ...fields, detail }));
    },
  };
}

export type HttpObserver = ReturnType<typeof httpObserver>;

/** Log fields of a request: its trace (as `begin` set it) and correlation id, where known. */
export function requestFields(request: Request, trace: Pick<TraceContext, 'traceId' | 'spanId'> | undefined = parseTraceparent(request.headers.get('traceparent'))): LogFields {
  const correlationId = saneId(request.headers.get('x-correlation-id')) ?? saneId(request.headers.get('x-request-id'));
  // Filled in place rather than spread from temporary objects: this runs on every request.
  const fields: LogFields = {};
  if (trace) {
    fields.traceId = trace.traceId;
    fields.spanId = trace.spanId;
  }
  if (correlationId) fields.correlationId = correlationId;
  return fields;
}

/** The `detail` of a problem+json answer (a proxied one, say), without consuming the body the client gets. */
async function problemDetail(response: Response): Promise<string | undefined> {
  if (!response.headers.get('content-type')?.startsWith('application/problem+json') || response.bodyUsed) return undefined;
  try {
    const detail = ((await response.clone().json()) as { detail?: unknown } | null)?.detail;
    return typeof detail === 'string' ? detail : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Probes and scrapes (`/actuator/health...`, `/metrics`, also through the gateway): every few
 * seconds from every prober, they would bury the traces of real requests. Their metrics remain.
 */
function unTraced(url: string): boolean {
  const path = pathOf(url);
  return path.includes('/actuator/') || path.endsWith('/actuator') || path.endsWith('/metrics');
}

