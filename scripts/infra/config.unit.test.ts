// The generated configuration files and the command-line choice of engines.
import { describe, expect, test } from 'bun:test';
import { readFileSync } from 'node:fs';
import { parseComponents } from './component.ts';
import { kafkaPom, log4jProperties, newClusterId, serverProperties } from './kafka.ts';
import { neo4jConf, pomVersion } from './neo4j.ts';
import { pgHba, postgresConf, setupSql } from './postgres.ts';
import { connectionEnv, envFileText, KAFKA, NEO4J, POSTGRES, REPO } from './settings.ts';

const props = (text: string) =>
  new Map(text.split('\n').filter((l) => l && !l.startsWith('#')).map((l) => [l.slice(0, l.indexOf('=')).trim(), l.slice(l.indexOf('=') + 1).trim()]));

describe('parseComponents', () => {
  test('no names means all three, in start order', () => {
    expect(parseComponents([])).toEqual(['postgres', 'kafka', 'neo4j']);
    expect(parseComponents(['--'])).toEqual(['postgres', 'kafka', 'neo4j']);
  });
  test('names are kept in canonical order, deduplicated, aliases accepted', () => {
    expect(parseComponents(['--', 'neo4j', 'kafka', 'KAFKA'])).toEqual(['kafka', 'neo4j']);
    expect(parseComponents(['pg'])).toEqual(['postgres']);
  });
  test('an unknown name is refused with the valid ones listed', () => {
    expect(() => parseComponents(['redis'])).toThrow('unknown component "redis": expected postgres, kafka, neo4j');
  });
});

describe('env file', () => {
  test('holds the settings the application reads, on 127.0.0.1', () => {
    const env = connectionEnv();
    expect(env.KAFKA_BROKERS).toBe(`127.0.0.1:${KAFKA.port}`);
    expect(env.USER_DATABASE_URL).toBe(`postgres://social:social@127.0.0.1:${POSTGRES.port}/user_service`);
    expect(env.FRIEND_DATABASE_URL).toEndWith('/friend_service');
    expect(env.RECOMMENDATION_DATABASE_URL).toEndWith('/recommendation_service');
    expect(env.NEO4J_URL).toBe(`bolt://127.0.0.1:${NEO4J.port}`);
    expect([env.NEO4J_USER, env.NEO4J_PASSWORD]).toEqual(['neo4j', 'social-network']);
  });
  test('the secured listeners and the local CA, under names the application does not read', () => {
    const env = connectionEnv();
    expect([env.KAFKA_SASL_BROKERS, env.KAFKA_TLS_BROKERS, env.KAFKA_SASL_TLS_BROKERS]).toEqual([`127.0.0.1:${KAFKA.saslPort}`, `127.0.0.1:${KAFKA.sslPort}`, `127.0.0.1:${KAFKA.saslSslPort}`]);
    expect(env.KAFKA_TLS_CA_FILE).toEndWith('/.infra/tls/ca.crt');
    // Loading .infra/env must leave the application on plaintext, as before.
    for (const name of ['KAFKA_SSL', 'KAFKA_SSL_CA_FILE', 'KAFKA_SASL_MECHANISM', 'KAFKA_SASL_USERNAME', 'DATABASE_SSL_CA_FILE', 'NEO4J_TRUSTED_CA_FILE']) expect(env[name]).toBeUndefined();
  });
  test('plain values stay unquoted; others are single-quoted for sh', () => {
    expect(envFileText({ A: 'postgres://u:p@h:1/db', B: "it's a b" })).toBe(
      "# Written by scripts/infra/up.ts: connection settings of the local engines.\nexport A=postgres://u:p@h:1/db\nexport B='it'\\''s a b'\n",
    );
  });
  test('the file round-trips through a real shell', () => {
    const text = envFileText({ X: "a b'c", Y: 'plain' });
    const out = Bun.spawnSync(['sh', '-c', `${text}\nprintf '%s|%s' "$X" "$Y"`]).stdout.toString();
    expect(out).toBe("a b'c|plain");
  });
});

