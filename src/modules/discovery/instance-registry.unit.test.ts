import { describe, expect, test } from 'bun:test';
import { InstanceRegistry } from './instance-registry';

const t0 = Date.parse('2030-01-01T00:00:00.000Z');
const at = (ms: number) => new Date(t0 + ms);
const reg = (service: string, instanceId: string, url = 'http://10.0.0.1:8081') => ({ service, instanceId, url });
/** A registration's lease, made up per instance so tests can present the right or a wrong one. */
const leaseOf = (instanceId: string) => `lease-of-${instanceId}`;
const fresh = (instanceId: string) => ({ fresh: leaseOf(instanceId) });
const holder = (instanceId: string) => ({ presented: leaseOf(instanceId), fresh: 'unused' });
/** Registers each [service, instanceId, ms] with a fresh lease, in order, and returns the registry. */
function withInstances(registry: InstanceRegistry, ...instances: [service: string, instanceId: string, ms: number][]) {
  for (const [service, instanceId, ms] of instances) registry.register(reg(service, instanceId), at(ms), fresh(instanceId));
  return registry;
}

describe('register', () => {
  test('creates an instance stamped with the given time, handing out the fresh lease', () => {
    const registry = new InstanceRegistry(1_000);
    expect(registry.register(reg('user', 'u1'), at(0), fresh('u1'))).toEqual({
      outcome: 'created',
      instance: { ...reg('user', 'u1'), registeredAt: at(0).toISOString(), lastHeartbeatAt: at(0).toISOString() },
      lease: leaseOf('u1'),
    });
  });

  test('its lease holder registering again refreshes it, keeps registeredAt and takes the new url', () => {
    const registry = new InstanceRegistry(1_000);
    registry.register(reg('user', 'u1'), at(0), fresh('u1'));
    const again = registry.register(reg('user', 'u1', 'http://10.0.0.2:9999'), at(500), holder('u1'));
    expect(again).toMatchObject({
      outcome: 'refreshed',
      instance: { url: 'http://10.0.0.2:9999', registeredAt: at(0).toISOString(), lastHeartbeatAt: at(500).toISOString() },
    });
    expect(registry.list(at(500))).toHaveLength(1);
  });

  test('a live instanceId registered without its lease, or with another, is taken and unchanged', () => {
    const registry = new InstanceRegistry(1_000);
    registry.register(reg('user', 'u1'), at(0), fresh('u1'));
    expect(registry.register(reg('user', 'u1', 'http://attacker:1'), at(10), { fresh: 'x' })).toEqual({ outcome: 'taken' });
    expect(registry.register(reg('user', 'u1', 'http://attacker:1'), at(10), { presented: 'guess', fresh: 'x' })).toEqual({ outcome: 'taken' });
    expect(registry.list(at(10))).toMatchObject([{ url: 'http://10.0.0.1:8081', lastHeartbeatAt: at(0).toISOString() }]);
  });

  test('re-registering after going stale starts a new registration with a new lease', () => {
    const registry = new InstanceRegistry(1_000);
    registry.register(reg('user', 'u1'), at(0), fresh('u1'));
    expect(registry.register(reg('user', 'u1'), at(1_001), { fresh: 'second' })).toMatchObject({
      outcome: 'created',
      instance: { registeredAt: at(1_001).toISOString() },
      lease: 'second',
    });
  });

  test('refuses new instances beyond the limit, after evicting stale ones first', () => {
    const registry = withInstances(new InstanceRegistry(1_000, 2), ['user', 'u1', 0], ['user', 'u2', 0]);
    expect(registry.register(reg('user', 'u3'), at(10), fresh('u3'))).toEqual({ outcome: 'full', limit: 2 });
    expect(registry.register(reg('user', 'u1'), at(10), holder('u1')).outcome).toBe('refreshed');
    expect(registry.register(reg('user', 'u3'), at(1_500), fresh('u3')).outcome).toBe('created');
  });

  test('refuses a service its instances beyond the per-service limit; other services still register', () => {
    const registry = withInstances(new InstanceRegistry(1_000, 100, 2), ['user', 'u1', 0], ['user', 'u2', 500]);
    expect(registry.register(reg('user', 'u3'), at(600), fresh('u3'))).toEqual({ outcome: 'service-full', limit: 2 });
    expect(registry.register(reg('friend', 'f1'), at(600), fresh('f1')).outcome).toBe('created');
    // u1 goes stale: its place is free again.
    expect(registry.register(reg('user', 'u3'), at(1_200), fresh('u3')).outcome).toBe('created');
  });
});

