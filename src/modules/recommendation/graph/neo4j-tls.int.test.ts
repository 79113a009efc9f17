import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readRecommendationSettings } from '../settings';
import { silentLogger } from '../../../platform/log';
import { Neo4jGraph } from './neo4j-graph';

/**
 * The graph adapter over Bolt TLS against the Neo4j `bun run infra:up` starts (TLS optional on its
 * port, certificate signed by the local CA in NEO4J_TLS_CA_FILE), configured as a process is:
 * NEO4J_URL with +s and NEO4J_TRUSTED_CA_FILE, through the recommendation settings.
 */
const { NEO4J_URL: url, NEO4J_USER: user = 'neo4j', NEO4J_PASSWORD: password = '', NEO4J_TLS_CA_FILE: caFile } = process.env;
const skipReason = !url || !caFile ? 'NEO4J_URL and NEO4J_TLS_CA_FILE not set' : undefined;
if (skipReason) console.warn(`neo4j-tls.int.test.ts: ${skipReason}, skipping (\`bun run infra:up && source .infra/env\` to run)`);

describe.skipIf(skipReason !== undefined)(`Neo4j over Bolt TLS${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  let scratch: string;
  const address = () => new URL(url!.replace(/^[a-z+]+:/, 'http:')).host;
  beforeAll(() => {
    scratch = mkdtempSync(join(tmpdir(), 'neo4j-tls-'));
    const made = Bun.spawnSync(['openssl', 'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=another CA',
      '-keyout', join(scratch, 'other.key'), '-out', join(scratch, 'other-ca.crt')]);
    if (made.exitCode !== 0) throw new Error(`openssl: ${made.stderr.toString()}`);
  });
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  async function answers(vars: Record<string, string>): Promise<boolean> {
    const graph = new Neo4jGraph(readRecommendationSettings({ NEO4J_USER: user, NEO4J_PASSWORD: password, ...vars }, { host: '127.0.0.1', ports: { user: 8081, friend: 8082 } }).neo4j!, silentLogger);
    try {
      return await graph.ping();
    } finally {
      await graph.close();
    }
  }

  test('bolt+s:// and neo4j+s:// with the CA file: encrypted and verified, queries answered', async () => {
    expect(await answers({ NEO4J_URL: `bolt+s://${address()}`, NEO4J_TRUSTED_CA_FILE: caFile! })).toBe(true);
    expect(await answers({ NEO4J_URL: `neo4j+s://${address()}`, NEO4J_TRUSTED_CA_FILE: caFile! })).toBe(true);
  });

  test('trusting another CA, or only the system authorities, gets no answer', async () => {
    expect(await answers({ NEO4J_URL: `bolt+s://${address()}`, NEO4J_TRUSTED_CA_FILE: join(scratch, 'other-ca.crt') })).toBe(false);
    expect(await answers({ NEO4J_URL: `bolt+s://${address()}` })).toBe(false);
  }, 30_000); // each refusal waits out the driver's connection retries (about 3 s)
});
