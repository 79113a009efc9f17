import type { ServiceLocator } from '../../platform/discovery/service-locator';
import { HealthSchema } from '../../platform/http/app';
import type { InternalAuth } from '../../platform/http/internal-auth';
import type { Fetch } from '../../platform/http/local-fetch';
import { responseHeaders } from '../../platform/http/openapi-docs';
import { problem, ProblemSchema } from '../../platform/http/problem';
import type { Logger } from '../../platform/log';
import { withBearerAuth } from './auth/openapi';
import { consoleDocPaths } from './console/openapi';
import { TIMED_OUT, raceTimeout } from './deadline';
import { mergeOpenApi, type MissingUpstream, type UpstreamDoc } from './openapi-merge';
import type { OpenApiDoc } from '../../platform/http/openapi-normalize';
import type { GatewayRoute } from './routes';

export interface MergedDocsDeps {
  locator: Pick<ServiceLocator, 'pick'>;
  fetch: Fetch;
  routes: readonly GatewayRoute[];
  timeoutMs: number;
  /** How long one merged document is served before the upstreams are asked again. */
  cacheMs: number;
  log: Logger;
  /** The gateway requires bearer tokens: the document says so, and Swagger UI offers to send one. */
  bearerAuth?: boolean;
  /** Modules that require internal credentials serve their documents to the gateway's own credential. */
  internalAuth?: Pick<InternalAuth, 'callHeaders'>;
}

/** TypeBox schemas are JSON Schema; the round trip drops their symbol keys and `$id`. */
const plain = (schema: object) => {
  const { $id: _id, ...rest } = JSON.parse(JSON.stringify(schema));
  return rest;
};


const healthContent = (status: 'UP' | 'DOWN') => ({ 'application/json': { schema: { $ref: '#/components/schemas/GatewayHealth' }, example: { status } } });
const UP = { description: 'UP', content: healthContent('UP') };
const DOWN = { description: 'DOWN: a routed service has no live instance yet', content: healthContent('DOWN') };

/** The gateway's own part of the document. */
const own: OpenApiDoc = {
  paths: {
    '/actuator/health': {
      get: {
        operationId: 'gatewayHealth',
        tags: ['gateway'],
        summary: 'Health of the gateway itself',
        description: 'Same as readiness: UP once every routed service has had a live instance. The health of a service behind it is at `/{prefix}/actuator/health`.',
        responses: { '200': UP, '503': DOWN },
      },
    },
    '/actuator/health/liveness': {
      get: {
        operationId: 'gatewayLiveness',
        tags: ['gateway'],
        summary: 'Liveness of the gateway: its process answers',
        description: 'UP while the process answers, whatever the services behind it do.',
        responses: { '200': UP },
      },
    },
    ...consoleDocPaths,
    '/actuator/health/readiness': {
      get: {
        operationId: 'gatewayReadiness',
        tags: ['gateway'],
        summary: 'Readiness of the gateway: every routed service had a live instance',
        description: 'DOWN until each routed service has had a live, health-checked instance; then UP (one service leaving later costs only its routes).',
        responses: { '200': UP, '503': DOWN },
      },
    },
  },
  components: {
    schemas: { GatewayHealth: plain(HealthSchema), GatewayProblem: plain(ProblemSchema) },
    responses: {
      GatewayProblem: {
        description:
          'From the gateway: body too slow to arrive (408), body too large (413), too many requests from this client (429, see Retry-After), ' +
          'request head too large (431), instance unreachable (502), no live instance or circuit open (503, Retry-After when open), or too slow (504)',
        headers: {
          'retry-after': { ...responseHeaders['retry-after'], description: 'On 429, and on 503 while the circuit is open: seconds to wait' },
          'x-trace-id': responseHeaders['x-trace-id'],
        },
        content: {
          'application/problem+json': {
            schema: { $ref: '#/components/schemas/GatewayProblem' },
            example: { ...problem(503, 'service user is failing; requests to it are held back for 5 s'), instance: '/user/v1/users/42' },
          },
        },
      },
    },
  },
  tags: [{ name: 'gateway', description: 'The gateway itself' }],
};
const gatewayProblem = { $ref: '#/components/responses/GatewayProblem' };
// What the gateway's protections and forwarding can answer on any operation it forwards.
const gatewayResponses = Object.fromEntries(['408', '413', '429', '431', '502', '503', '504'].map((status) => [status, gatewayProblem]));

/**
 * The merged OpenAPI document, built from each upstream's `/swagger/json` on demand and cached for
 * a few seconds; concurrent readers share one build. A service that is down is left out and named
 * in the description, so the document is always served.
 */
export function createMergedDocs({ locator, fetch, routes, timeoutMs, cacheMs, log, bearerAuth = false, internalAuth }: MergedDocsDeps) {
  async function fetchDoc(route: GatewayRoute): Promise<{ doc: OpenApiDoc } | { reason: string }> {
    try {
      const instance = await locator.pick(route.service);
      if (!instance) return { reason: 'no live instance' };
      const controller = new AbortController();
      const headers = await internalAuth?.callHeaders(route.service);
      const request = new Request(`${instance.url}/swagger/json`, { signal: controller.signal, ...(headers ? { headers } : {}) });
      const res = await raceTimeout(fetch(request), timeoutMs, () => controller.abort());
      if (res === TIMED_OUT) return { reason: 'did not answer in time' };
      if (!res.ok) return { reason: `answered ${res.status}` };
      return { doc: (await res.json()) as OpenApiDoc };
    } catch (error) {
      log.warn('could not read upstream OpenAPI', { service: route.service, error });
      return { reason: 'unreachable' };
    }
  }

  async function build(): Promise<OpenApiDoc> {
    const upstreams: UpstreamDoc[] = [];
    const missing: MissingUpstream[] = [];
    const results = await Promise.all(routes.map(async (route) => ({ route, result: await fetchDoc(route) })));
    for (const { route, result } of results) {
      if ('doc' in result) upstreams.push({ route, doc: result.doc });
      else missing.push({ route, reason: result.reason });
    }
    const merged = mergeOpenApi({
      title: 'Social network API',
      description:
        `Every service behind this gateway, each under its prefix: ${routes.map((r) => r.prefix).join(', ')}. ` +
        'Errors are `application/problem+json` (RFC 9457), whose `instance` is the path requested. A method a path does not accept is a 405 with `Allow`. ' +
        'Forwarded answers carry `x-request-id` and `x-trace-id`.',
      own,
      gatewayResponses,
      upstreams,
      missing,
    });
    return bearerAuth ? withBearerAuth(merged) : merged;
  }

  let cached: { at: number; doc: OpenApiDoc } | undefined;
  let building: Promise<OpenApiDoc> | undefined;
  return {
    get(): Promise<OpenApiDoc> {
      if (cached && Date.now() - cached.at < cacheMs) return Promise.resolve(cached.doc);
      building ??= build()
        .then((doc) => (cached = { at: Date.now(), doc }).doc)
        .finally(() => (building = undefined));
      return building;
    },
  };
}
