import { afterAll, afterEach, describe, expect, test } from 'bun:test';
import { t } from 'elysia';
import { createHttpApp } from '../../platform/http/app';
import { silentLogger } from '../../platform/log';
import { LAST_CHUNK, chunk, countingUpstream, hostedGateway, rawRequest, stopServers } from '../../../test/kits/gateway/sockets';

/**
 * What the gateway does with input no client of the API sends: JSON nested deep enough to stall a
 * parser, a Host header chosen to confuse routing, methods a path does not serve, CONNECT. Over
 * real sockets, the gateway hosted as the entrypoints host it.
 */
const stops: (() => Promise<void>)[] = [];
afterEach(() => Promise.all(stops.splice(0).map((stop) => stop())));
afterAll(stopServers);

async function gateway(upstream = countingUpstream()) {
  const hosted = await hostedGateway({ upstreams: { user: upstream, friend: upstream, recommendation: upstream } });
  stops.push(hosted.stop);
  return { ...hosted, upstream };
}

const problemOf = (reply: { headers: Headers; body: string }) => {
  expect(reply.headers.get('content-type')).toBe('application/problem+json');
  return JSON.parse(reply.body) as { status: number; detail: string };
};

/** A megabyte, less room for the head: `{"a":[[[[...`. */
const deepJson = (bytes = 1024 * 1024 - 100) => '{"a":' + '['.repeat(bytes);

describe('JSON nesting', () => {
  test('a deeply nested JSON body is a 400 before it reaches the upstream, and health answers meanwhile', async () => {
    const { url, upstream } = await gateway();
    const body = deepJson();
    const posts = [1, 2, 3, 4].map(() => fetch(`${url}/user/v1/users`, { method: 'POST', body, headers: { 'content-type': 'application/json' } }));
    const health = await fetch(`${url}/actuator/health`);
    expect(health.status).toBe(200);
    for (const res of await Promise.all(posts)) {
      expect(res.status).toBe(400);
      expect(problemOf({ headers: res.headers, body: await res.text() }).detail).toBe('JSON nesting deeper than 32 levels');
    }
    expect(upstream.calls).toBe(0);
  });

  test('also when the body is chunked, and for +json types and retryable methods', async () => {
    const { port, url, upstream } = await gateway();
    const deep = '['.repeat(40);
    const reply = await rawRequest(port, 'POST /user/v1/users HTTP/1.1\r\nhost: gw.test\r\ncontent-type: application/json\r\ntransfer-encoding: chunked', [chunk(deep.slice(0, 20)), chunk(deep.slice(20)), LAST_CHUNK]);
    expect(reply.status).toBe(400);
    const put = await fetch(`${url}/user/v1/users/1`, { method: 'PUT', body: deep, headers: { 'content-type': 'application/merge-patch+json' } });
    expect(put.status).toBe(400);
    expect(upstream.calls).toBe(0);
  });

  test('JSON within the limit goes through whole; other types are left to the upstream', async () => {
    const { url, upstream } = await gateway();
    const fine = JSON.stringify({ a: '['.repeat(1000), b: [[[[1]]]] });
    const ok = await fetch(`${url}/user/v1/users`, { method: 'POST', body: fine, headers: { 'content-type': 'application/json; charset=utf-8' } });
    expect(await ok.json()).toEqual({ bytes: fine.length });
    const text = await fetch(`${url}/user/v1/users`, { method: 'POST', body: '['.repeat(100), headers: { 'content-type': 'text/plain' } });
    expect(text.status).toBe(200);
    expect(upstream.bodies).toEqual([fine.length, 100]);
  });
});

describe('routing', () => {
  test("a short Host header never turns /user/metrics into the gateway's own /metrics", async () => {
    const { port, url } = await gateway();
    // Elysia cut the path after the URL's 11th character: `http://x/user/metrics` became `/metrics`.
    const reply = await rawRequest(port, 'GET /user/metrics HTTP/1.1\r\nhost: x', [], { waitMs: 300 });
    expect(reply.status).toBe(404);
    expect(reply.body).not.toContain('http_server_request_duration_seconds');
    for (const host of ['x', 'ab', 'a.b', '']) {
      for (const path of ['/user/metrics', '/friend/metrics', '/recommendation//metrics']) {
        const res = await fetch(url + path, { headers: { host } });
        // An empty Host is no valid one (RFC 9112 §3.2); Bun gave it a URL of the path alone.
        expect(res.status).toBe(host ? 404 : 400);
        expect(await res.text()).not.toContain('http_server_request_duration_seconds');
      }
    }
  });

  test('an upstream\'s 405 and its Allow reach the client; the gateway\'s own paths answer 405 likewise', async () => {
    const user = createHttpApp({ name: 'user', log: silentLogger, health: async () => true }).post('/v1/users', ({ body }) => body, { body: t.Object({ a: t.Number() }) });
    const { url } = await gateway({ ...countingUpstream(), handle: (request: Request) => user.handle(request) });
    const relayed = await fetch(`${url}/user/v1/users`, { method: 'DELETE' });
    expect(relayed.status).toBe(405);
    expect(relayed.headers.get('allow')).toBe('POST');
    const own = await fetch(`${url}/swagger/json`, { method: 'DELETE' });
    expect(own.status).toBe(405);
    expect(own.headers.get('allow')).toBe('GET, HEAD');
  });

  test('CONNECT is answered with a bare status or problem, never a page with stack frames', async () => {
    const { port } = await gateway();
    for (const target of ['127.0.0.1:80', 'x:1', '[::1]:443']) {
      const reply = await rawRequest(port, `CONNECT ${target} HTTP/1.1\r\nhost: ${target}`, [], { waitMs: 500 });
      expect(reply.status).toBeGreaterThanOrEqual(400);
      expect(reply.status).toBeLessThan(500);
      for (const leak of [import.meta.dir, '.ts', ' at ', '<html']) expect(reply.raw).not.toContain(leak);
    }
  });
});