describe('heartbeat', () => {
  test('with the lease, moves lastHeartbeatAt and keeps the instance alive past the original deadline', () => {
    const registry = new InstanceRegistry(1_000);
    registry.register(reg('user', 'u1'), at(0), fresh('u1'));
    expect(registry.heartbeat('user', 'u1', leaseOf('u1'), at(900))).toMatchObject({ lastHeartbeatAt: at(900).toISOString() });
    expect(registry.listService('user', at(1_800))).toHaveLength(1);
  });

  test('without the lease, or with another, is refused and keeps nothing alive', () => {
    const registry = new InstanceRegistry(1_000);
    registry.register(reg('user', 'u1'), at(0), fresh('u1'));
    expect(registry.heartbeat('user', 'u1', undefined, at(900))).toBe('wrong-lease');
    expect(registry.heartbeat('user', 'u1', 'guess', at(900))).toBe('wrong-lease');
    expect(registry.listService('user', at(1_001))).toEqual([]);
  });

  test('is unknown for an unknown or stale instance', () => {
    const registry = new InstanceRegistry(1_000);
    registry.register(reg('user', 'u1'), at(0), fresh('u1'));
    expect(registry.heartbeat('user', 'nope', leaseOf('u1'), at(1))).toBe('unknown');
    expect(registry.heartbeat('friend', 'u1', leaseOf('u1'), at(1))).toBe('unknown');
    expect(registry.heartbeat('user', 'u1', leaseOf('u1'), at(1_001))).toBe('unknown');
    expect(registry.heartbeat('user', 'u1', leaseOf('u1'), at(1_002))).toBe('unknown');
  });
});

describe('deregister', () => {
  test('removes a live instance once, for its lease holder only', () => {
    const registry = new InstanceRegistry(1_000);
    registry.register(reg('user', 'u1'), at(0), fresh('u1'));
    expect(registry.deregister('user', 'u1', 'guess', at(1))).toBe('wrong-lease');
    expect(registry.deregister('user', 'u1', undefined, at(1))).toBe('wrong-lease');
    expect(registry.list(at(1))).toHaveLength(1);
    expect(registry.deregister('user', 'u1', leaseOf('u1'), at(1))).toBe('removed');
    expect(registry.deregister('user', 'u1', leaseOf('u1'), at(2))).toBe('unknown');
    expect(registry.list(at(2))).toEqual([]);
  });
});

describe('list and evict', () => {
  test('lists live instances per service in registration order, never their leases', () => {
    const registry = new InstanceRegistry(1_000);
    registry.register(reg('user', 'u2'), at(0), fresh('u2'));
    registry.register(reg('friend', 'f1'), at(0), fresh('f1'));
    registry.register(reg('user', 'u1'), at(0), fresh('u1'));
    expect(registry.listService('user', at(0)).map((i) => i.instanceId)).toEqual(['u2', 'u1']);
    expect(registry.list(at(0)).map((i) => i.instanceId)).toEqual(['u2', 'u1', 'f1']);
    expect(JSON.stringify(registry.list(at(0)))).not.toContain('lease');
    expect(registry.listService('recommendation', at(0))).toEqual([]);
  });

  test('an instance exactly evictAfterMs old is still live; one millisecond later it is gone', () => {
    const registry = new InstanceRegistry(1_000);
    registry.register(reg('user', 'u1'), at(0), fresh('u1'));
    expect(registry.listService('user', at(1_000))).toHaveLength(1);
    expect(registry.listService('user', at(1_001))).toEqual([]);
  });

  test('evict removes stale instances only and reports them', () => {
    const registry = new InstanceRegistry(1_000);
    registry.register(reg('user', 'old'), at(0), fresh('old'));
    registry.register(reg('user', 'fresh'), at(600), fresh('fresh'));
    registry.register(reg('friend', 'gone'), at(0), fresh('gone'));
    const evicted = registry.evict(at(1_200));
    expect(evicted.map((i) => i.instanceId).sort()).toEqual(['gone', 'old']);
    expect(registry.list(at(1_200)).map((i) => i.instanceId)).toEqual(['fresh']);
    expect(registry.evict(at(1_200))).toEqual([]);
  });
});
