import { describe, expect, test } from 'bun:test';
import { ConfigError, loadConfig } from './config';

describe('loadConfig', () => {
  test('embedded defaults when nothing is set', () => {
    const c = loadConfig({});
    expect(c.ports).toEqual({ gateway: 9000, discovery: 8761, user: 8081, friend: 8082, recommendation: 8083 });
    expect(c.dataDir).toBe('./data');
    expect(c.discoveryUrl).toBe('http://127.0.0.1:8761');
    expect(c.outboxRelayPaused).toBe(false);
  });

  test.each([
    ['GATEWAY_PORT', 'abc'],
    ['USER_PORT', '70000'],
    ['HEARTBEAT_INTERVAL_MS', '1.5'],
    ['DISCOVERY_URL', 'not a url'],
    ['LOG_LEVEL', 'chatty'],
    ['OUTBOX_RELAY_PAUSED', 'yes'],
  ])('a bad %s stops start-up with a message naming it', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(name);
  });

  test('eviction must outlast the heartbeat interval', () => {
    expect(() => loadConfig({ HEARTBEAT_INTERVAL_MS: '1000', EVICT_AFTER_MS: '500' })).toThrow('EVICT_AFTER_MS');
  });
});
