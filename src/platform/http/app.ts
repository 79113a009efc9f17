import type { Server } from 'bun';
import { Elysia, t } from 'elysia';
import { isDatabaseUnavailable } from '../db/database';
import { ConsistencyError } from '../consistency/consistency-gate';
import { DomainError, type DomainErrorKind } from '../errors';
import type { EventMetadata } from '../events/envelope';
import type { Logger } from '../log';
import { Metrics } from '../metrics/metrics';
import { guarding } from './internal-auth';
import { allowedMethods } from './allowed-methods';
import { BodyRejected, parseJsonBody } from './json-body';
import { httpObserver, requestFields, type RequestStart } from './observe';
import { documented } from './openapi-docs';
import { pathOf, problemResponse } from './problem';
import { saneId } from './request-id';
import { strictParameters } from './strict-params';
import { textIssue } from './text';

const statusOf: Record<DomainErrorKind, number> = {
  invalid: 400,
  'not-found': 404,
  gone: 410,
  conflict: 409,
  stale: 412,
  unavailable: 503,
};

export const HealthSchema = t.Object({ status: t.Union([t.Literal('UP'), t.Literal('DOWN')]) });

/** The health endpoints' documentation: open without credentials, for load balancers and probes. */
const healthDoc = (summary: string, description: string) => ({
  response: { 200: HealthSchema, 503: HealthSchema },
  detail: documented({
    tags: ['health'],
    summary,
    description: `${description} Open without credentials, for load balancers and probes.`,
    responses: { 200: { description: 'Up', example: { status: 'UP' } }, 503: { description: 'Down: do not send it traffic', example: { status: 'DOWN' } } },
  }),
});

/** Request metadata that follows a command into the events it causes; ids that are not sane tokens are replaced. */
export function requestMetadata(request: Request): EventMetadata {
  const headers = request.headers;
  const requestId = saneId(headers.get('x-request-id'));
  const correlationId = saneId(headers.get('x-correlation-id')) ?? requestId ?? crypto.randomUUID();
  const traceparent = headers.get('traceparent') ?? undefined;
  return { correlationId, causationId: requestId ?? correlationId, ...(traceparent ? { traceparent } : {}) };
}

