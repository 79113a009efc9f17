import { describe, expect, test } from 'bun:test';
import { registryHeaders, registryPaths } from '../../platform/discovery/registry-protocol';
import { createLogger, silentLogger } from '../../platform/log';
import { call as callWithout, type Handler } from '../../../test/kits/http';
import { createDiscoveryModule } from './index';

const TOKEN = 'test-discovery-token-0123456789abcdef';
const auth = registryHeaders(TOKEN);
/** A call as a holder of the token; `callWithout` is one by someone who does not hold it. */
const call = (app: Handler, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
  callWithout(app, method, path, body, { ...auth, ...headers });
/** Registers and answers the lease the 201 gave. */
async function registered(app: Handler, registration: { service: string; instanceId: string; url: string }): Promise<string> {
  const res = await call(app, 'POST', registryPaths.register, registration);
  expect(res.status).toBe(201);
  return res.body.lease;
}
const withLease = (lease: string) => registryHeaders(TOKEN, lease);

/** A clock the test moves by hand, so eviction needs no sleeping. */
function manualClock(start = Date.parse('2030-01-01T00:00:00.000Z')) {
  let now = start;
  return { now: () => new Date(now), advance: (ms: number) => void (now += ms) };
}

function setup(evictAfterMs = 1_000) {
  const clock = manualClock();
  const discovery = createDiscoveryModule({ evictAfterMs, clock, log: silentLogger, token: TOKEN });
  return { clock, app: discovery.app };
}

const user1 = { service: 'user', instanceId: 'user-1', url: 'http://10.0.0.1:8081' };
const user2 = { service: 'user', instanceId: 'user-2', url: 'http://10.0.0.2:8081' };

const expectProblem = (res: { status: number; headers: Headers; body: any }, status: number) => {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toContain('application/problem+json');
  expect(res.body).toMatchObject({ status, type: expect.any(String), title: expect.any(String), detail: expect.any(String) });
};

describe('POST /v1/instances', () => {
  test('201 with the instance and its lease; the same instance again with its lease is a 200 renewal', async () => {
    const { app, clock } = setup();
    const first = await call(app, 'POST', registryPaths.register, user1);
    expect(first.status).toBe(201);
    expect(first.body).toEqual({ ...user1, registeredAt: '2030-01-01T00:00:00.000Z', lastHeartbeatAt: '2030-01-01T00:00:00.000Z', lease: expect.stringMatching(/^[\w-]{40,}$/) });
    clock.advance(100);
    const again = await call(app, 'POST', registryPaths.register, { ...user1, url: 'http://10.0.0.9:8081' }, withLease(first.body.lease));
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ url: 'http://10.0.0.9:8081', registeredAt: first.body.registeredAt, lastHeartbeatAt: '2030-01-01T00:00:00.100Z' });
    expect((await call(app, 'GET', registryPaths.list)).body).toHaveLength(1);
  });

  test.each([
    ['malformed JSON', '{"service": "user",'],
    ['missing url', { service: 'user', instanceId: 'a' }],
    ['upper-case service', { ...user1, service: 'User' }],
    ['url with a path', { ...user1, url: 'http://10.0.0.1:8081/x' }],
    ['url that is not http', { ...user1, url: 'ftp://10.0.0.1' }],
    ['empty instanceId', { ...user1, instanceId: '' }],
    ['huge instanceId', { ...user1, instanceId: 'x'.repeat(200) }],
    ['array body', [user1]],
  ])('rejects %s with a 400 problem and registers nothing', async (_name, body) => {
    const { app } = setup();
    expectProblem(await call(app, 'POST', registryPaths.register, body), 400);
    expect((await call(app, 'GET', registryPaths.list)).body).toEqual([]);
  });

  test('503 problem once the registry is full', async () => {
    const discovery = createDiscoveryModule({ evictAfterMs: 1_000, clock: manualClock(), log: silentLogger, maxInstances: 1, token: TOKEN });
    expect((await call(discovery.app, 'POST', registryPaths.register, user1)).status).toBe(201);
    expectProblem(await call(discovery.app, 'POST', registryPaths.register, user2), 503);
  });
});

describe('GET /v1/instances and /v1/instances/:service', () => {
  test('lists live instances, all and per service; an unknown service is an empty array', async () => {
    const { app } = setup();
    const friend = { service: 'friend', instanceId: 'friend-1', url: 'http://10.0.0.3:8082' };
    for (const r of [user1, friend, user2]) await call(app, 'POST', registryPaths.register, r);
    const all = await call(app, 'GET', registryPaths.list);
    expect(all.status).toBe(200);
    expect(all.body.map((i: any) => i.instanceId)).toEqual(['user-1', 'user-2', 'friend-1']);
    const users = await call(app, 'GET', registryPaths.ofService('user'));
    expect(users.body.map((i: any) => i.url)).toEqual([user1.url, user2.url]);
    expect(await call(app, 'GET', registryPaths.ofService('recommendation'))).toMatchObject({ status: 200, body: [] });
  });

  test('400 problem for a service name outside the contract', async () => {
    const { app } = setup();
    expectProblem(await call(app, 'GET', '/v1/instances/No_Such'), 400);
  });
});

