import { afterAll, describe, expect, test } from 'bun:test';
import { call } from '../../../test/kits/http';
import { createDiscoveryModule } from '../discovery/index';
import { CORS_ALLOWED_HEADERS, type CorsPolicy } from './cors';
import { echoUpstream, expectProblem, gatewayWorld, type Echo } from '../../../test/kits/gateway/world';
import { hostedGateway } from '../../../test/kits/gateway/sockets';

/**
 * CORS at the gateway: over real sockets (proxied paths come from Bun's router, the gateway's own
 * from Elysia) and through `app.handle` (Elysia's path for everything).
 */
const APP = 'https://app.example';
const exact: CorsPolicy = { origins: [APP, 'http://localhost:5173'], allowCredentials: true };
const stops: (() => Promise<void>)[] = [];
afterAll(() => Promise.all(stops.map((stop) => stop())));

/** An upstream that counts its calls and answers 201 with Location and ETag, or a 404 problem under /missing. */
function upstream() {
  const seen: string[] = [];
  return {
    seen,
    handle(request: Request) {
      const url = new URL(request.url);
      seen.push(`${request.method} ${url.pathname}`);
      if (url.pathname.startsWith('/missing')) {
        return Response.json({ type: 'about:blank', title: 'Not Found', status: 404, detail: 'no such user' }, { status: 404, headers: { 'content-type': 'application/problem+json' } });
      }
      return Response.json({ id: 1 }, { status: 201, headers: { location: '/v1/users/1', etag: '"1"', 'consistency-token': 'user:1' } });
    },
  };
}

async function hosted(cors?: CorsPolicy, protection?: Parameters<typeof hostedGateway>[0]['protection']) {
  const user = upstream();
  const gateway = await hostedGateway({ upstreams: { user, friend: upstream(), recommendation: upstream() }, ...(cors ? { cors } : {}), ...(protection ? { protection } : {}) });
  stops.push(gateway.stop);
  return { ...gateway, user };
}

const preflightFrom = (origin: string, extra: Record<string, string> = {}) => ({
  method: 'OPTIONS',
  headers: { origin, 'access-control-request-method': 'PUT', 'access-control-request-headers': 'content-type, if-match', ...extra },
});

function expectExposed(headers: Headers, origin: string) {
  expect(headers.get('access-control-allow-origin')).toBe(origin);
  const exposed = headers.get('access-control-expose-headers')!.toLowerCase().split(/,\s*/);
  for (const name of ['etag', 'location', 'retry-after', 'x-trace-id', 'consistency-token']) expect(exposed).toContain(name);
}

