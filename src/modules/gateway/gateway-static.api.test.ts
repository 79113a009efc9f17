import { describe, expect, test } from 'bun:test';
import { createLocalFetch } from '../../platform/http/local-fetch';
import { silentLogger } from '../../platform/log';
import { call } from '../../../test/kits/http';
import { echoUpstream, expectProblem, type Echo } from '../../../test/kits/gateway/world';
import { createGatewayModule } from './index';

/** GATEWAY_UPSTREAMS: fixed addresses (e.g. Kubernetes Services) instead of discovery. */
function staticGateway(upstreams: Record<string, string>) {
  const localFetch = createLocalFetch();
  // Made-up `.test` hosts are answered in-process; any other address is really dialled.
  for (const [service, url] of Object.entries(upstreams)) {
    if (new URL(url).hostname.endsWith('.test')) localFetch.mount(url, async (r) => echoUpstream(service).handle(r));
  }
  return createGatewayModule({
    fetch: localFetch.fetch,
    // Nothing answers here: any discovery call would fail the requests below.
    discoveryUrl: 'http://discovery.invalid',
    upstreamTimeoutMs: 1_000,
    refreshMs: 10,
    log: silentLogger,
    upstreams,
  });
}

const all = { user: 'http://user.test:8081', friend: 'http://friend.test:8082', recommendation: 'http://recommendation.test:8083' };

describe('static upstreams', () => {
  test('forwards each prefix to its configured address, prefix stripped, without asking discovery', async () => {
    const gateway = staticGateway(all);
    for (const service of ['user', 'friend', 'recommendation']) {
      const res = await call<Echo>(gateway.app, 'GET', `/${service}/v1/x?limit=2`);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ instance: service, path: '/v1/x?limit=2' });
    }
  });

  test('an upstream that does not answer is a 502, not a discovery error', async () => {
    const gateway = staticGateway({ ...all, friend: 'http://127.0.0.1:1' });
    expectProblem(await call(gateway.app, 'POST', '/friend/v1/users/1/commands/addFriend?friendId=2'), 502);
  });

  test('a route without an upstream stops start-up, naming the service', () => {
    expect(() => staticGateway({ user: all.user, recommendation: all.recommendation })).toThrow('friend');
  });
});
