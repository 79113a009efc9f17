import { describe, expect, test } from 'bun:test';
import { ConfigError, internalAuthSecret, loadConfig } from './config';

describe('loadConfig', () => {
  test('embedded defaults when nothing is set', () => {
    const c = loadConfig({});
    expect(c.dataDir).toBe('./data');
    expect(c.outboxRelayPaused).toBe(false);
    expect(c.databaseConnectTimeoutMs).toBe(5_000);
  });

  test.each([
    ['HEARTBEAT_INTERVAL_MS', '1.5'],
    ['LOG_LEVEL', 'chatty'],
    ['OUTBOX_RELAY_PAUSED', 'yes'],
    ['KAFKA_BROKERS', 'localhost'],
    ['USER_DATABASE_URL', 'mysql://x@y/z'],
    ['FRIEND_DATABASE_URL', 'nonsense'],
    ['KAFKA_TOPIC_PARTITIONS', '0'],
    ['DATABASE_CONNECT_TIMEOUT_MS', '0'],
    ['DISCOVERY_TOKEN', 'too-short'],
    ['DISCOVERY_TOKEN', `${'x'.repeat(32)} y`],
    ['DISCOVERY_MAX_INSTANCES_PER_SERVICE', '0'],
    ['OTEL_EXPORTER_OTLP_ENDPOINT', 'localhost:4318'],
  ])('a bad %s stops start-up with a message naming it', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(name);
  });

  test('discovery token: unset by default, taken when long enough; the per-service limit defaults to 50', () => {
    expect(loadConfig({}).discoveryToken).toBeUndefined();
    expect(loadConfig({}).discoveryMaxInstancesPerService).toBe(50);
    const token = 'a'.repeat(64);
    expect(loadConfig({ DISCOVERY_TOKEN: ` ${token} `, DISCOVERY_MAX_INSTANCES_PER_SERVICE: '7' })).toMatchObject({ discoveryToken: token, discoveryMaxInstancesPerService: 7 });
  });

  test('distributed settings replace the embedded defaults', () => {
    const c = loadConfig({
      KAFKA_BROKERS: '127.0.0.1:19092, 10.0.0.2:9092',
      USER_DATABASE_URL: 'postgres://u:p@127.0.0.1:5432/users',
    });
    expect(c.kafka).toEqual({ brokers: ['127.0.0.1:19092', '10.0.0.2:9092'], topicPartitions: 6, replicationFactor: 1, namespace: '', sessionTimeoutMs: 10_000 });
    expect(c.databaseUrls).toEqual({ user: 'postgres://u:p@127.0.0.1:5432/users', friend: undefined, recommendation: undefined });
    expect(loadConfig({}).kafka).toBeUndefined();
  });

  test('span export: off unless OTEL_EXPORTER_OTLP_ENDPOINT is set; the service name defaults to the module', () => {
    expect(loadConfig({}).tracing).toBeUndefined();
    expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://jaeger:4318/' }).tracing).toEqual({ endpoint: 'http://jaeger:4318', sampleRatio: 1 });
    expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'https://otel.example', OTEL_SERVICE_NAME: 'social', OTEL_TRACES_SAMPLER_ARG: '0.25' }).tracing).toEqual({ endpoint: 'https://otel.example', serviceName: 'social', sampleRatio: 0.25 });
    expect(() => loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://jaeger:4318', OTEL_TRACES_SAMPLER_ARG: '2' })).toThrow('OTEL_TRACES_SAMPLER_ARG');
  });

  test('INTERNAL_AUTH_SECRET: required by separate processes with AUTH_MODE=jwt, made per start by the all-in-one, unused when off', () => {
    const jwt = { AUTH_MODE: 'jwt', AUTH_JWT_SECRET: 'u'.repeat(32) };
    const internal = 'i'.repeat(32);
    expect(internalAuthSecret(loadConfig({ INTERNAL_AUTH_SECRET: 'short' }), false)).toBeUndefined();
    expect(internalAuthSecret(loadConfig({ ...jwt, INTERNAL_AUTH_SECRET: ` ${internal} ` }), false)).toBe(internal);
    expect(() => internalAuthSecret(loadConfig(jwt), false)).toThrow(ConfigError);
    expect(() => internalAuthSecret(loadConfig(jwt), false)).toThrow('AUTH_MODE=jwt needs INTERNAL_AUTH_SECRET');
    const made = internalAuthSecret(loadConfig(jwt), true)!;
    expect(made.length).toBeGreaterThanOrEqual(32);
    expect(internalAuthSecret(loadConfig(jwt), true)).not.toBe(made);
    expect(() => loadConfig({ ...jwt, INTERNAL_AUTH_SECRET: 'i'.repeat(31) })).toThrow('INTERNAL_AUTH_SECRET must be at least 32 bytes');
  });

  test('MODULES_HOST: loopback unless set', () => {
    expect(loadConfig({}).modulesHost).toBe('127.0.0.1');
    expect(loadConfig({ MODULES_HOST: '0.0.0.0' }).modulesHost).toBe('0.0.0.0');
  });

  test('LOG_FORMAT: human lines on a terminal, JSON otherwise; colour only on a terminal without NO_COLOR', () => {
    expect(loadConfig({}, true).logOutput).toEqual({ format: 'pretty', color: true });
    expect(loadConfig({}, false).logOutput).toEqual({ format: 'json', color: false });
    expect(loadConfig({ LOG_FORMAT: 'json' }, true).logOutput).toEqual({ format: 'json', color: false });
    expect(loadConfig({ LOG_FORMAT: 'pretty' }, false).logOutput).toEqual({ format: 'pretty', color: false });
    expect(loadConfig({ NO_COLOR: '1' }, true).logOutput).toEqual({ format: 'pretty', color: false });
    expect(loadConfig({ NO_COLOR: '' }, true).logOutput.color).toBe(true);
    expect(() => loadConfig({ LOG_FORMAT: 'text' })).toThrow('LOG_FORMAT must be one of pretty, json, got "text"');
  });

  test('eviction must outlast the heartbeat interval', () => {
    expect(() => loadConfig({ HEARTBEAT_INTERVAL_MS: '1000', EVICT_AFTER_MS: '500' })).toThrow('EVICT_AFTER_MS');
  });
});
