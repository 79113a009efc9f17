import { LEASE_HEADER } from '../../platform/discovery/registry-protocol';
import { documented, type ResponseDocs } from '../../platform/http/openapi-docs';

/** Every route below needs the token (see access.ts); said so in OpenAPI. */
const security = [{ discoveryToken: [] as string[] }];

const instance = {
  service: 'user',
  instanceId: 'user-1',
  url: 'http://10.0.0.5:8081',
  registeredAt: '2026-03-01T09:00:00.000Z',
  lastHeartbeatAt: '2026-03-01T09:00:30.000Z',
};
const unauthorized: ResponseDocs = {
  description: 'The discovery token is missing or wrong',
  example: { detail: 'discovery requires its token: send Authorization: Bearer <DISCOVERY_TOKEN>' },
  headers: ['www-authenticate'],
  headerExamples: { 'www-authenticate': 'Bearer realm="discovery"' },
};
const instancePath = '/v1/instances/user/user-1';
const refusals = (what: string): Record<number, ResponseDocs> => ({
  400: { description: 'Invalid service name or instance id', example: { detail: 'parameter service: expected string to match \'^[a-z][a-z0-9-]{0,62}$\'', instance: `/v1/instances/User/user-1${what}` } },
  401: unauthorized,
  403: { description: `The lease is missing or belongs to another registration`, example: { detail: `instance user-1 of service user belongs to another registration: send its lease as ${LEASE_HEADER}` } },
  404: { description: 'Unknown or evicted instance: register again', example: { detail: 'no live instance user-1 of service user' } },
});

export const registerDocs = documented({
  tags: ['discovery'],
  security,
  summary: 'Register an instance (201, with its lease), or renew a live registration presenting its lease (200)',
  description: `The 201 body's \`lease\` is this registration's secret, shown once: heartbeat, deregistration and re-registration of the instance must send it as \`${LEASE_HEADER}\`. A live instanceId registered again without its lease is a 409.`,
  request: { service: 'user', instanceId: 'user-1', url: 'http://10.0.0.5:8081' },
  examplePath: '/v1/instances',
  responses: {
    200: { description: 'Renewed: the registration was live and its lease was sent', example: instance },
    201: { description: 'Registered; keep the lease', example: { ...instance, lastHeartbeatAt: instance.registeredAt, lease: 'kq3M0n7dXc1v9ZpA4sTfWb2yLrE8uGhJ' } },
    400: { description: 'Invalid body', example: { detail: 'body url: expected string to match \'^https?://[^\\s/]+$\'' } },
    401: unauthorized,
    409: { description: 'The instance is registered and live, and no or another lease was sent', example: { detail: `instance user-1 of service user is registered and live: renew it with its lease (${LEASE_HEADER}), or register under another instanceId` } },
    503: { description: 'The registry is full', example: { detail: 'registry is full (1000 instances)' } },
  },
});

export const listDocs = documented({
  tags: ['discovery'],
  security,
  summary: 'All live instances',
  description: 'Every instance whose last heartbeat is recent enough; evicted ones are never listed.',
  responses: { 200: { description: 'The live instances', example: [instance] }, 401: unauthorized },
});

export const listServiceDocs = documented({
  tags: ['discovery'],
  security,
  summary: 'Live instances of one service (empty when none)',
  description: 'What the gateway and the services ask to find an instance to call.',
  examplePath: '/v1/instances/user',
  responses: {
    200: { description: 'The live instances of the service', example: [instance] },
    400: { description: 'Invalid service name', example: { detail: 'parameter service: expected string to match \'^[a-z][a-z0-9-]{0,62}$\'', instance: '/v1/instances/User' } },
    401: unauthorized,
  },
});

export const heartbeatDocs = documented({
  tags: ['discovery'],
  security,
  summary: "Heartbeat with the instance's lease; 404 means unknown or evicted: register again; 403 a missing or wrong lease",
  description: 'Keeps the instance live; one that stops heart-beating is evicted.',
  examplePath: `${instancePath}/heartbeat`,
  responses: { 200: { description: 'The instance, with its new heartbeat time', example: instance }, ...refusals('/heartbeat') },
});

export const deregisterDocs = documented({
  tags: ['discovery'],
  security,
  summary: 'Deregister an instance, with its lease',
  description: 'An instance leaving cleanly says so, rather than waiting to be evicted.',
  examplePath: instancePath,
  responses: { 204: { description: 'Deregistered' }, ...refusals('') },
});
