// Every port, version and credential of the local engines, in one place.
//
// Ports sit away from the engines' defaults (5432, 9092, 7687) so a system-wide PostgreSQL, or
// another project's broker, never collides with ours. Everything listens on 127.0.0.1 only.
import { resolve } from 'node:path';
import { masterKeyTextInDataDir } from '../../src/modules/user';

/** The repository root (this file is scripts/infra/settings.ts). */
export const REPO = resolve(import.meta.dir, '..', '..');
/** All state: data, logs, jars, pid files, the env file. Gitignored. */
export const INFRA = resolve(REPO, '.infra');
export const ENV_FILE = resolve(INFRA, 'env');

export const HOST = '127.0.0.1';

export const POSTGRES = {
  port: 55432,
  user: 'social',
  password: 'social',
  databases: ['user_service', 'friend_service', 'recommendation_service'],
  /** The OS user that owns the cluster: initdb and postgres refuse to run as root. */
  osUser: 'postgres',
} as const;

export const KAFKA = {
  // 4.1.x: a mature 4.x line, checked with kafkajs 2.2.4 (produce, consume, consumer groups).
  version: '4.1.2',
  // Kafka 4.x logs through slf4j 1.7; this binding routes it to log4j2, as the Apache tarball does.
  log4jVersion: '2.24.3',
  port: 19092,
  controllerPort: 19093,
  /** Secured listeners beside the plaintext one, as managed clusters offer them: SASL, TLS, both. */
  saslPort: 37092,
  sslPort: 37093,
  saslSslPort: 37094,
  /** One user for PLAIN, SCRAM-SHA-256 and SCRAM-SHA-512 on the SASL listeners. */
  saslUser: 'social',
  saslPassword: 'social-kafka-secret',
  heap: '-Xmx512m',
} as const;

export const NEO4J = {
  // The exact version lives in deploy/neo4j-launcher/pom.xml (<neo4j.version>); 5.26 is the LTS
  // line that runs on Java 17 (2025.x needs Java 21).
  line: '5.26',
  port: 17687,
  user: 'neo4j',
  password: 'social-network',
  heap: '-Xmx512m',
  pageCache: '64m',
} as const;

/** Bounded waits, in seconds. Cold JVMs on 2 cores are slow; these leave a wide margin. */
export const TIMEOUTS = {
  aptInstall: 900,
  mavenResolve: 900,
  javac: 180,
  kafkaFormat: 120,
  postgresReady: 90,
  kafkaReady: 180,
  neo4jReady: 240,
  stop: 60,
  lock: 600,
} as const;

/** The connection settings the application reads (see src/platform/config.ts). */
export function connectionEnv(): Record<string, string> {
  const pg = (db: string) => `postgres://${POSTGRES.user}:${POSTGRES.password}@${HOST}:${POSTGRES.port}/${db}`;
  return {
    KAFKA_BROKERS: `${HOST}:${KAFKA.port}`,
    USER_DATABASE_URL: pg('user_service'),
    FRIEND_DATABASE_URL: pg('friend_service'),
    RECOMMENDATION_DATABASE_URL: pg('recommendation_service'),
    NEO4J_URL: `bolt://${HOST}:${NEO4J.port}`,
    NEO4J_USER: NEO4J.user,
    NEO4J_PASSWORD: NEO4J.password,
    // The user service's master key for these engines' databases: made once, kept beside them.
    PII_MASTER_KEY: masterKeyTextInDataDir(INFRA).trim(),
    // For test set-up that needs a superuser (e.g. a scratch database); no password, loopback only.
    POSTGRES_ADMIN_URL: `postgres://postgres@${HOST}:${POSTGRES.port}/postgres`,
    // The secured listeners, for the TLS and SASL tests. Not the application's own variables
    // (KAFKA_SASL_*, KAFKA_SSL_CA_FILE, DATABASE_SSL_CA_FILE): loading this file keeps plaintext.
    KAFKA_SASL_BROKERS: `${HOST}:${KAFKA.saslPort}`,
    KAFKA_TLS_BROKERS: `${HOST}:${KAFKA.sslPort}`,
    KAFKA_SASL_TLS_BROKERS: `${HOST}:${KAFKA.saslSslPort}`,
    KAFKA_TEST_USERNAME: KAFKA.saslUser,
    KAFKA_TEST_PASSWORD: KAFKA.saslPassword,
    KAFKA_TLS_CA_FILE: `${INFRA}/tls/ca.crt`,
    POSTGRES_TLS_CA_FILE: `${INFRA}/tls/ca.crt`,
    NEO4J_TLS_CA_FILE: `${INFRA}/tls/ca.crt`,
  };
}

/**
 * `export NAME=value` lines for any POSIX shell (`. .infra/env`). Plain values stay unquoted so
 * dotenv-style readers take the same file; anything else is single-quoted.
 */
export function envFileText(env: Record<string, string>): string {
  const quote = (v: string) => (/^[\w.,:/@+=-]+$/.test(v) ? v : `'${v.replaceAll("'", `'\\''`)}'`);
  const lines = Object.entries(env).map(([k, v]) => `export ${k}=${quote(v)}`);
  return `# Written by scripts/infra/up.ts: connection settings of the local engines.\n${lines.join('\n')}\n`;
}
