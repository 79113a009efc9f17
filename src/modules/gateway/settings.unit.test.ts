import { describe, expect, test } from 'bun:test';
import { ConfigError } from '../../platform/config-readers';
import { readGatewaySettings } from './settings';

describe('readGatewaySettings', () => {
  test('GATEWAY_UPSTREAMS: fixed upstream origins per service, validated', () => {
    expect(readGatewaySettings({}).upstreams).toBeUndefined();
    expect(readGatewaySettings({ GATEWAY_UPSTREAMS: ' user=http://user:8081/, friend=https://friend.ns.svc:8082 ' }).upstreams).toEqual({
      user: 'http://user:8081',
      friend: 'https://friend.ns.svc:8082',
    });
    for (const bad of ['user', 'user=friend:8082', 'User=http://u:1', 'user=http://u:1/path', 'user=http://a:1,user=http://b:1']) {
      expect(() => readGatewaySettings({ GATEWAY_UPSTREAMS: bad })).toThrow('GATEWAY_UPSTREAMS');
    }
  });

  test('CORS_ORIGINS: off by default; * or exact origins, normalized as browsers send them', () => {
    expect(readGatewaySettings({}).cors).toBeUndefined();
    expect(readGatewaySettings({ CORS_ORIGINS: ' * ' }).cors).toEqual({ origins: '*', allowCredentials: false });
    expect(readGatewaySettings({ CORS_ORIGINS: 'https://App.Example:443/, http://localhost:5173,http://[::1]:8080', CORS_ALLOW_CREDENTIALS: 'true' }).cors).toEqual({
      origins: ['https://app.example', 'http://localhost:5173', 'http://[::1]:8080'],
      allowCredentials: true,
    });
    for (const bad of ['app.example', 'https://app.example/path', 'https://*.example.com', 'ftp://app.example', 'https://user@app.example', 'https://app.example?x=1', 'https://app.example:99999', 'null', '*, https://app.example', ',']) {
      expect(() => readGatewaySettings({ CORS_ORIGINS: bad })).toThrow('CORS_ORIGINS');
    }
  });

  test('CORS_ALLOW_CREDENTIALS: only with exact origins', () => {
    expect(() => readGatewaySettings({ CORS_ORIGINS: '*', CORS_ALLOW_CREDENTIALS: 'true' })).toThrow(ConfigError);
    expect(() => readGatewaySettings({ CORS_ORIGINS: '*', CORS_ALLOW_CREDENTIALS: 'true' })).toThrow('CORS_ALLOW_CREDENTIALS');
    expect(() => readGatewaySettings({ CORS_ALLOW_CREDENTIALS: 'true' })).toThrow('CORS_ALLOW_CREDENTIALS');
    expect(() => readGatewaySettings({ CORS_ORIGINS: 'https://app.example', CORS_ALLOW_CREDENTIALS: 'yes' })).toThrow('CORS_ALLOW_CREDENTIALS');
    expect(readGatewaySettings({ CORS_ORIGINS: 'https://app.example', CORS_ALLOW_CREDENTIALS: 'false' }).cors).toEqual({ origins: ['https://app.example'], allowCredentials: false });
  });

  test('GATEWAY_* protections: on by default, each limit 0 for off, proxy hops trusted only when set', () => {
    expect(readGatewaySettings({}).protection).toEqual({ maxHeaderBytes: 16_384, rateLimitPerSecond: 500, rateLimitBurst: 1_000, trustedProxyHops: 0, bodyTimeoutMs: 10_000,
      breakerFailures: 10, breakerFailureRatio: 0.5, breakerMinRequests: 20, breakerWindowMs: 10_000, breakerOpenMs: 5_000,
    });
    const off = readGatewaySettings({ GATEWAY_MAX_HEADER_BYTES: '0', GATEWAY_RATE_LIMIT_PER_SECOND: '0', GATEWAY_BREAKER_FAILURES: '0', GATEWAY_TRUSTED_PROXY_HOPS: '1' });
    expect(off.protection).toMatchObject({ maxHeaderBytes: 0, rateLimitPerSecond: 0, breakerFailures: 0, trustedProxyHops: 1 });
    for (const [name, value] of [['GATEWAY_TRUSTED_PROXY_HOPS', '-1'], ['GATEWAY_RATE_LIMIT_BURST', '0'], ['GATEWAY_BREAKER_OPEN_MS', '10'], ['GATEWAY_BREAKER_FAILURE_RATIO', '1.5'], ['GATEWAY_BREAKER_FAILURE_RATIO', 'half'], ['GATEWAY_BREAKER_MIN_REQUESTS', '0'], ['GATEWAY_REQUEST_BODY_TIMEOUT_MS', '0']]) {
      expect(() => readGatewaySettings({ [name!]: value })).toThrow(name!);
    }
  });
});
