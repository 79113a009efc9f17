import { t } from 'elysia';
import type { Clock } from '../../platform/clock';
import { InstanceSchema, LEASE_HEADER, RegisteredSchema, RegistrationBody, ServiceName, registryPaths } from '../../platform/discovery/registry-protocol';
import { conflict, notFound, unavailable } from '../../platform/errors';
import { createHttpApp } from '../../platform/http/app';
import { openApi } from '../../platform/http/openapi';
import { ProblemSchema, problemResponse } from '../../platform/http/problem';
import type { Logger } from '../../platform/log';
import type { Metrics } from '../../platform/metrics/metrics';
import type { ModuleInstance } from '../../platform/runtime/module';
import { tokenGate } from './access';
import { deregisterDocs, heartbeatDocs, listDocs, listServiceDocs, registerDocs } from './docs';
import { InstanceRegistry, type LeaseCheck } from './instance-registry';
import { newLease } from './lease';
import { instancesPageRoute } from './listing-page/instances-page';

export interface DiscoveryModuleDeps {
  /** An instance whose last heartbeat is older than this is evicted. */
  evictAfterMs: number;
  clock: Clock;
  log: Logger;
  /** How often stale instances are swept from memory; reads already hide them. Default evictAfterMs / 2. */
  sweepIntervalMs?: number;
  maxInstances?: number;
  /** Live instances per service; default 50. */
  maxInstancesPerService?: number;
  /** The shared secret every caller under `/v1/` must present as a bearer token (at least 32 characters). */
  token: string;
  /** Served on `/metrics`. */
  metrics?: Metrics;
}

const InstanceParams = t.Object({ service: ServiceName, instanceId: t.String({ minLength: 1, maxLength: 128, example: 'user-1' }) });
const LeaseHeaders = t.Object({ [LEASE_HEADER]: t.Optional(t.String({ maxLength: 256, description: 'the lease the 201 gave' })) });
const refusals = { 400: ProblemSchema, 401: ProblemSchema, 403: ProblemSchema, 404: ProblemSchema };

/**
 * The service registry: every module registers here and heart-beats; the gateway asks it for live
 * instances. State is in memory on purpose: after a restart the instances' next heartbeat gets a
 * 404 and they register again (getting new leases), so nothing needs to be persisted.
 *
 * Trust: every call under `/v1/` needs the deployment's token (see access.ts), and each
 * registration gets a lease of its own, so one token holder cannot renew, move or remove another's
 * instance.
 */
export function createDiscoveryModule({ evictAfterMs, clock, log, sweepIntervalMs, maxInstances, maxInstancesPerService, metrics, token }: DiscoveryModuleDeps) {
  const registry = new InstanceRegistry(evictAfterMs, maxInstances, maxInstancesPerService);
  const gate = tokenGate(token);
  const unknown = (service: string, instanceId: string) => notFound(`no live instance ${instanceId} of service ${service}`);
  const refused = (check: LeaseCheck, service: string, instanceId: string, path: string) => {
    if (check === 'unknown') throw unknown(service, instanceId);
    log.warn('instance lease refused', { service, instanceId });
    return problemResponse(403, `instance ${instanceId} of service ${service} belongs to another registration: send its lease as ${LEASE_HEADER}`, {}, path);
  };

  const app = createHttpApp({ name: 'discovery', log, health: async () => true, ...(metrics ? { metrics } : {}) })
    // Before routing and validation: without the token nothing about the registry is revealed.
    .onRequest(({ request }) => gate(request))
    .use(
      openApi('Discovery service', 'Service registry: register, heartbeat, deregister, list live instances. Every `/v1/` call needs `Authorization: Bearer <DISCOVERY_TOKEN>`.', {
        securitySchemes: { discoveryToken: { type: 'http', scheme: 'bearer', description: 'DISCOVERY_TOKEN, the secret shared by the deployment' } },
      }),
    )
    .post(
      registryPaths.register,
      ({ body, set, headers }) => {
        const result = registry.register(body, clock.now(), { presented: headers[LEASE_HEADER], fresh: newLease() });
        switch (result.outcome) {
          case 'created':
            log.info('instance registered', { service: body.service, instanceId: body.instanceId, url: body.url });
            set.status = 201;
            return { ...result.instance, lease: result.lease };
          case 'refreshed':
            // 200, not 201: nothing new was created, the existing registration was renewed.
            set.status = 200;
            return result.instance;
          case 'taken':
            log.warn('registration of a live instance refused: lease missing or wrong', { service: body.service, instanceId: body.instanceId, url: body.url });
            throw conflict(`instance ${body.instanceId} of service ${body.service} is registered and live: renew it with its lease (${LEASE_HEADER}), or register under another instanceId`);
          case 'full':
            throw unavailable(`registry is full (${result.limit} instances)`);
          case 'service-full':
            throw unavailable(`service ${body.service} has the most live instances allowed (${result.limit}, DISCOVERY_MAX_INSTANCES_PER_SERVICE)`);
          default: {
            const never: never = result;
            throw new Error(`unexpected outcome ${JSON.stringify(never)}`);
          }
        }
      },
      {
        body: RegistrationBody,
        headers: LeaseHeaders,
        response: { 200: InstanceSchema, 201: RegisteredSchema, 400: ProblemSchema, 401: ProblemSchema, 409: ProblemSchema, 503: ProblemSchema },
        detail: registerDocs,
      },
    )
    .get(registryPaths.list, () => registry.list(clock.now()), {
      response: { 200: t.Array(InstanceSchema), 401: ProblemSchema },
      detail: listDocs,
    })
    .get('/v1/instances/:service', ({ params }) => registry.listService(params.service, clock.now()), {
      params: t.Object({ service: ServiceName }),
      response: { 200: t.Array(InstanceSchema), 400: ProblemSchema, 401: ProblemSchema },
      detail: listServiceDocs,
    })
    .put(
      '/v1/instances/:service/:instanceId/heartbeat',
      ({ params: { service, instanceId }, headers, path }) => {
        const instance = registry.heartbeat(service, instanceId, headers[LEASE_HEADER], clock.now());
        return typeof instance === 'string' ? refused(instance, service, instanceId, path) : instance;
      },
      {
        params: InstanceParams,
        headers: LeaseHeaders,
        response: { 200: InstanceSchema, ...refusals },
        detail: heartbeatDocs,
      },
    )
    .delete(
      '/v1/instances/:service/:instanceId',
      ({ params: { service, instanceId }, set, headers, path }) => {
        const outcome = registry.deregister(service, instanceId, headers[LEASE_HEADER], clock.now());
        if (outcome !== 'removed') return refused(outcome, service, instanceId, path);
        log.info('instance deregistered', { service, instanceId });
        set.status = 204;
      },
      {
        params: InstanceParams,
        headers: LeaseHeaders,
        response: { 204: t.Void({ description: 'deregistered' }), ...refusals },
        detail: deregisterDocs,
      },
    )
    .use(instancesPageRoute(() => registry.list(clock.now()), () => clock.now()));

  let sweeper: ReturnType<typeof setInterval> | undefined;
  return {
    name: 'discovery',
    app,
    start() {
      if (sweeper) return;
      sweeper = setInterval(() => {
        for (const gone of registry.evict(clock.now())) {
          log.info('instance evicted', { service: gone.service, instanceId: gone.instanceId, lastHeartbeatAt: gone.lastHeartbeatAt });
        }
      }, sweepIntervalMs ?? Math.max(10, Math.floor(evictAfterMs / 2)));
    },
    async stop() {
      clearInterval(sweeper);
      sweeper = undefined;
    },
  } satisfies ModuleInstance;
}
