import { afterAll, describe, expect, test } from 'bun:test';
import { countingUpstream, hostedGateway, rawRequest, serve, stopServers } from '../../../test/kits/gateway/sockets';

/**
 * Clients that send a valid body very slowly. Streamed through, their bodies held an upstream
 * until the gateway's upstream timeout; the 504s counted against that healthy instance and opened
 * its circuit for every client. The gateway now reads the whole body first: past its time limit
 * the client gets 408, and no upstream ever sees the request or is blamed for it.
 */
const stops: (() => Promise<void>)[] = [];
afterAll(async () => {
  await Promise.all(stops.map((stop) => stop()));
  await stopServers();
});

const BODY = JSON.stringify({ firstName: 'Slow', lastName: 'Client' });

describe('a request body that arrives too slowly', () => {
  test('gets 408 from the gateway, never reaches the upstream, and does not open its circuit', async () => {
    const upstream = countingUpstream();
    const target = serve(upstream);
    const gateway = await hostedGateway({
      upstreams: { user: target, friend: target, recommendation: target },
      // Shorter than the body time limit: had the upstream been waiting for the body, it would have timed out.
      upstreamTimeoutMs: 200,
      protection: { bodyTimeoutMs: 300, breakerFailures: 3, breakerMinRequests: 5, breakerOpenMs: 60_000, rateLimitPerSecond: 0 },
    });
    stops.push(gateway.stop);

    const head = `POST /user/v1/users HTTP/1.1\r\nhost: gw.test\r\ncontent-type: application/json\r\ncontent-length: ${BODY.length}`;
    // Ten clients, one byte every 100 ms: the whole body would take seconds.
    const slow = await Promise.all(Array.from({ length: 10 }, () => rawRequest(gateway.port, head, [...BODY], { gapMs: 100, waitMs: 5_000 })));
    for (const reply of slow) {
      expect(reply.status).toBe(408);
      expect(JSON.parse(reply.body)).toMatchObject({ status: 408, detail: 'the request body did not arrive within 300 ms' });
      expect(reply.closedByServer).toBe(true);
    }
    expect(upstream.calls).toBe(0);

    // Healthy clients are served as before.
    for (let i = 0; i < 20; i++) {
      const res = await fetch(`${gateway.url}/user/v1/users`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: BODY });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ bytes: BODY.length });
    }
    expect(upstream.calls).toBe(20);
  }, 10_000);

  test('a body that arrives in parts within the limit is forwarded whole', async () => {
    const upstream = countingUpstream();
    const target = serve(upstream);
    const gateway = await hostedGateway({ upstreams: { user: target, friend: target, recommendation: target }, protection: { bodyTimeoutMs: 2_000 } });
    stops.push(gateway.stop);
    const head = `POST /user/v1/users HTTP/1.1\r\nhost: gw.test\r\nconnection: close\r\ncontent-type: application/json\r\ncontent-length: ${BODY.length}`;
    const reply = await rawRequest(gateway.port, head, [BODY.slice(0, 10), BODY.slice(10)], { gapMs: 50 });
    expect(reply.status).toBe(200);
    expect(upstream.bodies).toEqual([BODY.length]);
  });
});
