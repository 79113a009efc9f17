import { afterAll, describe, expect, test } from 'bun:test';
import { parseExposition, sumOf } from '../../platform/metrics/exposition';
import { call } from '../../../test/kits/http';
import { createDiscoveryModule } from '../discovery/index';
import { controlled, databaseDown, expectProblem, gatewayWorld } from '../../../test/kits/gateway/world';
import type { GatewayProtection } from './protection';
import { refusedUrl, serve, stopServers } from '../../../test/kits/gateway/sockets';

/**
 * The circuit breaker against upstreams behind real sockets, each service here with one instance:
 * a service whose only instance keeps failing (down database, refused connections, timeouts) gets
 * 503 at once for a while, without being called; then one trial request decides. Services with
 * several instances: gateway-instance-circuits.api.test.ts.
 */
afterAll(stopServers);

const OPEN_MS = 300;
const world = (protection: Partial<GatewayProtection> = {}, upstreamTimeoutMs = 1_000) =>
  gatewayWorld(createDiscoveryModule, { upstreamTimeoutMs, protection: { breakerFailures: 3, breakerMinRequests: 3, breakerOpenMs: OPEN_MS, ...protection } });

async function metricsOf(app: Parameters<typeof call>[0]) {
  return parseExposition((await call(app, 'GET', '/metrics')).body);
}