function validationDetail(error: any): string {
  const where = typeof error.type === 'string' ? error.type : 'request';
  const issues: any[] = Array.isArray(error.all) ? error.all : [];
  const lines = issues.slice(0, 5).map((issue) => {
    const path = issue.path ? issue.path.replace(/^\//, '').replaceAll('/', '.') : issue.schema?.title ?? '';
    const got = issue.path ? '' : ` (got ${JSON.stringify(issue.value)})`;
    return `${where === 'property' ? 'parameter' : where}${path ? ' ' + path : ''}: ${textIssue(issue) ?? issue.summary ?? issue.message}${got}`;
  });
  return lines.length ? [...new Set(lines)].join('; ') : `invalid ${where}`;
}

/** A path prefix the gateway routes by (`/user`): plain segments only, whatever a client sends. */
const PREFIX = /^(?:\/[A-Za-z0-9._-]+){1,4}$/;

/**
 * A problem's `instance`: the request's path as the client sent it. Behind the gateway that path
 * starts with the route prefix, which the gateway passes as `x-forwarded-prefix`.
 */
function instanceOf(request: Request, path: string): string {
  const prefix = request.headers.get('x-forwarded-prefix');
  return prefix && prefix.length <= 64 && PREFIX.test(prefix) ? prefix + path : path;
}

/**
 * Bun's own answer when a request fails outside the app's handlers. Never its development page,
 * which shows stack frames, file paths and source lines.
 */
function serverError(): Response {
  return problemResponse(500, 'the request could not be completed');
}

/** A health endpoint's handler: 200 UP or 503 DOWN, as Spring Boot's actuator answers. */
function healthAnswer(check: () => Promise<boolean>) {
  return async ({ set }: { set: { status?: number | string } }) => {
    const up = await check().catch(() => false);
    set.status = up ? 200 : 503;
    return { status: up ? ('UP' as const) : ('DOWN' as const) };
  };
}


/** What the app's hooks keep on Elysia's per-request context: hooks chained after them may read it. */
export type Observed = { observed?: RequestStart };

/**
 * The base of every module's Elysia app: problem+json errors for every failure path (never a
 * stack trace), `/actuator/health` with its `liveness` and `readiness` groups, `/metrics` (Prometheus text; hidden from OpenAPI), and per
 * request a duration sample by route template plus an access-log line carrying the trace.
 * Modules chain their routes onto the returned instance.
 */
export function createHttpApp(options: {
  name: string;
  log: Logger;
  /** Readiness: whether this module can serve (its database, its routes); `/actuator/health` too. */
  health: () => Promise<boolean>;
  /**
   * Liveness: whether the process should be restarted. Never the database's state: an outage
   * would restart every pod and make it worse. Defaults to "it answers HTTP".
   */
  liveness?: () => Promise<boolean>;
  metrics?: Metrics;
  /**
   * Paths Bun's router hands straight to a handler when the app listens, bypassing Elysia: none of
   * the hooks below run, so such a handler observes and answers errors itself (the gateway's proxy).
   */
  serverRoutes?: Record<string, (request: Request, server: Server<unknown>) => Response | Promise<Response>>;
  /** Checks every request before routing; throwing an error with a 4xx `status` refuses it (internal-auth.ts). */
  guard?: (request: Request) => Promise<void>;
}) {
  const { log } = options;
  const metrics = options.metrics ?? new Metrics({ service: options.name });
  const observer = httpObserver(metrics, log);

  /** The problem an error answers (status, detail, extra headers); the detail also goes to the access line. */
  function problemFor(code: string | number, error: unknown, request: Request): [number, string, Record<string, string>?] {
    const path = pathOf(request.url);
    if (error instanceof DomainError) return [statusOf[error.kind], error.message];
    if (error instanceof ConsistencyError) return [error.status, error.message, error.headers];
    // A database that is down is the caller's "try again later", not a bug of this service.
    if (isDatabaseUnavailable(error)) return [503, 'the database is unavailable; retry later'];
    switch (code) {
      case 'VALIDATION':
        return [400, validationDetail(error)];
      case 'PARSE': {
        const cause = (error as { cause?: unknown }).cause;
        if (cause instanceof BodyRejected) return [cause.status, cause.message];
        return [400, 'request body is not valid JSON'];
      }
      case 'NOT_FOUND': {
        const allow = allowedMethods(app.routes, path);
        if (allow.length) return [405, `${request.method} is not allowed on ${path}; allowed: ${allow.join(', ')}`, { allow: allow.join(', ') }];
        return [404, `no route for ${request.method} ${path}`];
      }
      default: {
        const status = (error as { status?: number }).status;
        if (typeof status === 'number' && status >= 400 && status < 500) {
          return [status, (error as Error).message || 'bad request'];
        }
        log.error('unhandled error', { error: error as Error, path, ...requestFields(request) });
        return [500, 'the request could not be completed'];
      }
    }
  }

  const checkParameters = strictParameters(() => app.routes);

  const app = new Elysia({
    name: options.name,
    // Routes by the request's path whatever the Host header says: by default Elysia takes the
    // path to start after the 11th character of the URL (`http://a.bc`), so with `Host: x`
    // `/user/metrics` was routed as `/metrics`.
    handler: { standardHostname: false },
    // Never development mode, whatever NODE_ENV says: Bun's development error page shows stack
    // frames and source lines. `error` answers what fails outside the app's handlers.
    serve: { development: false, error: serverError, ...(options.serverRoutes ? { routes: options.serverRoutes } : {}) },
  })
    .onRequest((ctx) => {
      const observed = ((ctx as Observed).observed = observer.begin(ctx.request));
      // Tells the caller which trace id to look for in the logs (`x-request-id` is echoed likewise).
      ctx.set.headers['x-trace-id'] = observed.fields.traceId as string;
      // Bun gives a request whose Host is empty or invalid (or a CONNECT) a URL without scheme and
      // host, which Elysia would cut at the wrong place: `/friend/metrics` was routed as `/metrics`.
      // RFC 9112 §3.2: such a request is a 400.
      const url = ctx.request.url;
      if (!url.startsWith('http://') && !url.startsWith('https://')) {
        const detail = 'the request needs a valid Host header and a path';
        const response = problemResponse(400, detail, { 'x-trace-id': observed.fields.traceId as string });
        observer.end(ctx.request, observed, undefined, 400, detail);
        return response;
      }
    })
    // After the trace began, so a refusal is observed and logged like any answer.
    .use(guarding(options.guard))
    // Observed when the answer is ready, here or in onError: an after-response hook would cost a
    // deferred callback per request (Elysia runs those in a setImmediate) and measure that delay too.
    .onAfterHandle((ctx) => {
      const { observed } = ctx as Observed;
      if (!observed) return;
      const response = (ctx as { response?: unknown }).response;
      const status = response instanceof Response ? response.status : typeof ctx.set.status === 'number' ? ctx.set.status : 200;
      observer.end(ctx.request, observed, ctx.route || undefined, status, response instanceof Response ? response : undefined);
    })
    .onError((ctx) => {
      const [status, detail, headers] = problemFor(ctx.code, ctx.error, ctx.request);
      const { observed } = ctx as Observed;
      if (observed) observer.end(ctx.request, observed, ctx.route || undefined, status, detail);
      return problemResponse(status, detail, headers, instanceOf(ctx.request, pathOf(ctx.request.url)));
    })
    // Every body is JSON, read strictly (see json-body.ts); Elysia's own parsers would read text
    // and form bodies by their content type, and decode invalid UTF-8 as U+FFFD.
    .onParse(async ({ request }) => parseJsonBody(request.body ? await request.bytes() : new Uint8Array(), request.headers.get('content-type')))
    .onTransform(({ request, route, params, query }) => checkParameters(request, route, params as Record<string, unknown> | undefined, query))
    // Spring Boot's paths: the Kubernetes probes use the two groups, older clients the whole.
    .get('/actuator/health', healthAnswer(options.health), healthDoc('Health of this module (same as readiness)', 'UP when the module can serve: its database (and graph) answer, or for the gateway every route has a live instance.'))
    .get('/actuator/health/liveness', healthAnswer(options.liveness ?? (async () => true)), healthDoc('Liveness: the process runs', 'UP while the process answers; never depends on the database, so an outage of it restarts nothing.'))
    .get('/actuator/health/readiness', healthAnswer(options.health), healthDoc('Readiness: the module can serve', 'UP when the module can serve: its database (and graph) answer, or for the gateway every route has a live instance.'))
    // Scraped on each instance's own port; the gateway never forwards it (see its routes).
    .get('/metrics', async () => new Response(await metrics.text(), { headers: { 'content-type': metrics.contentType } }), {
      detail: { hide: true },
    });
  return app;
}
