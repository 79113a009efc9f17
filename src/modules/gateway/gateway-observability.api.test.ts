import { expect, test } from 'bun:test';
import { parseExposition, sumOf } from '../../platform/metrics/exposition';
import { call } from '../../../test/kits/http';
import { createDiscoveryModule } from '../discovery/index';
import { echoUpstream, expectProblem, gatewayWorld, type Echo } from '../../../test/kits/gateway/world';

const world = () => gatewayWorld(createDiscoveryModule);
const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';

test('passes the trace on as its own span: the caller\'s trace, or a new one', async () => {
  const { gateway, register } = world();
  await register('user', 'user-a', echoUpstream('user-a'));
  const continued = await call<Echo>(gateway.app, 'GET', '/user/v1/users/1', undefined, { traceparent: `00-${TRACE}-00f067aa0ba902b7-01` });
  expect(continued.body.headers.traceparent).toMatch(new RegExp(`^00-${TRACE}-[0-9a-f]{16}-01$`));
  expect(continued.body.headers.traceparent).not.toContain('00f067aa0ba902b7');
  const started = await call<Echo>(gateway.app, 'GET', '/user/v1/users/1');
  expect(started.body.headers.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
  // The gateway's own answers name the trace for the caller (modules' answers do so themselves).
  const failed = await call(gateway.app, 'GET', '/friend/v1/friends/1', undefined, { traceparent: `00-${TRACE}-00f067aa0ba902b7-01` });
  expect(failed.status).toBe(503);
  expect(failed.headers.get('x-trace-id')).toBe(TRACE);
  expect((await call(gateway.app, 'GET', '/actuator/health', undefined, { traceparent: `00-${TRACE}-00f067aa0ba902b7-01` })).headers.get('x-trace-id')).toBe(TRACE);
});

test('never forwards an upstream\'s /metrics; serves its own', async () => {
  const { gateway, register } = world();
  let reached = 0;
  const upstream = echoUpstream('user-a');
  await register('user', 'user-a', { handle: (request: Request) => (reached++, upstream.handle(request)) });
  expectProblem(await call(gateway.app, 'GET', '/user/metrics'), 404);
  expectProblem(await call(gateway.app, 'GET', '/user//metrics?x=1'), 404);
  expect(reached).toBe(0);
  const own = await call(gateway.app, 'GET', '/metrics');
  expect(own.status).toBe(200);
  expect(own.body).toContain('http_server_request_duration_seconds');
});

test('times proxied requests by route prefix, and upstream answers and failures by upstream', async () => {
  const { gateway, register } = world();
  await register('user', 'user-a', echoUpstream('user-a'));
  await call(gateway.app, 'GET', '/user/v1/users/1');
  await call(gateway.app, 'GET', '/user/v1/users/2');
  await call(gateway.app, 'GET', '/friend/v1/friends/1'); // no friend instance: 503
  await Bun.sleep(10); // Elysia records its own routes' requests in a setImmediate
  const s = parseExposition((await call(gateway.app, 'GET', '/metrics')).body);
  expect(sumOf(s, 'http_server_request_duration_seconds_count', { service: 'gateway', route: '/user/*', status: '200' })).toBe(2);
  expect(sumOf(s, 'http_server_request_duration_seconds_count', { route: '/friend/*', status: '503' })).toBe(1);
  expect(sumOf(s, 'gateway_upstream_request_duration_seconds_count', { upstream: 'user' })).toBe(2);
  expect(sumOf(s, 'gateway_upstream_errors_total', { upstream: 'friend', kind: 'no-instance' })).toBe(1);
  expect(sumOf(s, 'gateway_upstream_errors_total', { upstream: 'user' })).toBe(0);
  // No raw path in any label.
  expect(s.some((x) => Object.values(x.labels).some((v) => v.includes('/v1/')))).toBe(false);
});
