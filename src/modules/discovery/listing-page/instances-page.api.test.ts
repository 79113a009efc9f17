import { expect, test } from 'bun:test';
import { registryHeaders, registryPaths } from '../../../platform/discovery/registry-protocol';
import { silentLogger } from '../../../platform/log';
import { createDiscoveryModule } from '../index';

const TOKEN = 'page-test-discovery-token-0123456789';
const now = new Date('2030-01-01T00:00:10.000Z');

function setup() {
  return createDiscoveryModule({ evictAfterMs: 60_000, clock: { now: () => now }, log: silentLogger, token: TOKEN }).app;
}

const get = (app: ReturnType<typeof setup>, headers: Record<string, string> = {}) => app.handle(new Request('http://localhost/', { headers }));

test('/ without the token is a 401, like the rest of the registry', async () => {
  const res = await get(setup());
  expect(res.status).toBe(401);
  expect(await res.text()).not.toContain('<table');
  expect((await get(setup(), { authorization: 'Bearer wrong-token-wrong-token-wrong-token' })).status).toBe(401);
});

test('/ with the token lists every live instance as HTML, escaped', async () => {
  const app = setup();
  for (const body of [
    { service: 'user', instanceId: 'user-1', url: 'http://10.0.0.1:8081' },
    { service: 'friend', instanceId: 'friend-<b>1', url: 'http://10.0.0.2:8082' },
  ]) {
    const res = await app.handle(new Request(`http://localhost${registryPaths.register}`, { method: 'POST', headers: { 'content-type': 'application/json', ...registryHeaders(TOKEN) }, body: JSON.stringify(body) }));
    expect(res.status).toBe(201);
  }
  const res = await get(app, registryHeaders(TOKEN));
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toStartWith('text/html');
  const html = await res.text();
  expect(html).toContain('2 live instances');
  expect(html).toContain('<td>user-1</td>');
  expect(html).toContain('friend-&#60;b&#62;1');
  expect(html).not.toContain('friend-<b>1');
});
