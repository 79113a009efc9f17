import { describe, expect, test } from 'bun:test';
import { loadConfig } from '../../platform/config';
import { readGatewaySettings } from './settings';
import { silentLogger } from '../../platform/log';
import { Metrics } from '../../platform/metrics/metrics';
import { createRequestGuard, defaultProtection, type GatewayProtection } from './protection';
import { headerBytes } from './request-limits';
import { createRouteMatcher, defaultRoutes } from './routes';

test('the defaults are the configuration defaults: on, with generous limits', () => {
  const config = loadConfig({});
  expect(defaultProtection).toEqual({ ...readGatewaySettings({}).protection, maxBodyBytes: config.maxRequestBodyBytes });
  expect(defaultProtection.maxHeaderBytes).toBeGreaterThan(0);
  expect(defaultProtection.rateLimitPerSecond).toBeGreaterThan(0);
  expect(defaultProtection.breakerFailures).toBeGreaterThan(0);
});

function guarded(protection: Partial<GatewayProtection>) {
  return createRequestGuard({ ...defaultProtection, ...protection }, { metrics: new Metrics(), log: silentLogger, match: createRouteMatcher(defaultRoutes) });
}

const get = (path: string, headers: Record<string, string> = {}) => new Request(`http://gw.test${path}`, { headers });

describe('request head size', () => {
  test('431 problem one byte past the limit, naming the limit; at the limit it passes', async () => {
    const base = headerBytes(get('/user/v1/users/1', { 'x-pad': '' }));
    const guard = guarded({ maxHeaderBytes: base + 100, rateLimitPerSecond: 0 });
    expect(guard(get('/user/v1/users/1', { 'x-pad': 'a'.repeat(100) }), undefined)).toBeUndefined();
    const refused = guard(get('/user/v1/users/1', { 'x-pad': 'a'.repeat(101) }), undefined)!;
    expect(refused.status).toBe(431);
    expect(refused.headers.get('content-type')).toBe('application/problem+json');
    expect(await refused.json()).toMatchObject({ status: 431, title: 'Request Header Fields Too Large', detail: `the request line and headers exceed the limit of ${base + 100} bytes` });
  });

  test('0 switches the check off', () => {
    expect(guarded({ maxHeaderBytes: 0, rateLimitPerSecond: 0 })(get('/x', { 'x-pad': 'a'.repeat(100_000) }), undefined)).toBeUndefined();
  });
});

describe('rate limit', () => {
  test('429 problem with Retry-After once the burst is spent; other clients are not affected', async () => {
    const guard = guarded({ rateLimitPerSecond: 1, rateLimitBurst: 3 });
    for (let i = 0; i < 3; i++) expect(guard(get('/user/v1/users/1'), '198.51.100.1')).toBeUndefined();
    const refused = guard(get('/user/v1/users/1'), '198.51.100.1')!;
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(refused.headers.get('x-request-id')).toBeTruthy();
    expect(await refused.json()).toMatchObject({ status: 429, title: 'Too Many Requests' });
    expect(guard(get('/user/v1/users/1'), '198.51.100.2')).toBeUndefined();
  });

  test("the gateway's own health and metrics are never limited; everything else is", () => {
    const guard = guarded({ rateLimitPerSecond: 1, rateLimitBurst: 1 });
    guard(get('/swagger'), '198.51.100.1');
    for (let i = 0; i < 10; i++) {
      expect(guard(get('/actuator/health'), '198.51.100.1')).toBeUndefined();
      expect(guard(get('/metrics'), '198.51.100.1')).toBeUndefined();
      expect(guard(get('/actuator/health/liveness'), '198.51.100.1')).toBeUndefined();
      expect(guard(get('/actuator/health/readiness'), '198.51.100.1')).toBeUndefined();
    }
    expect(guard(get('/actuator/health/x'), '198.51.100.1')?.status).toBe(429);
    expect(guard(get('/user/actuator/health'), '198.51.100.1')?.status).toBe(429);
    expect(guard(get('/metricsx'), '198.51.100.1')?.status).toBe(429);
  });

  test('X-Forwarded-For is not believed by default; behind a trusted proxy its last entry is the client', () => {
    const direct = guarded({ rateLimitPerSecond: 1, rateLimitBurst: 1 });
    expect(direct(get('/x', { 'x-forwarded-for': '192.0.2.1' }), '198.51.100.1')).toBeUndefined();
    // A new claimed address does not buy a new bucket.
    expect(direct(get('/x', { 'x-forwarded-for': '192.0.2.2' }), '198.51.100.1')?.status).toBe(429);

    const behindIngress = guarded({ rateLimitPerSecond: 1, rateLimitBurst: 1, trustedProxyHops: 1 });
    expect(behindIngress(get('/x', { 'x-forwarded-for': '192.0.2.1' }), '10.0.0.9')).toBeUndefined();
    expect(behindIngress(get('/x', { 'x-forwarded-for': '192.0.2.2' }), '10.0.0.9')).toBeUndefined();
    expect(behindIngress(get('/x', { 'x-forwarded-for': 'spoofed, 192.0.2.2' }), '10.0.0.9')?.status).toBe(429);
  });

  test('an oversized head is refused before it costs a token; 0 switches the limit off', () => {
    const guard = guarded({ maxHeaderBytes: 1_000, rateLimitPerSecond: 1, rateLimitBurst: 1 });
    expect(guard(get('/x', { 'x-pad': 'a'.repeat(2_000) }), '198.51.100.1')?.status).toBe(431);
    expect(guard(get('/x'), '198.51.100.1')).toBeUndefined();
    const off = guarded({ rateLimitPerSecond: 0 });
    for (let i = 0; i < 5_000; i++) expect(off(get('/x'), '198.51.100.1')).toBeUndefined();
  });
});
