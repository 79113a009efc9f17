import { describe, expect, test } from 'bun:test';
import type { Instance } from './registry-protocol';
import { ServiceLocator } from './service-locator';

/**
 * The locator offers only instances whose own health check passed: discovery lists who registered,
 * not who answers. Discovery and the instances are stubbed by one fetch.
 */
const since = new Date(0).toISOString();
const instance = (instanceId: string): Instance => ({ service: 'user', instanceId, url: `http://${instanceId}.test`, registeredAt: since, lastHeartbeatAt: since });
const TOKEN = 'locator-test-token-0123456789abcdefgh';

type HealthAnswer = (request: Request) => Response | Promise<Response>;
const up = (): Response => Response.json({ status: 'UP' });

function world(health: Record<string, HealthAnswer | undefined>, options: { concurrency?: number; retryMs?: number; timeoutMs?: number } = {}) {
  const probes: string[] = [];
  const discoveryCalls: Request[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const fetch = async (request: Request) => {
    const url = new URL(request.url);
    if (url.host === 'discovery.test') {
      discoveryCalls.push(request);
      return Response.json(Object.keys(health).map(instance));
    }
    const id = url.host.replace('.test', '');
    probes.push(id);
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    try {
      const answer = health[id];
      if (!answer) throw new TypeError('connection refused');
      return await answer(request);
    } finally {
      inFlight--;
    }
  };
  const locator = new ServiceLocator(fetch, 'http://discovery.test', 60_000, { token: TOKEN, healthCheck: { timeoutMs: 200, retryMs: 50, ...options } });
  return { locator, probes, discoveryCalls, maxInFlight: () => maxInFlight };
}

const idsOf = async (locator: ServiceLocator) => (await locator.instances('user')).map((i) => i.instanceId);

describe('health-checked instances', () => {
  test('an instance whose health check fails (refused, 503, not UP, not JSON, too slow) is never offered', async () => {
    const { locator, probes } = world({
      good: up,
      down: () => Response.json({ status: 'DOWN' }, { status: 503 }),
      liar: () => Response.json({ status: 'DOWN' }),
      page: () => new Response('<html>hello</html>'),
      slow: (request) => new Promise((_, reject) => request.signal.addEventListener('abort', () => reject(request.signal.reason))),
      refused: undefined,
    });
    expect(await idsOf(locator)).toEqual(['good']);
    for (let i = 0; i < 5; i++) expect((await locator.pick('user'))?.instanceId).toBe('good');
    expect(probes.sort()).toEqual(['down', 'good', 'liar', 'page', 'refused', 'slow']);
  });

  test('discovery is asked with the token', async () => {
    const { locator, discoveryCalls } = world({ good: up });
    await locator.pick('user');
    expect(discoveryCalls[0]!.headers.get('authorization')).toBe(`Bearer ${TOKEN}`);
  });

  test('a healthy instance is probed once, not on every refresh or pick', async () => {
    const { locator, probes } = world({ good: up });
    for (let i = 0; i < 3; i++) {
      locator.invalidate('user');
      await locator.pick('user');
    }
    expect(probes).toEqual(['good']);
  });

  test('a failed instance is probed again after retryMs and offered once it passes', async () => {
    let healthy = false;
    const { locator } = world({ late: () => (healthy ? up() : new Response('', { status: 503 })) }, { retryMs: 20 });
    expect(await idsOf(locator)).toEqual([]);
    healthy = true;
    await Bun.sleep(25);
    locator.invalidate('user');
    await locator.instances('user'); // starts the re-probe in the background
    await Bun.sleep(10);
    expect(await idsOf(locator)).toEqual(['late']);
  });

  test('an instance dropped after a failed request is not offered until a probe passes again', async () => {
    let healthy = true;
    const { locator } = world({ a: up, b: () => (healthy ? up() : new Response('', { status: 503 })) }, { retryMs: 20 });
    expect(await idsOf(locator)).toEqual(['a', 'b']);
    healthy = false;
    locator.invalidate('user', instance('b'));
    expect(await idsOf(locator)).toEqual(['a']);
    await Bun.sleep(25);
    locator.invalidate('user');
    await locator.instances('user');
    await Bun.sleep(10);
    expect(await idsOf(locator)).toEqual(['a']);
    healthy = true;
    await Bun.sleep(25);
    locator.invalidate('user');
    await locator.instances('user');
    await Bun.sleep(10);
    expect(await idsOf(locator)).toEqual(['a', 'b']);
  });

  test('probes run a bounded number at a time', async () => {
    const table = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`i${i}`, async () => (await Bun.sleep(5), up())]));
    const { locator, maxInFlight } = world(table, { concurrency: 3 });
    expect(await idsOf(locator)).toHaveLength(12);
    expect(maxInFlight()).toBe(3);
  });
});
