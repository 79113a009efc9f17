import { problemResponse } from '../../platform/http/problem';

/**
 * Cross-origin access for browser apps served from another origin (the Fetch standard's CORS
 * protocol). Off unless configured: the gateway then adds nothing and checks nothing per request.
 */
export interface CorsPolicy {
  /** Exact origins (`https://app.example`, as browsers send them), or `*`: any origin, never with credentials. */
  origins: readonly string[] | '*';
  /** Send `Access-Control-Allow-Credentials: true` (cookies, Authorization from `credentials: 'include'`); exact origins only. */
  allowCredentials: boolean;
}

/** What a preflight may ask for; GET, HEAD and POST need no preflight, but are listed for clarity. */
export const CORS_ALLOWED_METHODS = ['GET', 'POST', 'PUT', 'DELETE'] as const;
/** Request headers a page may send beyond the CORS-safelisted ones: what the API reads. */
export const CORS_ALLOWED_HEADERS = ['content-type', 'authorization', 'if-match', 'x-request-id', 'x-correlation-id', 'traceparent', 'consistency-token'] as const;
/**
 * Response headers a page may read beyond the safelisted ones: concurrency (ETag), created
 * resources (Location), back-off (Retry-After), support (trace and request ids), read-your-writes.
 */
export const CORS_EXPOSED_HEADERS = ['ETag', 'Location', 'Retry-After', 'x-trace-id', 'x-request-id', 'Consistency-Token'] as const;
/** How long a browser may reuse a preflight's answer (Chromium caps it at 2 h, Firefox at 24 h). */
export const CORS_MAX_AGE_SECONDS = 600;

export type HeaderTable = Readonly<Record<string, string>>;

/**
 * The CORS side of the gateway: whether a request is a preflight, the preflight's answer, and the
 * headers an actual answer carries. Header tables are built once per allowed origin (the list is
 * short and fixed), so an answer only copies a few prepared strings.
 */
export function createCors(policy: CorsPolicy) {
  const any = policy.origins === '*';
  const allowed = new Set(any ? [] : policy.origins);
  const credentials: HeaderTable = !any && policy.allowCredentials ? { 'access-control-allow-credentials': 'true' } : {};
  // With exact origins an answer depends on the request's Origin, so every answer says so, those
  // to other origins or without one too: a shared cache must not hand one origin's answer to another.
  const vary: HeaderTable = any ? {} : { vary: 'Origin' };
  const allowOrigin = (origin: string): HeaderTable => ({ 'access-control-allow-origin': any ? '*' : origin, ...credentials, ...vary });

  const actual = new Map<string, HeaderTable>();
  const preflightHeaders = new Map<string, HeaderTable>();
  const exposed = CORS_EXPOSED_HEADERS.join(', ');
  const preflight = {
    'access-control-allow-methods': CORS_ALLOWED_METHODS.join(', '),
    'access-control-allow-headers': CORS_ALLOWED_HEADERS.join(', '),
    'access-control-max-age': String(CORS_MAX_AGE_SECONDS),
  };
  for (const origin of any ? ['*'] : allowed) {
    actual.set(origin, { ...allowOrigin(origin), 'access-control-expose-headers': exposed });
    preflightHeaders.set(origin, { ...allowOrigin(origin), ...preflight });
  }
  const key = (origin: string | null) => (any ? '*' : origin ?? '');

  return {
    /** A browser's preflight: OPTIONS naming the method the page wants to send. Other OPTIONS go on as before. */
    isPreflight: (request: Request): boolean =>
      request.method === 'OPTIONS' && request.headers.has('origin') && request.headers.has('access-control-request-method'),

    /**
     * 204 with what an allowed origin may send. Another origin gets a 403 problem (without CORS
     * headers, so the browser refuses too): answered here, it never reaches a service, and whoever
     * looks at the browser's network tab reads why.
     */
    preflight(request: Request, headers: HeaderTable = {}): Response {
      const origin = request.headers.get('origin')!;
      const granted = preflightHeaders.get(key(origin));
      if (!granted) return problemResponse(403, `cross-origin requests from ${JSON.stringify(origin.slice(0, 200))} are not allowed (CORS_ORIGINS)`, { ...vary, ...headers });
      return new Response(null, { status: 204, headers: { ...granted, ...headers } });
    },

    /** The headers of an actual answer to a request from `origin` (the request's Origin header). */
    headersFor: (origin: string | null): HeaderTable => actual.get(key(origin)) ?? vary,

    /** Adds `headersFor`'s headers to an answer: in place where its headers may change (Bun), else to a copy. */
    decorate(response: Response, origin: string | null): Response {
      const headers = actual.get(key(origin)) ?? vary;
      try {
        applyTo(response.headers, headers);
        return response;
      } catch {
        const copy = new Headers(response.headers);
        applyTo(copy, headers);
        return new Response(response.body, { status: response.status, statusText: response.statusText, headers: copy });
      }
    },
  };
}

export type Cors = ReturnType<typeof createCors>;

/** Sets the CORS headers (the gateway's word wins over an upstream's), and adds Origin to any Vary there is. */
function applyTo(target: Headers, headers: HeaderTable): void {
  for (const name in headers) {
    if (name !== 'vary') target.set(name, headers[name]!);
    else {
      const present = target.get('vary');
      if (!present) target.set('vary', 'Origin');
      else if (!/(^|,)\s*(origin|\*)\s*(,|$)/i.test(present)) target.set('vary', `${present}, Origin`);
    }
  }
}
