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
  test('AUTH_*: off by default; jwt needs exactly one of a long enough secret or a JWKS URL', () => {
    const secret = 'x'.repeat(32);
    expect(readGatewaySettings({}).auth).toEqual({ mode: 'off' });
    // Keys are ignored while authentication is off: turning it off must not need them removed.
    expect(readGatewaySettings({ AUTH_MODE: 'off', AUTH_JWT_SECRET: 'short' }).auth).toEqual({ mode: 'off' });
    expect(readGatewaySettings({ AUTH_MODE: 'jwt', AUTH_JWT_SECRET: ` ${secret} ` }).auth).toEqual({ mode: 'jwt', secret, maxTtlSec: 86_400 });
    expect(readGatewaySettings({ AUTH_MODE: 'jwt', AUTH_JWKS_URL: 'https://id.example/.well-known/jwks.json', AUTH_JWT_ISSUER: 'https://id.example', AUTH_JWT_AUDIENCE: 'social-network' }).auth).toEqual({
      mode: 'jwt',
      jwksUrl: 'https://id.example/.well-known/jwks.json',
      issuer: 'https://id.example',
      audience: 'social-network',
      maxTtlSec: 86_400,
    });
    for (const [raw, seconds] of [['3600', 3600], ['90m', 5400], ['12h', 43_200], ['7d', 604_800]] as const) {
      expect(readGatewaySettings({ AUTH_MODE: 'jwt', AUTH_JWT_SECRET: secret, AUTH_JWT_MAX_TTL: raw }).auth).toMatchObject({ maxTtlSec: seconds });
    }
    const bad: [Record<string, string>, string][] = [
      [{ AUTH_MODE: 'JWT' }, 'AUTH_MODE'],
      [{ AUTH_MODE: 'basic' }, 'AUTH_MODE'],
      [{ AUTH_MODE: 'jwt' }, 'exactly one of AUTH_JWT_SECRET (HS256) or AUTH_JWKS_URL'],
      [{ AUTH_MODE: 'jwt', AUTH_JWT_SECRET: '   ' }, 'exactly one of'],
      [{ AUTH_MODE: 'jwt', AUTH_JWT_SECRET: secret, AUTH_JWKS_URL: 'https://id.example/jwks' }, 'exactly one of'],
      [{ AUTH_MODE: 'jwt', AUTH_JWT_SECRET: 'x'.repeat(31) }, 'AUTH_JWT_SECRET must be at least 32 bytes'],
      [{ AUTH_MODE: 'jwt', AUTH_JWKS_URL: 'id.example/jwks' }, 'AUTH_JWKS_URL must be an http(s) URL'],
      [{ AUTH_MODE: 'jwt', AUTH_JWKS_URL: 'file:///etc/keys.json' }, 'AUTH_JWKS_URL'],
      [{ AUTH_MODE: 'jwt', AUTH_JWT_SECRET: secret, AUTH_JWT_MAX_TTL: '1e9' }, 'AUTH_JWT_MAX_TTL must be a duration'],
      [{ AUTH_MODE: 'jwt', AUTH_JWT_SECRET: secret, AUTH_JWT_MAX_TTL: '2y' }, 'AUTH_JWT_MAX_TTL'],
      [{ AUTH_MODE: 'jwt', AUTH_JWT_SECRET: secret, AUTH_JWT_MAX_TTL: '10' }, 'AUTH_JWT_MAX_TTL'],
    ];
    for (const [env, message] of bad) {
      expect(() => readGatewaySettings(env)).toThrow(ConfigError);
      expect(() => readGatewaySettings(env)).toThrow(message);
    }
    // 32 bytes, not 32 characters: multi-byte characters count for what they weigh.
    expect(readGatewaySettings({ AUTH_MODE: 'jwt', AUTH_JWT_SECRET: 'é'.repeat(16) }).auth).toMatchObject({ mode: 'jwt' });
  });
});
