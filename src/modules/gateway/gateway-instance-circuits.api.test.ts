import { afterAll, describe, expect, test } from 'bun:test';
import { parseExposition, sumOf } from '../../platform/metrics/exposition';
import { call } from '../../../test/kits/http';
import { createDiscoveryModule } from '../discovery/index';
import { controlled, databaseDown, expectProblem, gatewayWorld } from '../../../test/kits/gateway/world';
import { refusedUrl, serve, stopServers } from '../../../test/kits/gateway/sockets';

/**
 * Circuits are per instance, as outlier ejection in a service mesh: with two instances of a
 * service behind real sockets, one that keeps failing (database down, or killed: connections
 * refused) is passed over while its circuit is open, and the other takes every request, POSTs
 * included. The service gets 503 only when all of its instances have their circuits open.
 */
afterAll(stopServers);

// In a row (refused), or as the whole of an instance's window (503s): either opens its circuit.
const FAILURES = 3;
const world = (openMs: number) => gatewayWorld(createDiscoveryModule, { protection: { breakerFailures: FAILURES, breakerMinRequests: FAILURES, breakerOpenMs: openMs } });

const ok = () => Response.json({ ok: true });
const addFriend = (app: Parameters<typeof call>[0], i: number) => call(app, 'POST', `/friend/v1/users/${i}/commands/addFriend?friendId=${i + 1}`, {});
const heldBack = (res: { body: any }) => typeof res.body?.detail === 'string' && res.body.detail.includes('held back');

async function metricsOf(app: Parameters<typeof call>[0]) {
  const s = parseExposition((await call(app, 'GET', '/metrics')).body);
  return {
    state: sumOf(s, 'gateway_circuit_state', { upstream: 'friend' }),
    circuitOpen: sumOf(s, 'gateway_upstream_errors_total', { upstream: 'friend', kind: 'circuit-open' }),
  };
}

