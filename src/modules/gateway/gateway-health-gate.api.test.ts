import { afterAll, describe, expect, test } from 'bun:test';
import { Elysia } from 'elysia';
import { registryHeaders, registryPaths } from '../../platform/discovery/registry-protocol';
import { createLocalFetch } from '../../platform/http/local-fetch';
import { silentLogger } from '../../platform/log';
import { call } from '../../../test/kits/http';
import { createDiscoveryModule } from '../discovery/index';
import { echoUpstream, gatewayWorld, type Echo } from '../../../test/kits/gateway/world';
import { createGatewayModule } from './index';
import { refusedUrl, serve, stopServers } from '../../../test/kits/gateway/sockets';

/**
 * The gateway sends a request only to an instance that passed its health check, whatever discovery
 * lists: a registration pointing at a closed port, at a server whose health is DOWN, or at something
 * that is not one of our modules gets no user request. Over real sockets, as in distributed mode.
 */
afterAll(stopServers);

const world = () => gatewayWorld(createDiscoveryModule, { healthCheck: { timeoutMs: 500, retryMs: 60_000 } });

/** A module-like upstream: its health, and every other path counted and echoed. */
function upstream(instance: string, health: () => Response = () => Response.json({ status: 'UP' })) {
  const echo = echoUpstream(instance);
  const seen = { requests: 0 };
  const app = new Elysia().get('/actuator/health', health).all('/v1/*', ({ request }) => (seen.requests++, echo.handle(request)));
  return { url: serve(app), seen };
}

describe('instances that fail their health check get no requests', () => {
  test('a closed port, a health answering 503 and a server that is not a module are passed over', async () => {
    const { gateway, register } = world();
    const real = upstream('user-real');
    const down = upstream('user-down', () => Response.json({ status: 'DOWN' }, { status: 503 }));
    const stranger = { url: serve({ handle: async () => new Response('<html>welcome</html>') }) };
    await register('user', 'user-dead', await refusedUrl());
    await register('user', 'user-down', down.url);
    await register('user', 'user-stranger', stranger.url);
    await register('user', 'user-real', real.url);
    for (let i = 0; i < 8; i++) {
      const res = await call<Echo>(gateway.app, 'GET', `/user/v1/users/${i}`);
      expect(res.status).toBe(200);
      expect(res.body.instance).toBe('user-real');
    }
    expect(real.seen.requests).toBe(8);
    expect(down.seen.requests).toBe(0);
  });

  test('only unhealthy instances registered: 503 no live instance, and none of them is called', async () => {
    const { gateway, register } = world();
    const down = upstream('user-down', () => Response.json({ status: 'DOWN' }, { status: 503 }));
    await register('user', 'user-down', down.url);
    await register('user', 'user-dead', await refusedUrl());
    const res = await call(gateway.app, 'GET', '/user/v1/users/1');
    expect(res.status).toBe(503);
    expect(down.seen.requests).toBe(0);
  });

  test('dozens of dead registrations do not make requests fail: every one reaches the healthy instance', async () => {
    const { gateway, register } = world();
    const dead = await refusedUrl();
    for (let i = 0; i < 40; i++) await register('user', `dead-${i}`, `${dead}`.replace('127.0.0.1', `127.0.0.${(i % 200) + 2}`));
    const real = upstream('user-real');
    await register('user', 'user-real', real.url);
    for (let i = 0; i < 20; i++) expect((await call(gateway.app, 'GET', `/user/v1/users/${i}`)).status).toBe(200);
    expect(real.seen.requests).toBe(20);
  });
});

test('the health check is on unless switched off: a gateway built with the defaults passes over an instance whose health is DOWN', async () => {
  const token = 'defaults-test-discovery-token-0123456789';
  const localFetch = createLocalFetch();
  const discovery = createDiscoveryModule({ evictAfterMs: 60_000, clock: { now: () => new Date() }, log: silentLogger, token });
  localFetch.mount('http://discovery.test', (request) => discovery.app.handle(request));
  const down = upstream('user-down', () => Response.json({ status: 'DOWN' }, { status: 503 }));
  const real = upstream('user-real');
  for (const [instanceId, url] of [['user-down', down.url], ['user-real', real.url]]) {
    expect((await call(discovery.app, 'POST', registryPaths.register, { service: 'user', instanceId, url }, registryHeaders(token))).status).toBe(201);
  }
  const gateway = createGatewayModule({ fetch: localFetch.fetch, discoveryUrl: 'http://discovery.test', discoveryToken: token, upstreamTimeoutMs: 1_000, refreshMs: 1_000, log: silentLogger });
  for (let i = 0; i < 4; i++) expect((await call<Echo>(gateway.app, 'GET', '/user/v1/users/1')).body.instance).toBe('user-real');
  expect(down.seen.requests).toBe(0);
});