describe('heartbeat and eviction', () => {
  test('a heart-beating instance stays; a silent one is evicted and its heartbeat is then a 404', async () => {
    const { app, clock } = setup(1_000);
    const lease1 = await registered(app, user1);
    const lease2 = await registered(app, user2);
    clock.advance(800);
    const beat = await call(app, 'PUT', registryPaths.heartbeat('user', 'user-1'), undefined, withLease(lease1));
    expect(beat.status).toBe(200);
    expect(beat.body).toMatchObject({ instanceId: 'user-1', lastHeartbeatAt: '2030-01-01T00:00:00.800Z' });
    clock.advance(300);
    expect((await call(app, 'GET', registryPaths.ofService('user'))).body.map((i: any) => i.instanceId)).toEqual(['user-1']);
    expectProblem(await call(app, 'PUT', registryPaths.heartbeat('user', 'user-2'), undefined, withLease(lease2)), 404);
    // The client's answer to that 404: register again.
    expect((await call(app, 'POST', registryPaths.register, user2)).status).toBe(201);
  });

  test('404 problem for an unknown instance, 400 for a malformed service name', async () => {
    const { app } = setup();
    expectProblem(await call(app, 'PUT', registryPaths.heartbeat('user', 'ghost')), 404);
    expectProblem(await call(app, 'PUT', '/v1/instances/BAD/x/heartbeat'), 400);
  });

  test('the sweep started by start() removes stale instances, and stop() ends it', async () => {
    const lines: string[] = [];
    const clock = manualClock();
    const discovery = createDiscoveryModule({ evictAfterMs: 1_000, clock, log: createLogger({}, 'info', (l) => lines.push(l)), sweepIntervalMs: 5, token: TOKEN });
    const evictions = () => lines.filter((l) => l.includes('instance evicted')).length;
    await call(discovery.app, 'POST', registryPaths.register, user1);
    discovery.start();
    try {
      clock.advance(1_001);
      await Bun.sleep(30);
      expect(evictions()).toBe(1);
    } finally {
      await discovery.stop();
    }
    await call(discovery.app, 'POST', registryPaths.register, user2);
    clock.advance(1_001);
    await Bun.sleep(30);
    expect(evictions()).toBe(1);
  });
});

describe('DELETE /v1/instances/:service/:instanceId', () => {
  test('204, then the instance is gone and a second delete is a 404', async () => {
    const { app } = setup();
    const lease = await registered(app, user1);
    const res = await call(app, 'DELETE', registryPaths.instance('user', 'user-1'), undefined, withLease(lease));
    expect(res.status).toBe(204);
    expect(res.body).toBeUndefined();
    expect((await call(app, 'GET', registryPaths.ofService('user'))).body).toEqual([]);
    expectProblem(await call(app, 'DELETE', registryPaths.instance('user', 'user-1'), undefined, withLease(lease)), 404);
  });

  test('instance ids with reserved characters round-trip through the encoded paths', async () => {
    const { app } = setup();
    const odd = { ...user1, instanceId: 'host/a b:8081' };
    const lease = await registered(app, odd);
    expect((await call(app, 'PUT', registryPaths.heartbeat('user', odd.instanceId), undefined, withLease(lease))).status).toBe(200);
    expect((await call(app, 'DELETE', registryPaths.instance('user', odd.instanceId), undefined, withLease(lease))).status).toBe(204);
  });
});

test('health is always UP, unknown routes are 404 problems, and the OpenAPI lists every route', async () => {
  const { app } = setup();
  expect(await callWithout(app, 'GET', '/actuator/health')).toMatchObject({ status: 200, body: { status: 'UP' } });
  expect((await callWithout(app, 'GET', '/metrics')).status).toBe(200);
  expectProblem(await call(app, 'GET', '/v2/nothing'), 404);
  const doc = (await call(app, 'GET', '/swagger/json')).body;
  expect(Object.keys(doc.paths)).toEqual(
    expect.arrayContaining(['/v1/instances', '/v1/instances/{service}', '/v1/instances/{service}/{instanceId}', '/v1/instances/{service}/{instanceId}/heartbeat']),
  );
  expect(doc.paths['/v1/instances'].post.requestBody).toBeDefined();
  expect(JSON.stringify(doc.paths['/v1/instances'].post.responses['201'])).toContain('lease');
  expect(doc.components.securitySchemes.discoveryToken).toMatchObject({ type: 'http', scheme: 'bearer' });
  for (const [path, methods] of Object.entries<any>(doc.paths)) {
    for (const operation of Object.values<any>(methods)) if (path.startsWith('/v1/')) expect(operation.security).toEqual([{ discoveryToken: [] }]);
  }
});
