import { afterAll, expect, test } from 'bun:test';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventStoreMigrations } from '../../../test/kits/event-store-migrations';
import { rowsOf, type Db } from './database';
import { openEmbeddedDatabase } from './embedded';

const dir = mkdtempSync(join(tmpdir(), 'pglite-settings-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const settingsOf = async (query: (text: string) => Promise<{ name: string; setting: string }[]>) =>
  new Map((await query('select name, setting from pg_settings')).map((r) => [r.name, r.setting]));
const setting = async (db: Db, name: string) => rowsOf<{ setting: string }>(await db.execute(sql`select current_setting(${name}) as setting`))[0]!.setting;

test('only the buffer pool, what Postgres sizes from it, and WAL segment recycling differ from PGlite defaults', async () => {
  const plain = new PGlite();
  const database = await openEmbeddedDatabase({ migrationsFolder: eventStoreMigrations(), label: 'settings' });
  try {
    const defaults = await settingsOf(async (text) => (await plain.query<{ name: string; setting: string }>(text)).rows);
    const ours = await settingsOf(async (text) => rowsOf(await database.db.execute(sql.raw(text))));
    const changed = [...defaults].filter(([name, value]) => ours.get(name) !== value).map(([name]) => name);
    // fsync, synchronous_commit, full_page_writes, wal_level... stay as PGlite sets them. Old WAL
    // segments are deleted rather than recycled with their bytes (see pglite-settings.ts).
    expect(changed.sort()).toEqual(['commit_timestamp_buffers', 'io_max_concurrency', 'shared_buffers', 'shared_memory_size', 'shared_memory_size_in_huge_pages', 'subtransaction_buffers', 'transaction_buffers', 'wal_buffers', 'wal_init_zero', 'wal_recycle']);
    expect(await setting(database.db, 'shared_buffers')).toBe('16MB');
  } finally {
    await plain.close();
    await database.close();
  }
});

test('a new data directory is created apart, then opened; its data and settings hold on reopening', async () => {
  const migrationsFolder = eventStoreMigrations();
  const open = () => openEmbeddedDatabase({ dataDir: join(dir, 'db'), migrationsFolder, label: 'settings data directory' });
  const first = await open();
  await first.db.execute(sql`insert into events (event_id, stream_id, stream_version, type, schema_version, data, metadata, occurred_at)
    values (gen_random_uuid(), 's-1', 1, 'Happened', 1, '{}', '{}', now())`);
  await first.close();
  const again = await open();
  try {
    expect(rowsOf<{ n: number }>(await again.db.execute(sql`select count(*)::int as n from events`))[0]!.n).toBe(1);
    // postgresql.conf (written by initdb) still says 128MB; the start parameter wins.
    expect(await setting(again.db, 'shared_buffers')).toBe('16MB');
  } finally {
    await again.close();
  }
});
