import { describe, expect, test } from 'bun:test';
import { ConfigError } from '../platform/config';
import { loadSettings } from './settings';
import { silentLogger } from '../platform/log';
import { discoveryTokenFor } from './discovery-token';

const token = 'd'.repeat(64);
const upstreams = { GATEWAY_UPSTREAMS: 'user=http://u:1,friend=http://f:1,recommendation=http://r:1' };

describe('discoveryTokenFor', () => {
  test('a configured token is used by every process', () => {
    for (const name of ['all-in-one', 'discovery', 'user', 'friend', 'recommendation', 'gateway']) {
      expect(discoveryTokenFor(name, loadSettings({ DISCOVERY_TOKEN: token }), silentLogger)).toBe(token);
    }
  });

  test('unset, the all-in-one makes up a long random one per start', () => {
    const first = discoveryTokenFor('all-in-one', loadSettings({}), silentLogger)!;
    expect(first).toMatch(/^[0-9a-f]{64}$/);
    expect(discoveryTokenFor('all-in-one', loadSettings({}), silentLogger)).not.toBe(first);
  });

  test.each(['discovery', 'user', 'friend', 'recommendation', 'gateway'])('unset, %s alone refuses to start, saying how to set one', (name) => {
    expect(() => discoveryTokenFor(name, loadSettings({}), silentLogger)).toThrow(ConfigError);
    expect(() => discoveryTokenFor(name, loadSettings({}), silentLogger)).toThrow(/DISCOVERY_TOKEN.*openssl rand -hex 32/);
  });

  test('a gateway with fixed upstreams needs none', () => {
    expect(discoveryTokenFor('gateway', loadSettings(upstreams), silentLogger)).toBeUndefined();
  });
});
