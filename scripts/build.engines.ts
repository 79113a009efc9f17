/**
 * Isolated use of the real engines of `bun run infra:up` for the binaries' end-to-end test: fresh
 * PostgreSQL databases (made through POSTGRES_ADMIN_URL), a unique KAFKA_NAMESPACE, and a cleared
 * Neo4j (Community has one database; the tests that use it run one at a time and clear it first),
 * and a master key of their own for the user service's fresh database.
 * `drop()` removes the databases, topics and consumer groups again.
 */
import { Kafka, logLevel } from 'kafkajs';
import neo4j from 'neo4j-driver';
import postgres from 'postgres';
import { newMasterKeyText } from '../src/modules/user/personal-data/master-key';

const required = ['KAFKA_BROKERS', 'USER_DATABASE_URL', 'NEO4J_URL', 'POSTGRES_ADMIN_URL'] as const;

export const missingEngines = (): string[] => required.filter((name) => !process.env[name]?.trim());

export interface Engines {
  /** The engine variables for the binaries under test. */
  env: Record<string, string>;
  drop(): Promise<void>;
}

export async function freshEngines(prefix: string): Promise<Engines> {
  const e = process.env as Record<string, string>;
  const run = `${prefix}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 6)}`;
  const stores = ['user', 'friend', 'recommendation'] as const;
  const owner = decodeURIComponent(new URL(e.USER_DATABASE_URL!).username) || 'social';
  const admin = postgres(e.POSTGRES_ADMIN_URL!, { max: 1, onnotice: () => {}, connect_timeout: 10 });
  const urls: Record<string, string> = {};
  for (const store of stores) {
    const name = `${run}_${store}`;
    await admin.unsafe(`create database "${name}" owner "${owner}"`);
    const url = new URL(e.USER_DATABASE_URL!);
    url.pathname = `/${name}`;
    urls[`${store.toUpperCase()}_DATABASE_URL`] = url.toString();
  }
  const driver = neo4j.driver(e.NEO4J_URL!, neo4j.auth.basic(e.NEO4J_USER ?? 'neo4j', e.NEO4J_PASSWORD ?? ''));
  await driver.executeQuery('MATCH (n) DETACH DELETE n').finally(() => driver.close());
  const brokers = e.KAFKA_BROKERS!.split(',').map((b) => b.trim()).filter(Boolean);
  const namespace = run.replaceAll('_', '-');

  return {
    env: {
      ...urls,
      // The user service on PostgreSQL requires its master key. These databases are new and
      // dropped after the run, so a new key fits them, as in test/harness/distributed.ts.
      PII_MASTER_KEY: newMasterKeyText(),
      KAFKA_BROKERS: brokers.join(','),
      KAFKA_NAMESPACE: namespace,
      NEO4J_URL: e.NEO4J_URL!,
      NEO4J_USER: e.NEO4J_USER ?? 'neo4j',
      NEO4J_PASSWORD: e.NEO4J_PASSWORD ?? '',
    },
    async drop() {
      const kafka = new Kafka({ clientId: `${namespace}-cleanup`, brokers, logLevel: logLevel.NOTHING, retry: { retries: 2 } }).admin();
      await kafka.connect();
      try {
        const groups = (await kafka.listGroups()).groups.map((g) => g.groupId).filter((g) => g.startsWith(`${namespace}.`));
        if (groups.length) await kafka.deleteGroups(groups).catch(() => undefined);
        const topics = (await kafka.listTopics()).filter((t) => t.startsWith(`${namespace}.`));
        if (topics.length) await kafka.deleteTopics({ topics, timeout: 10_000 });
      } finally {
        await kafka.disconnect();
      }
      for (const store of stores) await admin.unsafe(`drop database if exists "${run}_${store}" with (force)`);
      await admin.end();
    },
  };
}
