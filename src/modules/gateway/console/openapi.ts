/** The console's one read of the gateway itself, for the gateway's part of the merged OpenAPI document. */
const example = {
  at: '2026-03-01T09:40:00.000Z',
  discovery: { url: 'http://discovery:8761', reachable: true },
  instances: [
    { service: 'user', instanceId: 'user-7f3a', url: 'http://10.0.0.5:8081', registeredAt: '2026-03-01T09:00:00.000Z', lastHeartbeatAt: '2026-03-01T09:39:58.000Z', circuit: 'closed', outboxBacklog: 0 },
    { service: 'recommendation', instanceId: 'recommendation-2c1d', url: 'http://10.0.0.7:8083', registeredAt: '2026-03-01T09:00:01.000Z', lastHeartbeatAt: '2026-03-01T09:39:59.000Z', circuit: 'unused', projectionLag: 3 },
  ],
};

const instance = {
  type: 'object',
  required: ['service', 'instanceId', 'url', 'registeredAt', 'lastHeartbeatAt', 'circuit'],
  properties: {
    service: { type: 'string' },
    instanceId: { type: 'string' },
    url: { type: 'string' },
    registeredAt: { type: 'string', format: 'date-time' },
    lastHeartbeatAt: { type: 'string', format: 'date-time' },
    circuit: { type: 'string', enum: ['closed', 'open', 'half-open', 'unused', 'off'], description: "the gateway's circuit for this instance; `unused` until a request went to it, `off` without circuit breaking" },
    outboxBacklog: { type: 'integer', description: 'events committed but not yet published (`outbox_backlog`), when its metrics say' },
    projectionLag: { type: 'integer', description: 'messages behind on the bus (`kafka_consumer_lag`), when its metrics say' },
  },
};

export const consoleDocPaths = {
  '/console/api/system': {
    get: {
      operationId: 'consoleSystem',
      tags: ['gateway'],
      summary: 'Instances and their health, as the gateway sees them',
      description:
        "What the console's System view shows: the instances discovery knows (read with the deployment's token, which never leaves the gateway), the gateway's circuit for each, and the outbox backlog and consumer lag their `/metrics` report. With AUTH_MODE=jwt it needs a bearer token like every route.",
      responses: {
        '200': {
          description: 'The system view',
          content: {
            'application/json': {
              schema: {
                type: 'object',
                required: ['at', 'discovery', 'instances'],
                properties: {
                  at: { type: 'string', format: 'date-time' },
                  discovery: { type: 'object', required: ['url', 'reachable'], properties: { url: { type: 'string' }, reachable: { type: 'boolean' }, detail: { type: 'string' } } },
                  instances: { type: 'array', items: instance },
                },
              },
              example,
            },
          },
        },
      },
    },
  },
};
