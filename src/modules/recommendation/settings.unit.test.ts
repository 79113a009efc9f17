import { afterAll, describe, expect, test } from 'bun:test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../platform/config-readers';
import { readRecommendationSettings } from './settings';

const dir = mkdtempSync(join(tmpdir(), 'recommendation-settings-'));
const ca = join(dir, 'ca.pem');
writeFileSync(ca, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const defaults = { host: '127.0.0.1', ports: { user: 8081, friend: 8082 } };
const read = (env: Record<string, string>) => readRecommendationSettings(env, defaults);
const refused = (env: Record<string, string>, message: string | RegExp) => expect(() => read(env)).toThrow(message instanceof RegExp ? message : new ConfigError(message).message);

describe('readRecommendationSettings', () => {
  test('the memory graph unless NEO4J_URL is set; a bad one stops start-up naming it', () => {
    expect(read({}).neo4j).toBeUndefined();
    expect(read({ NEO4J_URL: 'bolt://127.0.0.1:7687', NEO4J_PASSWORD: 'secret' }).neo4j).toEqual({ url: 'bolt://127.0.0.1:7687', user: 'neo4j', password: 'secret' });
    expect(() => read({ NEO4J_URL: 'http://localhost:7474' })).toThrow(ConfigError);
    expect(() => read({ NEO4J_URL: 'http://localhost:7474' })).toThrow('NEO4J_URL');
  });

  test('with Neo4j, reads come from the in-memory replica unless RECOMMENDATION_READS=neo4j', () => {
    const neo4j = { NEO4J_URL: 'bolt://127.0.0.1:7687' };
    expect(read(neo4j).reads).toBe('replica');
    expect(read({ ...neo4j, RECOMMENDATION_READS: 'neo4j' }).reads).toBe('neo4j');
    refused({ ...neo4j, RECOMMENDATION_READS: 'memory' }, /RECOMMENDATION_READS must be one of replica, neo4j/);
    refused({ RECOMMENDATION_READS: 'neo4j' }, 'RECOMMENDATION_READS=neo4j needs NEO4J_URL');
  });

  test('NEO4J_TRUSTED_CA_FILE is checked at start and kept as a path (the driver reads it)', () => {
    expect(read({ NEO4J_URL: 'neo4j+s://g:7687', NEO4J_TRUSTED_CA_FILE: ca }).neo4j).toMatchObject({ url: 'neo4j+s://g:7687', trustedCaFile: ca });
    refused({ NEO4J_URL: 'bolt://g:7687', NEO4J_TRUSTED_CA_FILE: join(dir, 'nope') }, /NEO4J_TRUSTED_CA_FILE names/);
    refused({ NEO4J_URL: 'bolt+ssc://g:7687', NEO4J_TRUSTED_CA_FILE: ca }, /cannot be combined with a \+ssc NEO4J_URL/);
  });

  test('the audit reads the domain services on their own ports unless AUDIT_*_URL says otherwise', () => {
    expect(readRecommendationSettings({}, { host: '127.0.0.1', ports: { user: 41002, friend: 8082 } }).auditSources.user).toBe('http://127.0.0.1:41002');
    expect(read({ AUDIT_FRIEND_URL: 'http://friend:8082/' }).auditSources.friend).toBe('http://friend:8082');
    refused({ AUDIT_USER_URL: 'nowhere' }, 'AUDIT_USER_URL');
  });
});