describe('kafka configuration', () => {
  test('SASL listeners take PLAIN (user in the JAAS line) and both SCRAMs; TLS from a PEM keystore', () => {
    const q = props(serverProperties('/data', '/tls/keystore.pem'));
    expect(q.get('sasl.enabled.mechanisms')).toBe('PLAIN,SCRAM-SHA-256,SCRAM-SHA-512');
    for (const l of ['sasl_plaintext', 'sasl_ssl']) {
      expect(q.get(`listener.name.${l}.plain.sasl.jaas.config`)).toContain(`user_${KAFKA.saslUser}="${KAFKA.saslPassword}"`);
      expect(q.get(`listener.name.${l}.scram-sha-512.sasl.jaas.config`)).toContain('ScramLoginModule required');
    }
    expect([q.get('ssl.keystore.type'), q.get('ssl.keystore.location')]).toEqual(['PEM', '/tls/keystore.pem']);
  });

  const p = props(serverProperties('/data'));
  test('one KRaft node, broker and controller, loopback only', () => {
    expect(p.get('process.roles')).toBe('broker,controller');
    expect(p.get('node.id')).toBe('1');
    expect(p.get('controller.quorum.voters')).toBe(`1@127.0.0.1:${KAFKA.controllerPort}`);
    const secured = `SASL_PLAINTEXT://127.0.0.1:${KAFKA.saslPort},SSL://127.0.0.1:${KAFKA.sslPort},SASL_SSL://127.0.0.1:${KAFKA.saslSslPort}`;
    expect(p.get('listeners')).toBe(`PLAINTEXT://127.0.0.1:${KAFKA.port},${secured},CONTROLLER://127.0.0.1:${KAFKA.controllerPort}`);
    expect(p.get('advertised.listeners')).toBe(`PLAINTEXT://127.0.0.1:${KAFKA.port},${secured}`);
    expect(p.get('inter.broker.listener.name')).toBe('PLAINTEXT');
    expect(p.get('log.dirs')).toBe('/data');
  });
  test('sized for one node and explicit topics', () => {
    expect(p.get('offsets.topic.replication.factor')).toBe('1');
    expect(p.get('transaction.state.log.replication.factor')).toBe('1');
    expect(p.get('transaction.state.log.min.isr')).toBe('1');
    expect(p.get('auto.create.topics.enable')).toBe('false');
    expect(p.get('group.initial.rebalance.delay.ms')).toBe('0');
  });
  test('pom pins the broker and its slf4j binding', () => {
    expect(kafkaPom('4.1.2')).toContain('<artifactId>kafka_2.13</artifactId><version>4.1.2</version>');
    expect(kafkaPom()).toContain('<artifactId>log4j-slf4j-impl</artifactId>');
    expect(log4jProperties()).toContain('rootLogger.appenderRef.out.ref = STDOUT');
  });
  test('cluster ids are 22 base64url characters, never starting with a dash', () => {
    for (let i = 0; i < 200; i++) expect(newClusterId()).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/);
  });
});

describe('neo4j configuration', () => {
  test('bolt on loopback with authentication on', () => {
    const p = props(neo4jConf());
    expect(p.get('server.bolt.listen_address')).toBe(`127.0.0.1:${NEO4J.port}`);
    expect(p.get('server.default_listen_address')).toBe('127.0.0.1');
    expect(p.get('dbms.security.auth_enabled')).toBe('true');
    expect(p.get('server.http.enabled')).toBe('false');
  });
  test('the version comes from the launcher pom, on the 5.26 LTS line', () => {
    const version = pomVersion(readFileSync(`${REPO}/deploy/neo4j-launcher/pom.xml`, 'utf8'));
    expect(version.startsWith(`${NEO4J.line}.`)).toBe(true);
    expect(() => pomVersion('<project/>')).toThrow('no <neo4j.version>');
  });
});

describe('postgres configuration', () => {
  test('TCP on loopback only, our port, durability kept', () => {
    const conf = postgresConf();
    expect(conf).toContain("listen_addresses = '127.0.0.1'");
    expect(conf).toContain(`port = ${POSTGRES.port}`);
    expect(conf).toContain("unix_socket_directories = ''");
    expect(conf).toContain('fsync = on');
  });
  test('passwords for the application role, trust only for the superuser on loopback', () => {
    const rules = pgHba().split('\n').filter((l) => l.startsWith('host'));
    expect(rules).toEqual([
      expect.stringMatching(/^host\s+all\s+postgres\s+127\.0\.0\.1\/32\s+trust$/),
      expect.stringMatching(/^host\s+all\s+all\s+127\.0\.0\.1\/32\s+scram-sha-256$/),
    ]);
  });
  test('set-up SQL creates the role and each database only when missing', () => {
    const sql = setupSql();
    expect(sql).toContain("WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'social') \\gexec");
    expect(sql).toContain("ALTER ROLE \"social\" WITH LOGIN CREATEDB PASSWORD 'social';");
    expect(sql).toContain("unnest(ARRAY['user_service', 'friend_service', 'recommendation_service'])");
  });
});
