import { describe, expect, test } from 'bun:test';
import { LEASE_HEADER, registryHeaders, registryPaths } from '../../platform/discovery/registry-protocol';
import { silentLogger } from '../../platform/log';
import { call, type Handler } from '../../../test/kits/http';
import { createDiscoveryModule } from './index';

/**
 * Who may change the registry. The attack these stop: a rogue registration of `user` pointing at an
 * attacker, the real instances deregistered, and the gateway sending users' requests to the rogue;
 * or hundreds of dead registrations making every request fail.
 */
const TOKEN = 'trust-test-discovery-token-0123456789';
const auth = registryHeaders(TOKEN);
const real = { service: 'user', instanceId: 'user-real', url: 'http://10.0.0.1:8081' };
const rogue = { service: 'user', instanceId: 'rogue-1', url: 'http://attacker.example' };

function setup(options: { maxInstancesPerService?: number } = {}) {
  let now = Date.parse('2030-01-01T00:00:00.000Z');
  const discovery = createDiscoveryModule({ evictAfterMs: 1_000, clock: { now: () => new Date(now) }, log: silentLogger, token: TOKEN, ...options });
  return { app: discovery.app, advance: (ms: number) => void (now += ms) };
}

const listed = async (app: Handler) => (await call(app, 'GET', registryPaths.ofService('user'), undefined, auth)).body.map((i: any) => i.instanceId);

const expect401 = (res: { status: number; headers: Headers; body: any }) => {
  expect(res.status).toBe(401);
  expect(res.headers.get('content-type')).toContain('application/problem+json');
  expect(res.headers.get('www-authenticate')).toStartWith('Bearer');
  expect(res.body).toMatchObject({ status: 401, detail: expect.stringContaining('token') });
};

describe('without the token', () => {
  test.each([
    ['no Authorization header', {}],
    ['a wrong token', { authorization: `Bearer ${'x'.repeat(TOKEN.length)}` }],
    ['the token under another scheme', { authorization: `Basic ${TOKEN}` }],
    ['a prefix of the token', { authorization: `Bearer ${TOKEN.slice(0, -1)}` }],
  ])('%s: registering is 401 and the rogue does not appear in the list', async (_name, headers) => {
    const { app } = setup();
    expect401(await call(app, 'POST', registryPaths.register, rogue, headers));
    expect(await listed(app)).toEqual([]);
  });

  test('listing, heart-beating and deregistering are 401, and the real instance stays', async () => {
    const { app } = setup();
    const { lease } = (await call(app, 'POST', registryPaths.register, real, auth)).body;
    expect401(await call(app, 'GET', registryPaths.list));
    expect401(await call(app, 'GET', registryPaths.ofService('user')));
    // Even with the lease: the token comes first.
    expect401(await call(app, 'PUT', registryPaths.heartbeat('user', real.instanceId), undefined, { [LEASE_HEADER]: lease }));
    expect401(await call(app, 'DELETE', registryPaths.instance('user', real.instanceId), undefined, { [LEASE_HEADER]: lease }));
    expect(await listed(app)).toEqual([real.instanceId]);
  });

  test('a malformed request is still a 401, not a 400 that says what the registry expects', async () => {
    const { app } = setup();
    expect401(await call(app, 'POST', registryPaths.register, '{"service":'));
    expect401(await call(app, 'GET', '/v1/instances/No_Such'));
  });
});

describe('with the token but not the lease', () => {
  test.each([
    ['no lease', {}],
    ['a wrong lease', { [LEASE_HEADER]: 'guessed-lease' }],
  ])('%s: deregistering or heart-beating another instance is 403 and it stays', async (_name, lease) => {
    const { app, advance } = setup();
    await call(app, 'POST', registryPaths.register, real, auth);
    const forgedDelete = await call(app, 'DELETE', registryPaths.instance('user', real.instanceId), undefined, { ...auth, ...lease });
    expect(forgedDelete).toMatchObject({ status: 403, body: { status: 403 } });
    expect(forgedDelete.headers.get('content-type')).toContain('application/problem+json');
    expect((await call(app, 'PUT', registryPaths.heartbeat('user', real.instanceId), undefined, { ...auth, ...lease })).status).toBe(403);
    expect(await listed(app)).toEqual([real.instanceId]);
    // A forged heartbeat keeps nothing alive: the real instance goes stale on its own schedule.
    advance(1_001);
    expect(await listed(app)).toEqual([]);
  });

  test('re-registering a live instanceId at another url is 409 and the registration is unchanged', async () => {
    const { app } = setup();
    const { lease } = (await call(app, 'POST', registryPaths.register, real, auth)).body;
    for (const lease of [{}, { [LEASE_HEADER]: 'guessed-lease' }] as Record<string, string>[]) {
      const hijack = await call(app, 'POST', registryPaths.register, { ...real, url: rogue.url }, { ...auth, ...lease });
      expect(hijack).toMatchObject({ status: 409, body: { status: 409, detail: expect.stringContaining(LEASE_HEADER) } });
    }
    const list = (await call(app, 'GET', registryPaths.list, undefined, auth)).body;
    expect(list).toEqual([expect.objectContaining({ url: real.url })]);
    expect(JSON.stringify(list)).not.toContain(lease);
  });

  test('after discovery restarts (an empty registry), the instance registers again and gets a new lease', async () => {
    const before = setup();
    const { lease } = (await call(before.app, 'POST', registryPaths.register, real, auth)).body;
    const after = setup();
    const withOld = { ...auth, [LEASE_HEADER]: lease };
    expect((await call(after.app, 'PUT', registryPaths.heartbeat('user', real.instanceId), undefined, withOld)).status).toBe(404);
    const again = await call(after.app, 'POST', registryPaths.register, real, withOld);
    expect(again.status).toBe(201);
    expect(again.body.lease).not.toBe(lease);
  });
});

test('a service may have DISCOVERY_MAX_INSTANCES_PER_SERVICE live instances; more are 503 and others still register', async () => {
  const { app, advance } = setup({ maxInstancesPerService: 3 });
  for (let i = 0; i < 3; i++) expect((await call(app, 'POST', registryPaths.register, { ...rogue, instanceId: `dead-${i}` }, auth)).status).toBe(201);
  const beyond = await call(app, 'POST', registryPaths.register, { ...rogue, instanceId: 'dead-3' }, auth);
  expect(beyond).toMatchObject({ status: 503, body: { detail: expect.stringContaining('DISCOVERY_MAX_INSTANCES_PER_SERVICE') } });
  expect((await call(app, 'POST', registryPaths.register, { service: 'friend', instanceId: 'f1', url: 'http://10.0.0.3:8082' }, auth)).status).toBe(201);
  expect(await listed(app)).toHaveLength(3);
  // Stale ones free their places.
  advance(1_001);
  expect((await call(app, 'POST', registryPaths.register, real, auth)).status).toBe(201);
});

test('the module refuses a token shorter than 32 characters', () => {
  expect(() => createDiscoveryModule({ evictAfterMs: 1_000, clock: { now: () => new Date() }, log: silentLogger, token: 'short' })).toThrow('32');
});
