import { afterAll, afterEach, expect, test } from 'bun:test';
import { parseExposition, sumOf } from '../../platform/metrics/exposition';
import { countingUpstream, hostedGateway, stopServers } from '../../../test/kits/gateway/sockets';

/** The rate limit keys on the connection's peer, which only a real socket has. */
const stops: (() => Promise<void>)[] = [];
afterEach(() => Promise.all(stops.splice(0).map((stop) => stop())));
afterAll(stopServers);

async function gatewayWith(protection: Parameters<typeof hostedGateway>[0]['protection']) {
  const user = countingUpstream();
  const hosted = await hostedGateway({ upstreams: { user, friend: user, recommendation: user }, protection });
  stops.push(hosted.stop);
  return { ...hosted, user };
}

test('past its burst a client gets 429 with Retry-After in whole seconds, and the upstream sees nothing more', async () => {
  const { url, user } = await gatewayWith({ rateLimitPerSecond: 1, rateLimitBurst: 5 });
  const statuses: number[] = [];
  for (let i = 0; i < 5; i++) statuses.push((await fetch(`${url}/user/v1/users/${i}`)).status);
  expect(statuses).toEqual([200, 200, 200, 200, 200]);

  const refused = await fetch(`${url}/user/v1/users/9`, { method: 'POST', body: '{"firstName":"A","lastName":"B"}', headers: { 'content-type': 'application/json' } });
  expect(refused.status).toBe(429);
  expect(refused.headers.get('retry-after')).toMatch(/^[1-9]\d*$/);
  expect(refused.headers.get('content-type')).toBe('application/problem+json');
  expect(refused.headers.get('x-request-id')).toBeTruthy();
  expect(refused.headers.get('x-trace-id')).toMatch(/^[0-9a-f]{32}$/);
  expect(await refused.json()).toMatchObject({ status: 429, title: 'Too Many Requests', detail: 'too many requests from this client: at most 1 per second (bursts of 5); retry in 1 s' });
  // The gateway's own pages count too; its probes do not.
  expect((await fetch(`${url}/swagger/json`)).status).toBe(429);
  expect(user.calls).toBe(5);

  expect((await fetch(`${url}/actuator/health`)).status).toBe(200);
  const scrape = await fetch(`${url}/metrics`);
  expect(scrape.status).toBe(200);
  const samples = parseExposition(await scrape.text());
  expect(sumOf(samples, 'http_server_request_duration_seconds_count', { route: '/user/*', status: '429' })).toBe(1);
});

test('the bucket refills at the sustained rate', async () => {
  const { url } = await gatewayWith({ rateLimitPerSecond: 2, rateLimitBurst: 1 });
  expect((await fetch(`${url}/user/v1/users/1`)).status).toBe(200);
  expect((await fetch(`${url}/user/v1/users/1`)).status).toBe(429);
  await Bun.sleep(550); // one token every 500 ms
  expect((await fetch(`${url}/user/v1/users/1`)).status).toBe(200);
});

test('a spoofed X-Forwarded-For buys no new bucket: the peer address is the client', async () => {
  const { url } = await gatewayWith({ rateLimitPerSecond: 1, rateLimitBurst: 2 });
  const statuses: number[] = [];
  for (let i = 0; i < 4; i++) statuses.push((await fetch(`${url}/user/v1/users/1`, { headers: { 'x-forwarded-for': `192.0.2.${i}` } })).status);
  expect(statuses).toEqual([200, 200, 429, 429]);
});

test('0 switches the rate limit off', async () => {
  const { url, user } = await gatewayWith({ rateLimitPerSecond: 0, rateLimitBurst: 1 });
  const statuses = await Promise.all(Array.from({ length: 50 }, () => fetch(`${url}/user/v1/users/1`).then((r) => r.status)));
  expect(new Set(statuses)).toEqual(new Set([200]));
  expect(user.calls).toBe(50);
});
