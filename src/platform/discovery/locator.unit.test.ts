import { describe, expect, test } from 'bun:test';
import type { Instance } from './registry-protocol';
import { ServiceLocator } from './service-locator';
import { staticLocator } from './static-locator';

const since = new Date(0).toISOString();
const instance = (instanceId: string): Instance => ({ service: 'friend', instanceId, url: `http://${instanceId}:8080`, registeredAt: since, lastHeartbeatAt: since });

/** A locator over a fixed discovery answer, counting the look-ups; every instance is healthy. */
function locatorOf(ids: string[]) {
  let lookups = 0;
  const fetch = async (request: Request) => {
    if (request.url.endsWith('/actuator/health')) return Response.json({ status: 'UP' });
    lookups++;
    return Response.json(ids.map(instance));
  };
  const locator = new ServiceLocator(fetch, 'http://discovery.test', 60_000, { token: 'x'.repeat(32) });
  return { locator, lookups: () => lookups };
}

async function picks(n: number, pick: () => Promise<Instance | undefined>) {
  const ids: (string | undefined)[] = [];
  for (let i = 0; i < n; i++) ids.push((await pick())?.instanceId);
  return ids;
}

describe('ServiceLocator.pick', () => {
  test('round-robin over the live instances; none live: undefined', async () => {
    expect(await picks(5, () => locatorOf(['a', 'b', 'c']).locator.pick('friend'))).toEqual(['a', 'a', 'a', 'a', 'a']);
    const { locator } = locatorOf(['a', 'b', 'c']);
    expect(await picks(5, () => locator.pick('friend'))).toEqual(['a', 'b', 'c', 'a', 'b']);
    expect(await locatorOf([]).locator.pick('friend')).toBeUndefined();
  });

  test('an instance `accept` refuses is passed over, and its share spread over the others, not given to its neighbour', async () => {
    const { locator } = locatorOf(['a', 'b', 'c']);
    expect(await picks(6, () => locator.pick('friend', (i) => i.instanceId !== 'a'))).toEqual(['b', 'c', 'b', 'c', 'b', 'c']);
    const other = locatorOf(['a', 'b', 'c']).locator;
    expect(await picks(6, () => other.pick('friend', (i) => i.instanceId !== 'b'))).toEqual(['a', 'c', 'a', 'c', 'a', 'c']);
  });

  test('each live instance is offered once at most, in order; none taken: undefined', async () => {
    const { locator, lookups } = locatorOf(['a', 'b', 'c']);
    await locator.pick('friend'); // the cursor now at b
    const offered: string[] = [];
    expect(await locator.pick('friend', (i) => (offered.push(i.instanceId), false))).toBeUndefined();
    expect(offered).toEqual(['b', 'c', 'a']);
    offered.length = 0;
    expect((await locator.pick('friend', (i) => (offered.push(i.instanceId), i.instanceId === 'a')))?.instanceId).toBe('a');
    expect(offered).toEqual(['b', 'c', 'a']); // nothing was taken last time: the cursor had not moved
    expect(lookups()).toBe(1);
  });
});

test('staticLocator: one instance per service, its address as its id, offered to `accept`', async () => {
  const locator = staticLocator({ user: 'http://user:8080' });
  expect(await locator.pick('user')).toMatchObject({ service: 'user', instanceId: 'http://user:8080', url: 'http://user:8080' });
  expect(await locator.pick('user', () => false)).toBeUndefined();
  expect(await locator.pick('friend')).toBeUndefined();
  expect(await locator.instances('user')).toHaveLength(1);
});
