import { afterAll, describe, expect, test } from 'bun:test';
import type { Server } from 'bun';
import { call } from '../../../test/kits/http';
import { createDiscoveryModule } from '../discovery/index';
import { echoUpstream, expectProblem, gatewayWorld, type Echo } from '../../../test/kits/gateway/world';

/**
 * The same gateway against real upstream servers on ephemeral ports, reached through global fetch:
 * what distributed mode does. Covers what in-process apps cannot: refused connections, aborting a
 * slow socket, streaming a body over the wire.
 */
const servers: Server<unknown>[] = [];
afterAll(() => Promise.all(servers.map((s) => s.stop(true))));

function serve(app: { handle(r: Request): Response | Promise<Response> }): string {
  const server = Bun.serve({ port: 0, hostname: '127.0.0.1', fetch: (request) => app.handle(request) });
  servers.push(server);
  return `http://127.0.0.1:${server.port}`;
}

/** An address nothing listens on: a server's port right after it stopped. */
async function refusedUrl(): Promise<string> {
  const server = Bun.serve({ port: 0, hostname: '127.0.0.1', fetch: () => new Response() });
  const url = `http://127.0.0.1:${server.port}`;
  await server.stop(true);
  return url;
}

const world = (options?: Parameters<typeof gatewayWorld>[1]) => gatewayWorld(createDiscoveryModule, options);

describe('over real sockets', () => {
  test('balances across two servers', async () => {
    const { gateway, register } = world();
    await register('user', 'net-a', serve(echoUpstream('net-a')));
    await register('user', 'net-b', serve(echoUpstream('net-b')));
    const seen = new Set<string>();
    for (let i = 0; i < 4; i++) seen.add((await call<Echo>(gateway.app, 'GET', '/user/v1/users/1?x=1')).body.instance);
    expect(seen).toEqual(new Set(['net-a', 'net-b']));
  });

  test('streams a large POST body through unchanged', async () => {
    const { gateway, register } = world();
    await register('friend', 'net-echo', serve(echoUpstream('net-echo')));
    const body = 'x'.repeat(300_000) + 'end';
    const res = await call<Echo>(gateway.app, 'POST', '/friend/v1/upload', body, { 'content-type': 'text/plain' });
    expect(res.status).toBe(200);
    expect(res.body.path).toBe('/v1/upload');
    expect(res.body.body.length).toBe(body.length);
    expect(res.body.body.endsWith('end')).toBe(true);
  });

  test('502 problem when the only instance refuses connections, with no internal address in the body', async () => {
    const { gateway, register } = world();
    const dead = await refusedUrl();
    await register('user', 'net-dead', dead);
    for (const method of ['GET', 'POST']) {
      const res = await call(gateway.app, method, '/user/v1/users', method === 'POST' ? { firstName: 'A', lastName: 'B' } : undefined);
      expectProblem(res, 502);
      expect(res.body.detail).toBe('service user could not be reached');
      expect(JSON.stringify(res.body)).not.toContain(new URL(dead).port);
    }
  });

  test('an idempotent request moves on to the next instance once; a POST is not replayed', async () => {
    const { gateway, register } = world();
    await register('user', 'net-dead', await refusedUrl());
    await register('user', 'net-live', serve(echoUpstream('net-live')));
    // Round-robin starts at the dead instance; every GET still succeeds, on the live one.
    for (let i = 0; i < 4; i++) {
      const res = await call<Echo>(gateway.app, i % 2 ? 'GET' : 'PUT', '/user/v1/users/1', i % 2 ? undefined : { n: i });
      expect(res).toMatchObject({ status: 200, body: { instance: 'net-live' } });
      if (!(i % 2)) expect(res.body.body).toBe(JSON.stringify({ n: i }));
    }
    const statuses = new Set<number>();
    for (let i = 0; i < 4; i++) statuses.add((await call(gateway.app, 'POST', '/user/v1/users', { i })).status);
    expect(statuses).toEqual(new Set([200, 502]));
  });

  test('504 problem when a real upstream is too slow, and the upstream request is cancelled', async () => {
    const { gateway, register } = world({ upstreamTimeoutMs: 200 });
    let cancelled = false;
    const slow = serve({
      handle: async (request) => {
        request.signal.addEventListener('abort', () => (cancelled = true));
        await Bun.sleep(2_000);
        return new Response('late');
      },
    });
    await register('recommendation', 'net-slow', slow);
    const started = performance.now();
    const res = await call(gateway.app, 'GET', '/recommendation/v1/users/1/commands/recommendFriends');
    expect(performance.now() - started).toBeLessThan(1_500);
    expectProblem(res, 504);
    expect(res.body.detail).toBe('service recommendation did not answer within 200 ms');
    await Bun.sleep(100);
    expect(cancelled).toBe(true);
  });

  test('listening on a socket (Bun routes proxied paths past Elysia), the gateway appends the peer address to x-forwarded-for, and observes the request', async () => {
    const { gateway, register } = world();
    await register('user', 'net-xff', serve(echoUpstream('net-xff')));
    gateway.app.listen({ port: 0, hostname: '127.0.0.1' });
    try {
      const res = await fetch(`http://127.0.0.1:${gateway.app.server!.port}/user/v1/users/1`, { headers: { 'x-forwarded-for': '203.0.113.9' } });
      const echo = (await res.json()) as Echo;
      expect(echo.headers['x-forwarded-for']).toBe('203.0.113.9, 127.0.0.1');
      expect(echo.headers['x-forwarded-host']).toBe(`127.0.0.1:${gateway.app.server!.port}`);
      // The upstream continues the trace the gateway started, and the request is in its metrics.
      expect(echo.headers.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
      expect(res.headers.get('x-request-id')).toBeTruthy();
      const metrics = await (await fetch(`http://127.0.0.1:${gateway.app.server!.port}/metrics`)).text();
      expect(metrics).toMatch(/http_server_request_duration_seconds_count\{service="gateway",method="GET",route="\/user\/\*",status="200"\} 1\b/);
    } finally {
      await gateway.app.stop(true);
    }
  });
});
