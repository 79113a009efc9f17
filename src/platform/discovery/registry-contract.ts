import { t, type Static } from 'elysia';

/**
 * The discovery registry's HTTP contract. It sits in platform because every module's registration
 * client speaks it; the discovery module implements it.
 */
export const ServiceName = t.String({ pattern: '^[a-z][a-z0-9-]{0,62}$', description: 'lower-case service name' });

export const RegistrationBody = t.Object({
  service: ServiceName,
  instanceId: t.String({ minLength: 1, maxLength: 128 }),
  url: t.String({ pattern: '^https?://[^\\s/]+$', maxLength: 256, description: 'origin, e.g. http://10.0.0.5:8081' }),
});

export const InstanceSchema = t.Object({
  service: t.String(),
  instanceId: t.String(),
  url: t.String(),
  registeredAt: t.String({ format: 'date-time' }),
  lastHeartbeatAt: t.String({ format: 'date-time' }),
});

export type Registration = Static<typeof RegistrationBody>;
export type Instance = Static<typeof InstanceSchema>;

export const registryPaths = {
  register: '/v1/instances',
  list: '/v1/instances',
  ofService: (service: string) => `/v1/instances/${encodeURIComponent(service)}`,
  instance: (service: string, id: string) => `/v1/instances/${encodeURIComponent(service)}/${encodeURIComponent(id)}`,
  heartbeat: (service: string, id: string) =>
    `/v1/instances/${encodeURIComponent(service)}/${encodeURIComponent(id)}/heartbeat`,
};
