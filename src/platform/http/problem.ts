import { t } from 'elysia';

/** RFC 9457 problem details: the one error format of every module and of the gateway. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  /** The path of the request that failed, so a report can say which occurrence it was. */
  instance?: string;
}

const titles: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  409: 'Conflict',
  410: 'Gone',
  412: 'Precondition Failed',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

export function problem(status: number, detail: string, type = 'about:blank', instance?: string): Problem {
  const body: Problem = { type, title: titles[status] ?? 'Error', status, detail };
  if (instance !== undefined) body.instance = instance;
  return body;
}

/**
 * The path of a request URL (a problem's `instance`), never throwing: a `CONNECT host:port`
 * request has no path, and an exception in the error handler is what made Bun show its own error page.
 */
export function pathOf(url: string): string {
  const scheme = url.indexOf('://');
  const start = url.indexOf('/', scheme === -1 ? 0 : scheme + 3);
  if (start === -1) return '/';
  const end = url.slice(start).search(/[?#]/);
  return end === -1 ? url.slice(start) : url.slice(start, start + end);
}

/** `instance` is the request's path when the caller has it (the error handler always does). */
export function problemResponse(status: number, detail: string, headers: Record<string, string> = {}, instance?: string): Response {
  return new Response(JSON.stringify(problem(status, detail, 'about:blank', instance)), {
    status,
    headers: { 'content-type': 'application/problem+json', ...headers },
  });
}

/** The problem document, for OpenAPI response schemas. */
export const ProblemSchema = t.Object(
  {
    type: t.String({ description: 'a URI naming the kind of problem; `about:blank` when the status says it all' }),
    title: t.String({ description: 'the status in words' }),
    status: t.Integer({ description: 'the HTTP status' }),
    detail: t.String({ description: 'what was wrong with this request, for a person to read' }),
    instance: t.Optional(t.String({ description: 'the path of the request that failed' })),
  },
  { $id: '#/components/schemas/Problem', description: 'RFC 9457 problem details, sent as application/problem+json' },
);
