import { t, type Static } from 'elysia';

/**
 * The discovery registry's HTTP protocol. It sits in platform because every module's registration
 * client speaks it; the discovery module implements it.
 */
export const ServiceName = t.String({ pattern: '^[a-z][a-z0-9-]{0,62}$', description: 'lower-case service name', example: 'user' });

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

/** What a 201 answers: the instance, and the lease that alone may renew or remove it. */
export const RegisteredSchema = t.Composite([
  InstanceSchema,
  t.Object({
    lease: t.String({
      description: `secret of this registration: send it as \`x-instance-lease\` on heartbeats, deregistration and re-registration; shown once`,
    }),
  }),
]);

/** The header carrying an instance's lease. */
export const LEASE_HEADER = 'x-instance-lease';

/** Headers every call to discovery carries: its shared secret, and the instance's lease when it has one. */
export function registryHeaders(token: string | undefined, lease?: string): Record<string, string> {
  return { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(lease ? { [LEASE_HEADER]: lease } : {}) };
}

export type Registration = Static<typeof RegistrationBody>;
export type Instance = Static<typeof InstanceSchema>;
export type Registered = Static<typeof RegisteredSchema>;

export const registryPaths = {
  register: '/v1/instances',
  list: '/v1/instances',
  ofService: (service: string) => `/v1/instances/${encodeURIComponent(service)}`,
  instance: (service: string, id: string) => `/v1/instances/${encodeURIComponent(service)}/${encodeURIComponent(id)}`,
  heartbeat: (service: string, id: string) =>
    `/v1/instances/${encodeURIComponent(service)}/${encodeURIComponent(id)}/heartbeat`,
};