describe('circuit breaker of a service with one instance', () => {
  test('503s (database down) as the whole of the traffic open the circuit: 503 problem naming the service with Retry-After, the upstream is not called', async () => {
    const { gateway, register } = world();
    const user = controlled(databaseDown);
    await register('user', 'user-a', serve(user));

    for (let i = 0; i < 3; i++) expect((await call(gateway.app, 'GET', '/user/v1/users/1')).status).toBe(503);
    expect(user.calls).toBe(3);
    const refused = await call(gateway.app, 'POST', '/user/v1/users', { firstName: 'A', lastName: 'B' });
    expectProblem(refused, 503);
    expect(refused.body.detail).toBe('service user is failing; requests to it are held back for 1 s');
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(user.calls).toBe(3);

    const s = await metricsOf(gateway.app);
    expect(sumOf(s, 'gateway_circuit_state', { upstream: 'user' })).toBe(1);
    expect(sumOf(s, 'gateway_circuit_state', { upstream: 'friend' })).toBe(0);
    expect(sumOf(s, 'gateway_upstream_errors_total', { upstream: 'user', kind: 'circuit-open' })).toBe(1);
    // Other services are not affected.
    expectProblem(await call(gateway.app, 'GET', '/friend/v1/friends/1'), 503);
    expect((await call(gateway.app, 'GET', '/friend/v1/friends/1')).body.detail).toBe('no live instance of service friend');
  });

  test('after the open period one trial goes through; its success closes the circuit', async () => {
    const { gateway, register } = world();
    const user = controlled(databaseDown);
    await register('user', 'user-a', serve(user));
    for (let i = 0; i < 3; i++) await call(gateway.app, 'GET', '/user/v1/users/1');
    expect((await call(gateway.app, 'GET', '/user/v1/users/1')).status).toBe(503);
    expect(user.calls).toBe(3);

    await Bun.sleep(OPEN_MS + 20);
    expect(sumOf(await metricsOf(gateway.app), 'gateway_circuit_state', { upstream: 'user' })).toBe(0.5);
    // The database is back; the trial is held up long enough for others to arrive meanwhile.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    user.answer = async () => (await held, Response.json({ id: 1 }));
    const trial = call(gateway.app, 'GET', '/user/v1/users/1');
    await Bun.sleep(30);
    const meanwhile = await call(gateway.app, 'GET', '/user/v1/users/2');
    expectProblem(meanwhile, 503);
    expect(meanwhile.headers.get('retry-after')).toBe('1');
    release();
    expect((await trial).status).toBe(200);
    expect(user.calls).toBe(4);

    for (let i = 0; i < 5; i++) expect((await call(gateway.app, 'GET', '/user/v1/users/1')).status).toBe(200);
    expect(sumOf(await metricsOf(gateway.app), 'gateway_circuit_state', { upstream: 'user' })).toBe(0);
  });

  test('a failed trial opens it again for a full period', async () => {
    const { gateway, register } = world();
    const user = controlled(databaseDown);
    await register('user', 'user-a', serve(user));
    for (let i = 0; i < 3; i++) await call(gateway.app, 'GET', '/user/v1/users/1');
    await Bun.sleep(OPEN_MS + 20);
    expect((await call(gateway.app, 'GET', '/user/v1/users/1')).status).toBe(503); // the trial, answered by the upstream
    expect(user.calls).toBe(4);
    expect((await call(gateway.app, 'GET', '/user/v1/users/1')).body.detail).toContain('held back');
    expect(user.calls).toBe(4);
  });

  test('refused connections and timeouts count as failures', async () => {
    const refused = world();
    await refused.register('user', 'user-dead', await refusedUrl());
    for (let i = 0; i < 3; i++) expectProblem(await call(refused.gateway.app, 'POST', '/user/v1/users', {}), 502);
    expect((await call(refused.gateway.app, 'POST', '/user/v1/users', {})).body.detail).toContain('held back');

    const slow = world({}, 100);
    const late = controlled(async () => (await Bun.sleep(1_000), Response.json({})));
    await slow.register('recommendation', 'rec-slow', serve(late));
    for (let i = 0; i < 3; i++) expectProblem(await call(slow.gateway.app, 'GET', '/recommendation/v1/x'), 504);
    const held = await call(slow.gateway.app, 'GET', '/recommendation/v1/x');
    expect(held.body.detail).toBe('service recommendation is failing; requests to it are held back for 1 s');
    expect(late.calls).toBe(3);
  });

  test('4xx answers never count', async () => {
    const { gateway, register } = world();
    let status = 404;
    const user = controlled(() => Response.json({ status }, { status, headers: { 'content-type': 'application/problem+json' } }));
    await register('user', 'user-a', serve(user));
    for (const s of [404, 400, 409, 412, 429]) {
      status = s;
      for (let i = 0; i < 4; i++) expect((await call(gateway.app, 'GET', '/user/v1/users/1')).status).toBe(s);
    }
    expect(sumOf(await metricsOf(gateway.app), 'gateway_circuit_state', { upstream: 'user' })).toBe(0);
    expect(user.calls).toBe(20);
  });

  test('a few 500s (a damaged record, read again and again) among many successes never open the circuit', async () => {
    const { gateway, register } = world({ breakerMinRequests: 20, breakerFailureRatio: 0.5 });
    const user = controlled((request) =>
      new URL(request.url).pathname === '/v1/users/13' ? Response.json({ status: 500 }, { status: 500, headers: { 'content-type': 'application/problem+json' } }) : Response.json({ id: 1 }),
    );
    await register('user', 'user-a', serve(user));
    // More 500s in a row than the in-a-row trigger's 3; each a third or less of the window.
    for (let round = 0; round < 5; round++) {
      for (let i = 0; i < 10; i++) expect((await call(gateway.app, 'GET', '/user/v1/users/2')).status).toBe(200);
      for (let i = 0; i < 5; i++) expect((await call(gateway.app, 'GET', '/user/v1/users/13')).status).toBe(500);
    }
    for (let i = 0; i < 20; i++) expect((await call(gateway.app, 'GET', '/user/v1/users/2')).status).toBe(200);
    expect(sumOf(await metricsOf(gateway.app), 'gateway_circuit_state', { upstream: 'user' })).toBe(0);
    expect(user.calls).toBe(95);
  });

  test('a mostly failing instance opens the circuit once the window holds enough requests', async () => {
    const { gateway, register } = world({ breakerMinRequests: 20, breakerFailureRatio: 0.5 });
    let calls = 0;
    const user = controlled(() => (++calls % 4 === 1 ? Response.json({ id: 1 }) : databaseDown()));
    await register('user', 'user-a', serve(user));
    const statuses: number[] = [];
    for (let i = 0; i < 30; i++) statuses.push((await call(gateway.app, 'GET', '/user/v1/users/1')).status);
    // Opened at the 20th request (15 of 20 failed); the rest held back without calling it.
    expect(user.calls).toBe(20);
    expect(statuses.slice(20)).toEqual(Array(10).fill(503));
    expect((await call(gateway.app, 'GET', '/user/v1/users/1')).body.detail).toContain('held back');
  });

  test('0 failures in a row and a 0 failure ratio switch circuit breaking off', async () => {
    const { gateway, register } = world({ breakerFailures: 0, breakerFailureRatio: 0 });
    const user = controlled(databaseDown);
    await register('user', 'user-a', serve(user));
    for (let i = 0; i < 20; i++) await call(gateway.app, 'GET', '/user/v1/users/1');
    expect(user.calls).toBe(20);
  });
});
