import { expect, test } from 'bun:test';
import { keepRegistered } from '../../platform/discovery/registration';
import { registryHeaders, registryPaths } from '../../platform/discovery/registry-protocol';
import { createLocalFetch } from '../../platform/http/local-fetch';
import { silentLogger } from '../../platform/log';
import { call } from '../../../test/kits/http';
import { eventually } from '../../../test/kits/processes';
import { createDiscoveryModule } from './index';

/**
 * The client every module runs (keepRegistered) against the real registry: it sends the token,
 * keeps its lease to heart-beat and deregister, and registers again when discovery restarted.
 */
const TOKEN = 'registration-client-token-0123456789abc';
const URL = 'http://discovery.test';
const me = { service: 'user', instanceId: 'user-me', url: 'http://10.0.0.1:8081' };

function discoveryAt(localFetch: ReturnType<typeof createLocalFetch>) {
  const discovery = createDiscoveryModule({ evictAfterMs: 1_000, clock: { now: () => new Date() }, log: silentLogger, token: TOKEN });
  localFetch.mount(URL, (request) => discovery.app.handle(request));
  return discovery;
}
const live = async (app: { handle(r: Request): Promise<Response> }) =>
  (await call(app, 'GET', registryPaths.ofService('user'), undefined, registryHeaders(TOKEN))).body.map((i: any) => i.instanceId);

test('registers with the token, heart-beats with its lease, re-registers after a discovery restart, deregisters on stop', async () => {
  const localFetch = createLocalFetch();
  let discovery = discoveryAt(localFetch);
  const beats: number[] = [];
  const spy = (request: Request) => (request.url.endsWith('/heartbeat') && beats.push(1), localFetch.fetch(request));
  const handle = keepRegistered({ fetch: spy, discoveryUrl: URL, token: TOKEN, registration: me, heartbeatIntervalMs: 20, log: silentLogger });
  try {
    await eventually('registered', async () => (await live(discovery.app)).includes('user-me'), 2_000);
    await eventually('a few heartbeats accepted', async () => beats.length >= 3, 2_000);
    // Restart: an empty registry at the same address. The next heartbeat is a 404; the client registers again.
    discovery = discoveryAt(localFetch);
    await eventually('registered again', async () => (await live(discovery.app)).includes('user-me'), 2_000);
  } finally {
    await handle.stop();
  }
  expect(await live(discovery.app)).toEqual([]);
});

test('with a wrong token it never gets in, and keeps trying without throwing', async () => {
  const localFetch = createLocalFetch();
  const discovery = discoveryAt(localFetch);
  const handle = keepRegistered({ fetch: localFetch.fetch, discoveryUrl: URL, token: 'w'.repeat(40), registration: me, heartbeatIntervalMs: 10, log: silentLogger });
  await Bun.sleep(60);
  await handle.stop();
  expect(await live(discovery.app)).toEqual([]);
});
