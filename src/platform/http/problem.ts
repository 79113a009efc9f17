import { t } from 'elysia';

/** RFC 9457 problem details: the one error format of every module and of the gateway. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
}

const titles: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  412: 'Precondition Failed',
  413: 'Content Too Large',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

export function problem(status: number, detail: string, type = 'about:blank'): Problem {
  return { type, title: titles[status] ?? 'Error', status, detail };
}

export function problemResponse(status: number, detail: string, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(problem(status, detail)), {
    status,
    headers: { 'content-type': 'application/problem+json', ...headers },
  });
}

/** The problem document, for OpenAPI response schemas. */
export const ProblemSchema = t.Object(
  { type: t.String(), title: t.String(), status: t.Integer(), detail: t.String() },
  { $id: '#/components/schemas/Problem', description: 'application/problem+json' },
);
