// TLS and SASL settings of Kafka and PostgreSQL (Neo4j's: recommendation/settings.unit.test.ts): what is accepted, and refusals naming the variable.
import { afterAll, describe, expect, test } from 'bun:test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from './config';
import { postgresSsl } from './db/postgres-tls';
import { kafkaSecurity } from './events/kafka-options';

const dir = mkdtempSync(join(tmpdir(), 'config-tls-'));
const ca = join(dir, 'ca.pem');
const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
writeFileSync(ca, PEM);
writeFileSync(join(dir, 'not-pem.txt'), 'hello');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const BROKERS = { KAFKA_BROKERS: 'k:9093' };
const refused = (env: Record<string, string>, message: string | RegExp) => expect(() => loadConfig(env)).toThrow(message instanceof RegExp ? message : new ConfigError(message).message);

describe('Kafka SASL', () => {
  test('a mechanism with username and password; any case', () => {
    const c = loadConfig({ ...BROKERS, KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p w' });
    expect(c.kafka!.sasl).toEqual({ mechanism: 'scram-sha-512', username: 'u', password: 'p w' });
    expect(c.kafka!.ssl).toBeUndefined();
    expect(loadConfig(BROKERS).kafka!.sasl).toBeUndefined();
  });
  test('refused: an unknown mechanism, a mechanism without credentials, credentials without a mechanism', () => {
    refused({ ...BROKERS, KAFKA_SASL_MECHANISM: 'gssapi', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p' }, /KAFKA_SASL_MECHANISM must be one of plain, scram-sha-256, scram-sha-512/);
    refused({ ...BROKERS, KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: 'u' }, /KAFKA_SASL_MECHANISM=plain needs KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD/);
    refused({ ...BROKERS, KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p' }, /KAFKA_SASL_MECHANISM is not/);
  });
});

describe('Kafka TLS', () => {
  test('off by default; KAFKA_SSL=true uses the system authorities; a CA file turns it on and is read at start', () => {
    expect(loadConfig(BROKERS).kafka!.ssl).toBeUndefined();
    expect(loadConfig({ ...BROKERS, KAFKA_SSL: 'true' }).kafka!.ssl).toEqual({ rejectUnauthorized: true });
    expect(loadConfig({ ...BROKERS, KAFKA_SSL_CA_FILE: ca }).kafka!.ssl).toEqual({ rejectUnauthorized: true, ca: PEM });
    expect(loadConfig({ ...BROKERS, KAFKA_SSL: 'true', KAFKA_SSL_REJECT_UNAUTHORIZED: 'false' }).kafka!.ssl).toEqual({ rejectUnauthorized: false });
  });
  test('refused: a missing or non-PEM CA file, a CA with KAFKA_SSL=false, a bad boolean', () => {
    refused({ ...BROKERS, KAFKA_SSL_CA_FILE: join(dir, 'missing.pem') }, /KAFKA_SSL_CA_FILE names ".*missing.pem", which cannot be read: ENOENT/);
    refused({ ...BROKERS, KAFKA_SSL_CA_FILE: join(dir, 'not-pem.txt') }, /KAFKA_SSL_CA_FILE must name a PEM file/);
    refused({ ...BROKERS, KAFKA_SSL_CA_FILE: ca, KAFKA_SSL: 'false' }, /KAFKA_SSL_CA_FILE is set but KAFKA_SSL=false/);
    refused({ ...BROKERS, KAFKA_SSL: 'yes' }, /KAFKA_SSL must be one of true, false/);
  });
  test('kafkaSecurity gives kafkajs its ssl and sasl settings, nothing when neither is set', () => {
    expect(kafkaSecurity({})).toEqual({});
    expect(kafkaSecurity({ ssl: { ca: PEM, rejectUnauthorized: true }, sasl: { mechanism: 'plain', username: 'u', password: 'p' } })).toEqual({
      ssl: { rejectUnauthorized: true, ca: [PEM] },
      sasl: { mechanism: 'plain', username: 'u', password: 'p' },
    });
  });
});

describe('PostgreSQL TLS', () => {
  const url = (mode?: string) => `postgres://u:p@db:5432/x${mode ? `?sslmode=${mode}` : ''}`;
  test('sslmode is checked; DATABASE_SSL_CA_FILE is read at start', () => {
    refused({ USER_DATABASE_URL: url('verify-everything') }, /USER_DATABASE_URL has sslmode=verify-everything/);
    expect(loadConfig({ USER_DATABASE_URL: url('verify-full'), DATABASE_SSL_CA_FILE: ca }).databaseSslCa).toBe(PEM);
    refused({ USER_DATABASE_URL: url('verify-full'), DATABASE_SSL_CA_FILE: join(dir, 'nope') }, /DATABASE_SSL_CA_FILE names/);
  });
  test('a CA with a mode that does not verify is a contradiction, refused naming the URL', () => {
    refused({ FRIEND_DATABASE_URL: url('prefer'), DATABASE_SSL_CA_FILE: ca }, /FRIEND_DATABASE_URL has sslmode=prefer/);
  });
  test('postgres.js settings follow libpq: verify-full checks the host, verify-ca and require-with-CA the chain only', () => {
    expect(postgresSsl(url())).toBe(false);
    expect(postgresSsl(url('disable'), PEM)).toBe(false);
    expect(postgresSsl(url('require'))).toBe('require');
    expect(postgresSsl(url('verify-full'))).toBe('verify-full');
    expect(postgresSsl(url('verify-full'), PEM)).toEqual({ ca: PEM, rejectUnauthorized: true });
    expect(postgresSsl(url(), PEM)).toEqual({ ca: PEM, rejectUnauthorized: true });
    const chainOnly = postgresSsl(url('verify-ca'), PEM) as { checkServerIdentity?: () => unknown };
    expect(chainOnly).toMatchObject({ ca: PEM, rejectUnauthorized: true });
    expect(chainOnly.checkServerIdentity?.()).toBeUndefined();
  });
});

describe('ADMIN_TOKEN', () => {
  test('is optional, at least 32 printable characters, and decides who may use /admin', async () => {
    const { adminAccessFor } = await import('./config');
    expect(loadConfig({}).adminToken).toBeUndefined();
    expect(loadConfig({ ADMIN_TOKEN: 'x'.repeat(32) }).adminToken).toBe('x'.repeat(32));
    expect(() => loadConfig({ ADMIN_TOKEN: 'short' })).toThrow('ADMIN_TOKEN must be at least 32 characters');
    expect(() => loadConfig({ ADMIN_TOKEN: `${'x'.repeat(32)} y` })).toThrow('ADMIN_TOKEN may hold printable ASCII');
    const off = loadConfig({});
    expect(adminAccessFor(off, true)).toEqual({ openWithoutToken: true });
    expect(adminAccessFor(off, false)).toEqual({ openWithoutToken: false });
    expect(adminAccessFor(loadConfig({ ADMIN_TOKEN: 't'.repeat(40) }), false)).toEqual({ token: 't'.repeat(40), openWithoutToken: false });
  });
});
