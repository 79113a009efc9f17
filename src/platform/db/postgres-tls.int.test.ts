import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { sql } from 'drizzle-orm';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { loadConfig } from '../config';
import { silentLogger } from '../log';
import { eventStoreMigrations } from '../../../test/kits/event-store-migrations';
import { freshDatabaseUrl } from '../../../test/kits/postgres';
import { openPostgresDatabase } from './postgres';

/**
 * The PostgreSQL adapter over TLS against the server `bun run infra:up` starts (its certificate
 * signed by the local CA in POSTGRES_TLS_CA_FILE), configured as a process is: `sslmode` in the
 * URL and DATABASE_SSL_CA_FILE, through loadConfig.
 */
const baseUrl = process.env.USER_DATABASE_URL;
const caFile = process.env.POSTGRES_TLS_CA_FILE;
const skipReason = !baseUrl || !caFile ? 'USER_DATABASE_URL and POSTGRES_TLS_CA_FILE not set' : undefined;
if (skipReason) console.warn(`postgres-tls.int.test.ts: ${skipReason}, skipping (\`bun run infra:up && source .infra/env\` to run)`);

describe.skipIf(skipReason !== undefined)(`PostgreSQL over TLS${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  let url: string;
  let scratch: string;
  let migrationsFolder: string;

  beforeAll(async () => {
    migrationsFolder = eventStoreMigrations();
    url = await freshDatabaseUrl(baseUrl!, 'tls');
    scratch = mkdtempSync(join(tmpdir(), 'pg-tls-'));
    const made = Bun.spawnSync(['openssl', 'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=another CA',
      '-keyout', join(scratch, 'other.key'), '-out', join(scratch, 'other-ca.crt')]);
    if (made.exitCode !== 0) throw new Error(`openssl: ${made.stderr.toString()}`);
  });
  afterAll(async () => {
    rmSync(scratch, { recursive: true, force: true });
    const admin = postgres(baseUrl!, { max: 1, onnotice: () => {} });
    await admin.unsafe(`drop database if exists "${new URL(url).pathname.slice(1)}" with (force)`);
    await admin.end();
  });

  const withMode = (mode: string | undefined, host?: string) => {
    const u = new URL(url);
    if (mode) u.searchParams.set('sslmode', mode);
    if (host) u.hostname = host;
    return u.toString();
  };
  /** Opens the module database from environment variables; answers whether its connection is encrypted. */
  async function encrypted(vars: Record<string, string>): Promise<boolean> {
    const config = loadConfig(vars);
    const db = await openPostgresDatabase({ url: config.databaseUrls.user!, sslCa: config.databaseSslCa, migrationsFolder, connectTimeoutMs: 3_000, log: silentLogger });
    try {
      const rows = (await db.db.execute(sql`select ssl from pg_stat_ssl where pid = pg_backend_pid()`)) as unknown as { ssl: boolean }[];
      return rows[0]!.ssl;
    } finally {
      await db.close();
    }
  }
  const failure = (work: Promise<unknown>) => work.then(() => undefined, (error: Error) => error);

  test('sslmode=verify-full with the CA: connected, encrypted, by address and by host name', async () => {
    expect(await encrypted({ USER_DATABASE_URL: withMode('verify-full'), DATABASE_SSL_CA_FILE: caFile! })).toBe(true);
    expect(await encrypted({ USER_DATABASE_URL: withMode('verify-full', 'localhost'), DATABASE_SSL_CA_FILE: caFile! })).toBe(true);
  });

  test('sslmode=verify-full trusting another CA, or only the system authorities, is refused', async () => {
    for (const vars of [{ DATABASE_SSL_CA_FILE: join(scratch, 'other-ca.crt') }, {}] as Record<string, string>[]) {
      const error = await failure(encrypted({ USER_DATABASE_URL: withMode('verify-full'), ...vars }));
      expect(String(error)).toMatch(/self[- ]signed|unable to (get|verify)|certificate/i);
    }
  });

  test('sslmode=require encrypts without verifying; no sslmode stays plaintext, as before', async () => {
    expect(await encrypted({ USER_DATABASE_URL: withMode('require') })).toBe(true);
    expect(await encrypted({ USER_DATABASE_URL: withMode(undefined) })).toBe(false);
  });
});
