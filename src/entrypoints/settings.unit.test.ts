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
