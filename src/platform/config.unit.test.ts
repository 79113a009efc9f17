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
    ['KAFKA_BROKERS', 'localhost'],
    ['USER_DATABASE_URL', 'mysql://x@y/z'],
    ['FRIEND_DATABASE_URL', 'nonsense'],
    ['NEO4J_URL', 'http://localhost:7474'],
    ['KAFKA_TOPIC_PARTITIONS', '0'],
  ])('a bad %s stops start-up with a message naming it', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(name);
  });

  test('distributed settings replace the embedded defaults', () => {
    const c = loadConfig({
      KAFKA_BROKERS: '127.0.0.1:19092, 10.0.0.2:9092',
      USER_DATABASE_URL: 'postgres://u:p@127.0.0.1:5432/users',
      NEO4J_URL: 'bolt://127.0.0.1:7687',
      NEO4J_PASSWORD: 'secret',
    });
    expect(c.kafka).toEqual({ brokers: ['127.0.0.1:19092', '10.0.0.2:9092'], topicPartitions: 6, replicationFactor: 1, namespace: '' });
    expect(c.databaseUrls).toEqual({ user: 'postgres://u:p@127.0.0.1:5432/users', friend: undefined, recommendation: undefined });
    expect(c.neo4j).toEqual({ url: 'bolt://127.0.0.1:7687', user: 'neo4j', password: 'secret' });
    expect(loadConfig({}).kafka).toBeUndefined();
  });

  test('GATEWAY_UPSTREAMS: fixed upstream origins per service, validated', () => {
    expect(loadConfig({}).gatewayUpstreams).toBeUndefined();
    expect(loadConfig({ GATEWAY_UPSTREAMS: ' user=http://user:8081/, friend=https://friend.ns.svc:8082 ' }).gatewayUpstreams).toEqual({
      user: 'http://user:8081',
      friend: 'https://friend.ns.svc:8082',
    });
    for (const bad of ['user', 'user=friend:8082', 'User=http://u:1', 'user=http://u:1/path', 'user=http://a:1,user=http://b:1']) {
      expect(() => loadConfig({ GATEWAY_UPSTREAMS: bad })).toThrow('GATEWAY_UPSTREAMS');
    }
  });

  test('eviction must outlast the heartbeat interval', () => {
    expect(() => loadConfig({ HEARTBEAT_INTERVAL_MS: '1000', EVICT_AFTER_MS: '500' })).toThrow('EVICT_AFTER_MS');
  });
});
