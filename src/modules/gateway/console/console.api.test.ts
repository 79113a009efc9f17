import { expect, test } from 'bun:test';
import { call } from '../../../../test/kits/http';
import { createDiscoveryModule } from '../../discovery/index';
import { echoUpstream, gatewayWorld } from '../../../../test/kits/gateway/world';
import { hs256, SECRET } from '../../../../test/kits/gateway/tokens';
import { metricSum } from './system-view';

const world = () => gatewayWorld(createDiscoveryModule);
const get = (app: { handle(r: Request): Promise<Response> | Response }, path: string, headers: Record<string, string> = {}) => app.handle(new Request(`http://localhost${path}`, { headers }));

test('/ redirects to /console; Swagger UI stays at /swagger', async () => {
  const { gateway } = world();
  const res = await get(gateway.app, '/');
  expect(res.status).toBe(302);
  expect(res.headers.get('location')).toBe('/console');
  expect((await get(gateway.app, '/swagger')).status).toBe(200);
});

test('the page and its assets are served with validators; a matching If-None-Match is a 304', async () => {
  const { gateway } = world();
  const page = await get(gateway.app, '/console');
  expect(page.headers.get('content-type')).toStartWith('text/html');
  const html = await page.text();
  expect(html).toContain('/console/assets/console.js');
  expect(html).not.toMatch(/https?:\/\//);
  for (const path of ['/console/assets/console.js', '/console/assets/console.css']) {
    const res = await get(gateway.app, path, { 'accept-encoding': 'gzip' });
    expect({ path, status: res.status, cache: res.headers.get('cache-control') }).toEqual({ path, status: 200, cache: 'no-cache' });
    const etag = res.headers.get('etag')!;
    expect((await get(gateway.app, path, { 'if-none-match': etag })).status).toBe(304);
  }
  const script = await get(gateway.app, '/console/assets/console.js', { 'accept-encoding': 'gzip' });
  expect(script.headers.get('content-encoding')).toBe('gzip');
}, 30_000);

test('/console/api/system lists the instances discovery knows, with the circuit of each', async () => {
  const { gateway, register } = world();
  await register('user', 'user-a', echoUpstream('user-a'));
  await register('friend', 'friend-a', echoUpstream('friend-a'));
  await call(gateway.app, 'GET', '/user/v1/users/1');
  const view = (await call(gateway.app, 'GET', '/console/api/system')).body;
  expect(view.discovery.reachable).toBe(true);
  expect(view.instances.map((i: any) => [i.service, i.instanceId, i.circuit])).toEqual([
    ['friend', 'friend-a', 'unused'],
    ['user', 'user-a', 'closed'],
  ]);
});

test('metricSum adds the samples of one metric and ignores others that share its prefix', () => {
  const text = '# HELP outbox_backlog x\noutbox_backlog 3\noutbox_backlog_total 9\nkafka_consumer_lag{partition="0"} 2\nkafka_consumer_lag{partition="1"} 5\n';
  expect(metricSum(text, 'outbox_backlog')).toBe(3);
  expect(metricSum(text, 'kafka_consumer_lag')).toBe(7);
  expect(metricSum(text, 'absent')).toBeUndefined();
});

test('with AUTH_MODE=jwt the system view needs a valid bearer token; the page itself stays open and asks for one', async () => {
  const { gateway } = gatewayWorld(createDiscoveryModule, { auth: { mode: 'jwt', secret: SECRET } });
  const page = await (await get(gateway.app, '/console')).text();
  expect(page).toContain('data-auth="jwt"');
  expect(page).toMatch(/<form id="token-form" >/);
  for (const headers of [{}, { authorization: 'Bearer not-a-token' }] as Record<string, string>[]) {
    const refused = await call(gateway.app, 'GET', '/console/api/system', undefined, headers);
    expect(refused.status).toBe(401);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
  }
  const allowed = await call(gateway.app, 'GET', '/console/api/system', undefined, { authorization: `Bearer ${await hs256()}` });
  expect(allowed.status).toBe(200);
  expect(allowed.body.discovery.reachable).toBe(true);
});
