import { t } from 'elysia';
import type { Clock } from '../../platform/clock';
import { InstanceSchema, RegistrationBody, ServiceName, registryPaths } from '../../platform/discovery/registry-contract';
import { notFound, unavailable } from '../../platform/errors';
import { createHttpApp } from '../../platform/http/app';
import { openApi } from '../../platform/http/openapi';
import { ProblemSchema } from '../../platform/http/problem';
import type { Logger } from '../../platform/log';
import type { Metrics } from '../../platform/metrics/metrics';
import type { ModuleInstance } from '../../platform/runtime/module';
import { InstanceRegistry } from './instance-registry';

export interface DiscoveryModuleDeps {
  /** An instance whose last heartbeat is older than this is evicted. */
  evictAfterMs: number;
  clock: Clock;
  log: Logger;
  /** How often stale instances are swept from memory; reads already hide them. Default evictAfterMs / 2. */
  sweepIntervalMs?: number;
  maxInstances?: number;
  /** Served on `/metrics`. */
  metrics?: Metrics;
}

const InstanceParams = t.Object({ service: ServiceName, instanceId: t.String({ minLength: 1, maxLength: 128 }) });

/**
 * The service registry: every module registers here and heart-beats; the gateway asks it for live
 * instances. State is in memory on purpose: after a restart the instances' next heartbeat gets a
 * 404 and they register again, so nothing needs to be persisted.
 */
export function createDiscoveryModule({ evictAfterMs, clock, log, sweepIntervalMs, maxInstances, metrics }: DiscoveryModuleDeps) {
  const registry = new InstanceRegistry(evictAfterMs, maxInstances);
  const unknown = (service: string, instanceId: string) => notFound(`no live instance ${instanceId} of service ${service}`);

  const app = createHttpApp({ name: 'discovery', log, health: async () => true, ...(metrics ? { metrics } : {}) })
    .use(openApi('Discovery service', 'Service registry: register, heartbeat, deregister, list live instances.'))
    .post(
      registryPaths.register,
      ({ body, set }) => {
        const result = registry.register(body, clock.now());
        switch (result.outcome) {
          case 'created':
            log.info('instance registered', { service: body.service, instanceId: body.instanceId, url: body.url });
            set.status = 201;
            return result.instance;
          case 'refreshed':
            // 200, not 201: nothing new was created, the existing registration was renewed.
            set.status = 200;
            return result.instance;
          case 'full':
            throw unavailable(`registry is full (${result.limit} instances)`);
          default: {
            const never: never = result;
            throw new Error(`unexpected outcome ${JSON.stringify(never)}`);
          }
        }
      },
      {
        body: RegistrationBody,
        response: { 200: InstanceSchema, 201: InstanceSchema, 400: ProblemSchema, 503: ProblemSchema },
        detail: {
          tags: ['discovery'],
          summary: 'Register an instance (201), or renew an existing registration of the same service and instanceId (200)',
        },
      },
    )
    .get(registryPaths.list, () => registry.list(clock.now()), {
      response: { 200: t.Array(InstanceSchema) },
      detail: { tags: ['discovery'], summary: 'All live instances' },
    })
    .get('/v1/instances/:service', ({ params }) => registry.listService(params.service, clock.now()), {
      params: t.Object({ service: ServiceName }),
      response: { 200: t.Array(InstanceSchema), 400: ProblemSchema },
      detail: { tags: ['discovery'], summary: 'Live instances of one service (empty when none)' },
    })
    .put(
      '/v1/instances/:service/:instanceId/heartbeat',
      ({ params: { service, instanceId } }) => {
        const instance = registry.heartbeat(service, instanceId, clock.now());
        if (!instance) throw unknown(service, instanceId);
        return instance;
      },
      {
        params: InstanceParams,
        response: { 200: InstanceSchema, 400: ProblemSchema, 404: ProblemSchema },
        detail: { tags: ['discovery'], summary: 'Heartbeat; 404 means unknown or evicted: register again' },
      },
    )
    .delete(
      '/v1/instances/:service/:instanceId',
      ({ params: { service, instanceId }, set }) => {
        if (!registry.deregister(service, instanceId, clock.now())) throw unknown(service, instanceId);
        log.info('instance deregistered', { service, instanceId });
        set.status = 204;
      },
      {
        params: InstanceParams,
        response: { 204: t.Void({ description: 'deregistered' }), 400: ProblemSchema, 404: ProblemSchema },
        detail: { tags: ['discovery'], summary: 'Deregister an instance' },
      },
    );

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
