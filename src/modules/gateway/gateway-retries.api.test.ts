import { afterAll, describe, expect, test } from 'bun:test';
import { call } from '../../../test/kits/http';
import { createDiscoveryModule } from '../discovery/index';
import { echoUpstream, expectProblem, gatewayWorld, type Echo } from '../../../test/kits/gateway/world';
import { refusedUrl, serve, stopServers } from '../../../test/kits/gateway/sockets';

/**
 * Which requests get a second instance. Only an idempotent one whose first instance could not be
 * reached at all: a POST sent twice may create twice, and a request that timed out may still be
 * running upstream (and has used up its time besides).
 */
afterAll(stopServers);

const world = (upstreamTimeoutMs = 1_000) => gatewayWorld(createDiscoveryModule, { upstreamTimeoutMs, protection: { breakerFailures: 0, breakerFailureRatio: 0 } });

/** The echo upstream behind a real socket, counting what it receives by method. */
function counted(instance: string, options: { delayMs?: number } = {}) {
  const echo = echoUpstream(instance, options);
  const seen: string[] = [];
  const url = serve({ handle: (request: Request) => (seen.push(request.method), echo.handle(request)) });
  return { url, seen };
}

describe('retries', () => {
  test('first instance unreachable: a GET and a PUT move on to the next instance, a POST is not replayed', async () => {
    const { gateway, register } = world();
    await register('user', 'net-dead', await refusedUrl());
    const live = counted('net-live');
    await register('user', 'net-live', live.url);

    for (const method of ['GET', 'PUT', 'DELETE', 'GET']) {
      const res = await call<Echo>(gateway.app, method, '/user/v1/users/1', method === 'PUT' ? { n: 1 } : undefined);
      expect(res).toMatchObject({ status: 200, body: { instance: 'net-live', method } });
    }
    let refused = 0;
    for (let i = 0; i < 4; i++) {
      const before = live.seen.length;
      const res = await call(gateway.app, 'POST', '/user/v1/users', { i });
      if (res.status === 502) {
        refused++;
        // The live instance never saw the POST that failed on the dead one.
        expect(live.seen.length).toBe(before);
      } else expect(res.status).toBe(200);
    }
    expect(refused).toBe(2);
    expect(live.seen.filter((m) => m === 'POST')).toHaveLength(2);
  });

  test('first instance answers too late: 504, and the request is not sent to another instance (POST or GET)', async () => {
    const { gateway, register } = world(150);
    const slow = counted('net-slow', { delayMs: 1_000 });
    const fast = counted('net-fast');
    await register('friend', 'net-slow', slow.url);
    await register('friend', 'net-fast', fast.url);

    for (const method of ['POST', 'GET']) {
      const results: number[] = [];
      for (let i = 0; i < 4; i++) {
        const before = fast.seen.length;
        const res = await call(gateway.app, method, '/friend/v1/users/1/commands/addFriend?friendId=2');
        results.push(res.status);
        if (res.status === 504) {
          expectProblem(res, 504);
          expect(fast.seen.length).toBe(before);
        }
      }
      expect(results.sort()).toEqual([200, 200, 504, 504]);
    }
    expect(slow.seen).toEqual(['POST', 'POST', 'GET', 'GET']);
    expect(fast.seen).toEqual(['POST', 'POST', 'GET', 'GET']);
  });
});