describe('circuit breaker per instance', () => {
  test('an instance answering 503s is passed over once its circuit opens: the other instance takes every request, POSTs included', async () => {
    const { gateway, register } = world(60_000);
    const bad = controlled(databaseDown);
    const good = controlled(ok);
    await register('friend', 'friend-bad', serve(bad));
    await register('friend', 'friend-good', serve(good));

    // Round-robin: the bad instance's failures alternate with the good one's successes, which
    // must not reset the bad instance's count.
    const statuses: number[] = [];
    for (let i = 0; i < 20; i++) {
      const res = i % 2 ? await call(gateway.app, 'GET', `/friend/v1/users/${i}/friends`) : await addFriend(gateway.app, i);
      expect(heldBack(res)).toBe(false);
      statuses.push(res.status);
    }
    expect(bad.calls).toBe(FAILURES);
    expect(statuses.filter((s) => s === 503)).toHaveLength(FAILURES); // the bad instance's own answers
    expect(statuses.slice(2 * FAILURES)).toEqual(Array(20 - 2 * FAILURES).fill(200));
    expect(good.calls).toBe(20 - FAILURES);
    expect(await metricsOf(gateway.app)).toEqual({ state: 0.5, circuitOpen: 0 });
  });

  test('a killed instance (connections refused) under concurrent POSTs: 502s from it only until its circuit opens, never a 503 while the other lives', async () => {
    const { gateway, register } = world(60_000);
    // The live instance answers a little later than the dead one refuses: the dead one's failures
    // come in one after another, as they do under load.
    const live = controlled(async () => (await Bun.sleep(30), ok()));
    await register('friend', 'friend-dead', await refusedUrl());
    await register('friend', 'friend-live', serve(live));

    const statuses: number[] = [];
    for (let wave = 0; wave < 4; wave++) {
      const replies = await Promise.all(Array.from({ length: 2 * FAILURES }, (_, i) => addFriend(gateway.app, i)));
      for (const res of replies) {
        if (res.status !== 200) expectProblem(res, 502);
        statuses.push(res.status);
      }
    }
    // The first wave is shared out before any answer; after it, the dead instance is skipped.
    expect(statuses.filter((s) => s === 502)).toHaveLength(FAILURES);
    expect(statuses.slice(2 * FAILURES).every((s) => s === 200)).toBe(true);
    expect(live.calls).toBe(statuses.length - FAILURES);
    // GETs never reach it either (they would have been retried on the live instance anyway).
    for (let i = 0; i < 4; i++) expect((await call(gateway.app, 'GET', '/friend/v1/users/1/friends')).status).toBe(200);
    expect(await metricsOf(gateway.app)).toEqual({ state: 0.5, circuitOpen: 0 });
  });

  test('every instance failing: 503 problem naming the service, with Retry-After, and no instance called', async () => {
    const { gateway, register } = world(300);
    const first = controlled(databaseDown);
    const second = controlled(databaseDown);
    const secondUrl = serve(second);
    await register('friend', 'friend-1', serve(first));
    await register('friend', 'friend-2', secondUrl);

    for (let i = 0; i < 2 * FAILURES; i++) expect((await call(gateway.app, 'GET', '/friend/v1/users/1/friends')).status).toBe(503);
    expect([first.calls, second.calls]).toEqual([FAILURES, FAILURES]);
    const refused = await addFriend(gateway.app, 1);
    expectProblem(refused, 503);
    expect(refused.body.detail).toBe('service friend is failing; requests to it are held back for 1 s');
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(JSON.stringify(refused.body)).not.toContain(new URL(secondUrl).port);
    expect([first.calls, second.calls]).toEqual([FAILURES, FAILURES]);
    expect(await metricsOf(gateway.app)).toEqual({ state: 1, circuitOpen: 1 });
  });

  test('after the open period one trial goes to the instance; others meanwhile go to the healthy one; success closes its circuit', async () => {
    const OPEN_MS = 300;
    const { gateway, register } = world(OPEN_MS);
    const flaky = controlled(databaseDown);
    const good = controlled(ok);
    await register('friend', 'friend-flaky', serve(flaky));
    await register('friend', 'friend-good', serve(good));
    const get = () => call(gateway.app, 'GET', '/friend/v1/users/1/friends');

    for (let i = 0; i < 2 * FAILURES + 4; i++) await get();
    expect(flaky.calls).toBe(FAILURES);

    // Still failing after the open period: exactly one trial reaches it, which opens it again.
    await Bun.sleep(OPEN_MS + 20);
    expect((await metricsOf(gateway.app)).state).toBe(0.5);
    const afterFirstPeriod = await Promise.all([get(), get(), get(), get()]);
    expect(afterFirstPeriod.filter((res) => res.status === 503)).toHaveLength(1); // the trial, answered by the instance
    expect(afterFirstPeriod.some(heldBack)).toBe(false);
    expect(flaky.calls).toBe(FAILURES + 1);
    for (let i = 0; i < 4; i++) expect((await get()).status).toBe(200);
    expect(flaky.calls).toBe(FAILURES + 1);

    // Back: the trial is held up long enough for another request to arrive meanwhile.
    await Bun.sleep(OPEN_MS + 20);
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    flaky.answer = async () => (await held, ok());
    const goodBefore = good.calls;
    const trials: Promise<Awaited<ReturnType<typeof get>>>[] = [];
    // Round-robin reaches the flaky instance within two requests.
    while (flaky.calls === FAILURES + 1) {
      trials.push(get());
      await Bun.sleep(20);
    }
    const meanwhile = await get();
    expect(meanwhile.status).toBe(200);
    expect(flaky.calls).toBe(FAILURES + 2);
    release();
    expect((await Promise.all(trials)).map((res) => res.status).every((s) => s === 200)).toBe(true);
    expect(good.calls).toBeGreaterThan(goodBefore);

    // Closed: both instances share the load again.
    const flakyBefore = flaky.calls;
    for (let i = 0; i < 6; i++) expect((await get()).status).toBe(200);
    expect(flaky.calls - flakyBefore).toBe(3);
    expect(await metricsOf(gateway.app)).toEqual({ state: 0, circuitOpen: 0 });
  });
});
