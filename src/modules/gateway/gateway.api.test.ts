import { describe, expect, test } from 'bun:test';
import { Elysia } from 'elysia';
import { call } from '../../../test/kits/http';
import { createDiscoveryModule } from '../discovery/index';
import { echoUpstream, expectProblem, gatewayWorld, type Echo } from '../../../test/kits/gateway/world';

const world = (options?: Parameters<typeof gatewayWorld>[1]) => gatewayWorld(createDiscoveryModule, options);

describe('forwarding', () => {
  test('strips the prefix and keeps method, path, query, body and end-to-end headers', async () => {
    const { gateway, register } = world();
    await register('user', 'user-a', echoUpstream('user-a'));
    const res = await call<Echo>(gateway.app, 'PUT', '/user/v1/users/1?x=1&y=%20z', { firstName: 'Ada' }, { 'x-custom': 'kept', authorization: 'Bearer t' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ instance: 'user-a', method: 'PUT', path: '/v1/users/1?x=1&y=%20z', body: '{"firstName":"Ada"}' });
    expect(res.body.headers).toMatchObject({ 'x-custom': 'kept', authorization: 'Bearer t', 'content-type': 'application/json' });
    expect(res.headers.get('x-instance')).toBe('user-a');
  });

  test('a bare prefix or a prefix with only a query reaches the upstream root; /users is not /user', async () => {
    const { gateway, register } = world();
    await register('user', 'user-a', echoUpstream('user-a'));
    expect((await call<Echo>(gateway.app, 'GET', '/user')).body.path).toBe('/');
    expect((await call<Echo>(gateway.app, 'GET', '/user?limit=3')).body.path).toBe('/?limit=3');
    expectProblem(await call(gateway.app, 'GET', '/users/v1/users/1'), 404);
  });

  test('drops hop-by-hop headers (also those named in Connection) and sets x-forwarded-*', async () => {
    const { gateway, register } = world();
    await register('user', 'user-a', echoUpstream('user-a'));
    const res = await call<Echo>(gateway.app, 'GET', '/user/x', undefined, {
      connection: 'keep-alive, x-secret-hop',
      'x-secret-hop': 'no',
      'keep-alive': 'timeout=5',
      'proxy-authorization': 'Basic abc',
      te: 'trailers',
      'x-forwarded-proto': 'https',
      'x-forwarded-for': '203.0.113.9',
      'x-forwarded-prefix': '/elsewhere',
    });
    const headers = res.body.headers;
    // The route's prefix, which upstreams put in a problem's `instance`; never the client's.
    expect(headers['x-forwarded-prefix']).toBe('/user');
    for (const name of ['connection', 'x-secret-hop', 'keep-alive', 'proxy-authorization', 'te', 'host']) expect(headers).not.toHaveProperty(name);
    expect(headers['x-forwarded-proto']).toBe('http');
    expect(headers['x-forwarded-host']).toBe('localhost');
    // No peer address is known through app.handle, so the chain is passed on unchanged.
    expect(headers['x-forwarded-for']).toBe('203.0.113.9');
  });

  test('generates an x-request-id when absent, keeps a sane one, replaces a malformed one', async () => {
    const { gateway, register } = world();
    await register('user', 'user-a', echoUpstream('user-a'));
    const fresh = await call<Echo>(gateway.app, 'GET', '/user/x');
    expect(fresh.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(fresh.body.headers['x-request-id']).toBe(fresh.headers.get('x-request-id')!);
    const given = await call<Echo>(gateway.app, 'GET', '/user/x', undefined, { 'x-request-id': 'req-42' });
    expect([given.headers.get('x-request-id'), given.body.headers['x-request-id']]).toEqual(['req-42', 'req-42']);
    const bad = await call<Echo>(gateway.app, 'GET', '/user/x', undefined, { 'x-request-id': 'a b<script>' });
    expect(bad.headers.get('x-request-id')).not.toBe('a b<script>');
  });

  test('relays upstream status, problem bodies, 204 and HEAD; rewrites a relative Location behind the prefix', async () => {
    const { gateway, register } = world();
    const upstream = new Elysia()
      .post('/v1/things', () => new Response('{"id":5}', { status: 201, headers: { location: '/v1/things/5', 'content-type': 'application/json' } }))
      .get('/v1/things/404', () => new Response('{"status":404,"title":"Not Found","type":"about:blank","detail":"no thing"}', { status: 404, headers: { 'content-type': 'application/problem+json' } }))
      .delete('/v1/things/5', () => new Response(null, { status: 204 }))
      .get('/v1/things/5', () => Response.json({ id: 5 }));
    await register('user', 'user-a', upstream);
    const created = await call(gateway.app, 'POST', '/user/v1/things', {});
    expect(created).toMatchObject({ status: 201, body: { id: 5 } });
    expect(created.headers.get('location')).toBe('/user/v1/things/5');
    const missing = await call(gateway.app, 'GET', '/user/v1/things/404');
    expect(missing).toMatchObject({ status: 404, body: { detail: 'no thing' } });
    expect(missing.headers.get('content-type')).toBe('application/problem+json');
    expect(await call(gateway.app, 'DELETE', '/user/v1/things/5')).toMatchObject({ status: 204, body: undefined });
    expect(await call(gateway.app, 'HEAD', '/user/v1/things/5')).toMatchObject({ status: 200, body: undefined });
  });

  test("routes /user/actuator/health to the upstream's health, /actuator/health is the gateway's own", async () => {
    const { gateway, register } = world();
    await register('user', 'user-a', new Elysia().get('/actuator/health', () => Response.json({ status: 'DOWN' }, { status: 503 })));
    await register('friend', 'friend-a', echoUpstream('friend-a'));
    await register('recommendation', 'recommendation-a', echoUpstream('recommendation-a'));
    expect(await call(gateway.app, 'GET', '/user/actuator/health')).toMatchObject({ status: 503, body: { status: 'DOWN' } });
    expect(await call(gateway.app, 'GET', '/actuator/health')).toMatchObject({ status: 200, body: { status: 'UP' } });
  });

  test("routes each upstream's liveness and readiness groups", async () => {
    const { gateway, register } = world();
    const groups = new Elysia()
      .get('/actuator/health/liveness', () => Response.json({ status: 'UP' }))
      .get('/actuator/health/readiness', () => Response.json({ status: 'DOWN' }, { status: 503 }));
    for (const service of ['user', 'friend', 'recommendation']) await register(service, `${service}-a`, groups);
    for (const prefix of ['/user', '/friend', '/recommendation']) {
      expect(await call(gateway.app, 'GET', `${prefix}/actuator/health/liveness`)).toMatchObject({ status: 200, body: { status: 'UP' } });
      expect(await call(gateway.app, 'GET', `${prefix}/actuator/health/readiness`)).toMatchObject({ status: 503, body: { status: 'DOWN' } });
    }
  });
});

describe('readiness', () => {
  test('the gateway is DOWN, and pending, until every routed service has a live instance; then it stays UP', async () => {
    const { gateway, register, advanceClock } = world();
    // Asked before anything registered: the locator's cached empty lists must not outlive the registrations.
    expect(await gateway.pending()).toEqual(['a live instance of user', 'a live instance of friend', 'a live instance of recommendation']);
    expect(await call(gateway.app, 'GET', '/actuator/health')).toMatchObject({ status: 503, body: { status: 'DOWN' } });
    // Not ready, yet alive: a liveness probe must not restart a gateway that waits for its modules.
    expect(await call(gateway.app, 'GET', '/actuator/health/readiness')).toMatchObject({ status: 503, body: { status: 'DOWN' } });
    expect(await call(gateway.app, 'GET', '/actuator/health/liveness')).toMatchObject({ status: 200, body: { status: 'UP' } });
    await register('user', 'user-a', echoUpstream('user-a'));
    await register('friend', 'friend-a', echoUpstream('friend-a'));
    expect(await gateway.pending()).toEqual(['a live instance of recommendation']);
    expect((await call(gateway.app, 'GET', '/actuator/health')).status).toBe(503);
    await register('recommendation', 'recommendation-a', echoUpstream('recommendation-a'));
    expect(await gateway.pending()).toEqual([]);
    expect(await call(gateway.app, 'GET', '/actuator/health')).toMatchObject({ status: 200, body: { status: 'UP' } });
    expect(await call(gateway.app, 'GET', '/actuator/health/readiness')).toMatchObject({ status: 200, body: { status: 'UP' } });
    // Ready means routable, at once.
    for (const prefix of ['/user', '/friend', '/recommendation']) expect((await call(gateway.app, 'GET', `${prefix}/v1/x`)).status).toBe(200);
    // A module gone later costs its own routes, not the gateway's health (nor a restart by a liveness probe).
    advanceClock(5_000);
    let status = 200;
    // The locator serves its last list while it refreshes in the background.
    for (let i = 0; i < 20 && status === 200; i++, await Bun.sleep(20)) status = (await call(gateway.app, 'GET', '/user/v1/x')).status;
    expect(status).toBe(503);
    expect((await call(gateway.app, 'GET', '/actuator/health')).status).toBe(200);
  });
});

describe('balancing and liveness', () => {
  test('round-robins across live instances', async () => {
    const { gateway, register } = world();
    await register('friend', 'friend-a', echoUpstream('friend-a'));
    await register('friend', 'friend-b', echoUpstream('friend-b'));
    const seen: string[] = [];
    for (let i = 0; i < 6; i++) seen.push((await call<Echo>(gateway.app, 'GET', '/friend/v1/friends/1')).body.instance);
    expect(seen.filter((s) => s === 'friend-a')).toHaveLength(3);
    expect(seen.filter((s) => s === 'friend-b')).toHaveLength(3);
    for (let i = 1; i < seen.length; i++) expect(seen[i]).not.toBe(seen[i - 1]!);
  });

  test('an evicted instance is no longer routed to', async () => {
    const { gateway, register, heartbeat, advanceClock } = world({ refreshMs: 10 });
    await register('user', 'user-a', echoUpstream('user-a'));
    await register('user', 'user-b', echoUpstream('user-b'));
    const before = new Set<string>();
    for (let i = 0; i < 4; i++) before.add((await call<Echo>(gateway.app, 'GET', '/user/x')).body.instance);
    expect(before).toEqual(new Set(['user-a', 'user-b']));
    advanceClock(800);
    expect((await heartbeat('user', 'user-b')).status).toBe(200);
    advanceClock(300); // user-a has now been silent for 1100 ms > evictAfterMs
    await Bun.sleep(20); // let the gateway's cached list expire
    // The first call after expiry is served from the stale list while the refresh runs.
    await call(gateway.app, 'GET', '/user/x');
    await Bun.sleep(5);
    const after = new Set<string>();
    for (let i = 0; i < 4; i++) after.add((await call<Echo>(gateway.app, 'GET', '/user/x')).body.instance);
    expect(after).toEqual(new Set(['user-b']));
  });
});

describe('gateway errors are problem+json and reveal no internals', () => {
  test('503 when the service has no live instance', async () => {
    const { gateway } = world();
    const res = await call(gateway.app, 'POST', '/recommendation/v1/x', { a: 1 });
    expectProblem(res, 503);
    expect(res.body.detail).toBe('no live instance of service recommendation');
    expect(res.headers.get('x-request-id')).toBeTruthy();
  });

  test('503 when discovery itself cannot be reached', async () => {
    const { gateway } = world({ discoveryUrl: 'http://127.0.0.1:9' });
    const res = await call(gateway.app, 'GET', '/user/v1/users/1');
    expectProblem(res, 503);
    expect(JSON.stringify(res.body)).not.toContain('127.0.0.1');
  });

  test('504 when the upstream is slower than the timeout, without waiting for it', async () => {
    const { gateway, register } = world({ upstreamTimeoutMs: 100 });
    await register('user', 'user-slow', echoUpstream('user-slow', { delayMs: 1_000 }));
    const started = performance.now();
    const res = await call(gateway.app, 'GET', '/user/v1/users/1');
    expect(performance.now() - started).toBeLessThan(800);
    expectProblem(res, 504);
    expect(res.body.detail).toBe('service user did not answer within 100 ms');
    expect(JSON.stringify(res.body)).not.toMatch(/user-slow|\.test|stack/);
  });

  test('404 problem for a path under no route', async () => {
    const { gateway } = world();
    expectProblem(await call(gateway.app, 'GET', '/nothing/here'), 404);
    expectProblem(await call(gateway.app, 'POST', '/nothing'), 404);
    // `/` is the console's redirect: other methods there are refused, not routed.
    expectProblem(await call(gateway.app, 'POST', '/'), 405);
  });
});

test('start() refreshes the instance lists in the background and stop() ends it', async () => {
  let lookups = 0;
  const counting: Parameters<typeof gatewayWorld>[0] = (deps) => {
    const { app } = createDiscoveryModule(deps);
    return { app: { handle: (r: Request) => (r.method === 'GET' && lookups++, app.handle(r)) } };
  };
  const { gateway } = gatewayWorld(counting, { refreshMs: 10 });
  gateway.start();
  try {
    await Bun.sleep(60);
    // Three routes, refreshed every 10 ms or so, without a single request.
    expect(lookups).toBeGreaterThanOrEqual(6);
  } finally {
    await gateway.stop();
  }
  const after = lookups;
  await Bun.sleep(40);
  expect(lookups).toBe(after);
});