describe('CORS with exact origins, over real sockets', () => {
  test('a preflight from an allowed origin gets 204 with what it may send, and never reaches a service', async () => {
    const { url, user } = await hosted(exact);
    const res = await fetch(`${url}/user/v1/users/1`, preflightFrom(APP));
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe(APP);
    expect(res.headers.get('vary')).toContain('Origin');
    expect(res.headers.get('access-control-allow-credentials')).toBe('true');
    expect(res.headers.get('access-control-allow-methods')!.split(/,\s*/)).toEqual(['GET', 'POST', 'PUT', 'DELETE']);
    const allowedHeaders = res.headers.get('access-control-allow-headers')!.split(/,\s*/);
    for (const name of ['content-type', 'authorization', 'if-match', 'x-request-id', 'traceparent', 'consistency-token']) expect(allowedHeaders).toContain(name);
    expect(Number(res.headers.get('access-control-max-age'))).toBeGreaterThan(0);
    expect(user.seen).toEqual([]);
    // The gateway's own paths (Elysia's side) answer preflights the same way.
    const own = await fetch(`${url}/swagger/json`, preflightFrom('http://localhost:5173'));
    expect(own.status).toBe(204);
    expect(own.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
  });

  test('a preflight from another origin gets a 403 problem without CORS headers', async () => {
    const { url, user } = await hosted(exact);
    for (const path of ['/user/v1/users/1', '/swagger/json']) {
      const res = await fetch(`${url}${path}`, preflightFrom('https://evil.example'));
      expectProblem({ status: res.status, headers: res.headers, body: await res.json() }, 403);
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
      expect(res.headers.get('access-control-allow-methods')).toBeNull();
    }
    // A sibling of an allowed origin is another origin: exact matches only.
    expect((await fetch(`${url}/user/v1/users/1`, preflightFrom('https://app.example:8443'))).status).toBe(403);
    expect(user.seen).toEqual([]);
  });

  test('an actual answer to an allowed origin carries Allow-Origin and the exposed headers', async () => {
    const { url, user } = await hosted(exact);
    const res = await fetch(`${url}/user/v1/users`, { method: 'POST', headers: { origin: APP, 'content-type': 'application/json' }, body: '{}' });
    expect(res.status).toBe(201);
    expectExposed(res.headers, APP);
    expect(res.headers.get('access-control-allow-credentials')).toBe('true');
    expect(res.headers.get('vary')).toContain('Origin');
    expect(res.headers.get('location')).toBe('/user/v1/users/1');
    expect(user.seen).toEqual(['POST /v1/users']);
  });

  test('error answers carry them too: a service 404, the gateway 404, a 429 from the rate limit', async () => {
    const { url } = await hosted(exact, { rateLimitPerSecond: 1, rateLimitBurst: 2 });
    const init = { headers: { origin: APP } };
    const proxied = await fetch(`${url}/user/missing/1`, init);
    expect(proxied.status).toBe(404);
    expectExposed(proxied.headers, APP);
    const own = await fetch(`${url}/nowhere`, init);
    expect(own.status).toBe(404);
    expectExposed(own.headers, APP);
    const limited = await fetch(`${url}/user/v1/users/1`, init);
    expect(limited.status).toBe(429);
    expectExposed(limited.headers, APP);
    expect(limited.headers.get('retry-after')).not.toBeNull();
  });

  test('other origins and requests without one get no CORS headers, only Vary: Origin; plain OPTIONS is forwarded as before', async () => {
    const { url, user } = await hosted(exact);
    for (const headers of [{ origin: 'https://evil.example' }, {}] as Record<string, string>[]) {
      const res = await fetch(`${url}/user/v1/users/1`, { headers });
      expect(res.status).toBe(201);
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
      expect(res.headers.get('access-control-expose-headers')).toBeNull();
      expect(res.headers.get('vary')).toContain('Origin');
    }
    // No Access-Control-Request-Method: not a preflight, so the service decides.
    await fetch(`${url}/user/v1/users/1`, { method: 'OPTIONS', headers: { origin: APP } });
    expect(user.seen.at(-1)).toBe('OPTIONS /v1/users/1');
  });
});

describe('CORS for any origin (`*`), through app.handle', () => {
  const { gateway, register } = gatewayWorld(createDiscoveryModule, { cors: { origins: '*', allowCredentials: false } });

  test('preflights and answers say `*` and never allow credentials', async () => {
    await register('user', 'u1', echoUpstream('u1'));
    const preflight = await call(gateway.app, 'OPTIONS', '/user/v1/users/1', undefined, { origin: 'https://anyone.example', 'access-control-request-method': 'DELETE' });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
    expect(preflight.headers.get('access-control-allow-headers')).toBe(CORS_ALLOWED_HEADERS.join(', '));
    expect(preflight.headers.get('access-control-allow-credentials')).toBeNull();
    const res = await call<Echo>(gateway.app, 'GET', '/user/v1/users/1', undefined, { origin: 'https://anyone.example' });
    expect(res.body.instance).toBe('u1');
    expectExposed(res.headers, '*');
    expect(res.headers.get('access-control-allow-credentials')).toBeNull();
    const missing = await call(gateway.app, 'GET', '/nowhere', undefined, { origin: 'null' });
    expectProblem(missing, 404);
    expectExposed(missing.headers, '*');
  });
});

describe('CORS off (the default)', () => {
  test('no CORS headers, and a preflight is forwarded like any OPTIONS, over a socket and through app.handle', async () => {
    const { url, user } = await hosted();
    const res = await fetch(`${url}/user/v1/users/1`, { headers: { origin: APP } });
    expect([...res.headers.keys()].filter((name) => name.startsWith('access-control-') || name === 'vary')).toEqual([]);
    await fetch(`${url}/user/v1/users/1`, preflightFrom(APP));
    expect(user.seen.at(-1)).toBe('OPTIONS /v1/users/1');

    const { gateway, register } = gatewayWorld(createDiscoveryModule);
    await register('user', 'u1', echoUpstream('u1'));
    const forwarded = await call<Echo>(gateway.app, 'OPTIONS', '/user/v1/users/1', undefined, preflightFrom(APP).headers);
    expect(forwarded.body.method).toBe('OPTIONS');
    expect(forwarded.headers.get('access-control-allow-origin')).toBeNull();
    const own = await call(gateway.app, 'OPTIONS', '/swagger/json', undefined, preflightFrom(APP).headers);
    expect(own.status).not.toBe(204);
    expect(own.headers.get('access-control-allow-origin')).toBeNull();
  });
});
