import { Elysia, t } from 'elysia';
import { DomainError, type DomainErrorKind } from '../errors';
import type { EventMetadata } from '../events/envelope';
import type { Logger } from '../log';
import { problemResponse } from './problem';

const statusOf: Record<DomainErrorKind, number> = {
  invalid: 400,
  'not-found': 404,
  conflict: 409,
  stale: 412,
  unavailable: 503,
};

export const HealthSchema = t.Object({ status: t.Union([t.Literal('UP'), t.Literal('DOWN')]) });

/** Request metadata that follows a command into the events it causes. */
export function requestMetadata(request: Request): EventMetadata {
  const headers = request.headers;
  const correlationId = headers.get('x-correlation-id') ?? headers.get('x-request-id') ?? crypto.randomUUID();
  const traceparent = headers.get('traceparent') ?? undefined;
  return { correlationId, causationId: headers.get('x-request-id') ?? correlationId, ...(traceparent ? { traceparent } : {}) };
}

function validationDetail(error: any): string {
  const where = typeof error.type === 'string' ? error.type : 'request';
  const issues: any[] = Array.isArray(error.all) ? error.all : [];
  const lines = issues.slice(0, 5).map((issue) => {
    const path = issue.path ? issue.path.replace(/^\//, '').replaceAll('/', '.') : issue.schema?.title ?? '';
    const got = issue.path ? '' : ` (got ${JSON.stringify(issue.value)})`;
    return `${where === 'property' ? 'parameter' : where}${path ? ' ' + path : ''}: ${issue.summary ?? issue.message}${got}`;
  });
  return lines.length ? [...new Set(lines)].join('; ') : `invalid ${where}`;
}

/**
 * The base of every module's Elysia app: problem+json errors for every failure path (never a
 * stack trace), and `/actuator/health`. Modules chain their routes onto the returned instance.
 */
export function createHttpApp(options: { name: string; log: Logger; health: () => Promise<boolean> }) {
  const { log } = options;
  return new Elysia({ name: options.name })
    .onError(({ code, error, request }) => {
      if (error instanceof DomainError) return problemResponse(statusOf[error.kind], error.message);
      switch (code) {
        case 'VALIDATION':
          return problemResponse(400, validationDetail(error));
        case 'PARSE':
          return problemResponse(400, 'request body is not valid JSON');
        case 'NOT_FOUND':
          return problemResponse(404, `no route for ${request.method} ${new URL(request.url).pathname}`);
        default: {
          const status = (error as { status?: number }).status;
          if (typeof status === 'number' && status >= 400 && status < 500) {
            return problemResponse(status, (error as Error).message || 'bad request');
          }
          log.error('unhandled error', { error: error as Error, path: new URL(request.url).pathname });
          return problemResponse(500, 'the request could not be completed');
        }
      }
    })
    .get(
      '/actuator/health',
      async ({ set }) => {
        const up = await options.health();
        set.status = up ? 200 : 503;
        return { status: up ? ('UP' as const) : ('DOWN' as const) };
      },
      { response: { 200: HealthSchema, 503: HealthSchema }, detail: { tags: ['health'], summary: 'Health of this module' } },
    );
}
