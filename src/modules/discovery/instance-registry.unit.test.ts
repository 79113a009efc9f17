import { describe, expect, test } from 'bun:test';
import { InstanceRegistry } from './instance-registry';

const t0 = Date.parse('2030-01-01T00:00:00.000Z');
const at = (ms: number) => new Date(t0 + ms);
const reg = (service: string, instanceId: string, url = 'http://10.0.0.1:8081') => ({ service, instanceId, url });

describe('register', () => {
  test('creates an instance stamped with the given time', () => {
    const registry = new InstanceRegistry(1_000);
    expect(registry.register(reg('user', 'u1'), at(0))).toEqual({
      outcome: 'created',
      instance: { ...reg('user', 'u1'), registeredAt: at(0).toISOString(), lastHeartbeatAt: at(0).toISOString() },
    });
  });

  test('registering the same instance again refreshes it, keeps registeredAt and takes the new url', () => {
    const registry = new InstanceRegistry(1_000);
    registry.register(reg('user', 'u1'), at(0));
    const again = registry.register(reg('user', 'u1', 'http://10.0.0.2:9999'), at(500));
    expect(again).toMatchObject({
      outcome: 'refreshed',
      instance: { url: 'http://10.0.0.2:9999', registeredAt: at(0).toISOString(), lastHeartbeatAt: at(500).toISOString() },
    });
    expect(registry.list(at(500))).toHaveLength(1);
  });

  test('re-registering after going stale starts a new registration', () => {
    const registry = new InstanceRegistry(1_000);
    registry.register(reg('user', 'u1'), at(0));
    expect(registry.register(reg('user', 'u1'), at(1_001))).toMatchObject({
      outcome: 'created',
      instance: { registeredAt: at(1_001).toISOString() },
    });
  });

  test('refuses new instances beyond the limit, after evicting stale ones first', () => {
    const registry = new InstanceRegistry(1_000, 2);
    registry.register(reg('user', 'u1'), at(0));
    registry.register(reg('user', 'u2'), at(0));
    expect(registry.register(reg('user', 'u3'), at(10))).toEqual({ outcome: 'full', limit: 2 });
    expect(registry.register(reg('user', 'u1'), at(10)).outcome).toBe('refreshed');
    expect(registry.register(reg('user', 'u3'), at(1_500)).outcome).toBe('created');
  });
});

describe('heartbeat', () => {
  test('moves lastHeartbeatAt and keeps the instance alive past the original deadline', () => {
    const registry = new InstanceRegistry(1_000);
    registry.register(reg('user', 'u1'), at(0));
    expect(registry.heartbeat('user', 'u1', at(900))?.lastHeartbeatAt).toBe(at(900).toISOString());
    expect(registry.listService('user', at(1_800))).toHaveLength(1);
  });

  test('is undefined for an unknown or stale instance', () => {
    const registry = new InstanceRegistry(1_000);
    registry.register(reg('user', 'u1'), at(0));
    expect(registry.heartbeat('user', 'nope', at(1))).toBeUndefined();
    expect(registry.heartbeat('friend', 'u1', at(1))).toBeUndefined();
    expect(registry.heartbeat('user', 'u1', at(1_001))).toBeUndefined();
    expect(registry.heartbeat('user', 'u1', at(1_002))).toBeUndefined();
  });
});

describe('deregister', () => {
  test('removes a live instance once', () => {
    const registry = new InstanceRegistry(1_000);
    registry.register(reg('user', 'u1'), at(0));
    expect(registry.deregister('user', 'u1', at(1))).toBe(true);
    expect(registry.deregister('user', 'u1', at(2))).toBe(false);
    expect(registry.list(at(2))).toEqual([]);
  });
});

describe('list and evict', () => {
  test('lists live instances per service in registration order', () => {
    const registry = new InstanceRegistry(1_000);
    registry.register(reg('user', 'u2'), at(0));
    registry.register(reg('friend', 'f1'), at(0));
    registry.register(reg('user', 'u1'), at(0));
    expect(registry.listService('user', at(0)).map((i) => i.instanceId)).toEqual(['u2', 'u1']);
    expect(registry.list(at(0)).map((i) => i.instanceId)).toEqual(['u2', 'u1', 'f1']);
    expect(registry.listService('recommendation', at(0))).toEqual([]);
  });

  test('an instance exactly evictAfterMs old is still live; one millisecond later it is gone', () => {
    const registry = new InstanceRegistry(1_000);
    registry.register(reg('user', 'u1'), at(0));
    expect(registry.listService('user', at(1_000))).toHaveLength(1);
    expect(registry.listService('user', at(1_001))).toEqual([]);
  });

  test('evict removes stale instances only and reports them', () => {
    const registry = new InstanceRegistry(1_000);
    registry.register(reg('user', 'old'), at(0));
    registry.register(reg('user', 'fresh'), at(600));
    registry.register(reg('friend', 'gone'), at(0));
    const evicted = registry.evict(at(1_200));
    expect(evicted.map((i) => i.instanceId).sort()).toEqual(['gone', 'old']);
    expect(registry.list(at(1_200)).map((i) => i.instanceId)).toEqual(['fresh']);
    expect(registry.evict(at(1_200))).toEqual([]);
  });
});
