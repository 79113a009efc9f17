import { expect, test } from 'bun:test';
import { ConfigError } from '../platform/config';
import { loadSettings } from './settings';

test('INTERNAL_AUTH_SECRET must differ from AUTH_JWT_SECRET: minting user tokens must not mint the gateway\'s word', () => {
  const jwt = { AUTH_MODE: 'jwt', AUTH_JWT_SECRET: 'u'.repeat(32) };
  expect(() => loadSettings({ ...jwt, INTERNAL_AUTH_SECRET: jwt.AUTH_JWT_SECRET }, false)).toThrow(ConfigError);
  expect(() => loadSettings({ ...jwt, INTERNAL_AUTH_SECRET: jwt.AUTH_JWT_SECRET }, false)).toThrow('INTERNAL_AUTH_SECRET must differ from AUTH_JWT_SECRET');
  expect(loadSettings({ ...jwt, INTERNAL_AUTH_SECRET: 'i'.repeat(32) }, false).internalAuthSecret).toBe('i'.repeat(32));
});

test('every module\'s settings are read at start: a bad gateway or recommendation value stops any process', () => {
  expect(() => loadSettings({ GATEWAY_RATE_LIMIT_BURST: '0' }, false)).toThrow('GATEWAY_RATE_LIMIT_BURST');
  expect(() => loadSettings({ NEO4J_URL: 'http://x' }, false)).toThrow('NEO4J_URL');
  expect(() => loadSettings({ AUTH_MODE: 'jwt' }, false)).toThrow('exactly one of AUTH_JWT_SECRET');
});

test('each module listens on the original system\'s port unless told otherwise; discovery is found on its port', () => {
  const settings = loadSettings({}, false);
  expect(settings.ports).toEqual({ gateway: 9000, discovery: 8761, user: 8081, friend: 8082, recommendation: 8083 });
  expect(settings.discoveryUrl).toBe('http://127.0.0.1:8761');
  const moved = loadSettings({ USER_PORT: '9181', DISCOVERY_PORT: '9761', ADVERTISED_HOST: 'node-1' }, false);
  expect(moved.ports.user).toBe(9181);
  expect(moved.discoveryUrl).toBe('http://node-1:9761');
});

test.each([
  ['GATEWAY_PORT', 'abc'],
  ['USER_PORT', '70000'],
  ['RECOMMENDATION_PORT', '-1'],
  ['DISCOVERY_URL', 'not a url'],
  ['CONSISTENCY_MAX_WAITERS', '0'],
  ['GATEWAY_UPSTREAM_TIMEOUT_MS', '0'],
])('%s=%s stops start-up, naming the variable', (name, value) => {
  expect(() => loadSettings({ [name]: value }, false)).toThrow(name);
});

test('consistency wait: 3 s by default, always below the gateway upstream timeout', () => {
  expect(loadSettings({}, false).consistency).toEqual({ waitMs: 3_000, maxWaiters: 1_000 });
  expect(loadSettings({ GATEWAY_UPSTREAM_TIMEOUT_MS: '2000' }, false).consistency.waitMs).toBe(1_000);
  expect(loadSettings({ CONSISTENCY_WAIT_MS: '500', CONSISTENCY_MAX_WAITERS: '10' }, false).consistency).toEqual({ waitMs: 500, maxWaiters: 10 });
  expect(() => loadSettings({ CONSISTENCY_WAIT_MS: '10000' }, false)).toThrow('CONSISTENCY_WAIT_MS (10000) must be below GATEWAY_UPSTREAM_TIMEOUT_MS');
  expect(() => loadSettings({ CONSISTENCY_WAIT_MS: '-1' }, false)).toThrow('CONSISTENCY_WAIT_MS');
});
