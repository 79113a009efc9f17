import { afterAll, expect, test } from 'bun:test';
import { sql } from 'drizzle-orm';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventStoreMigrations } from '../../../test/kits/event-store-migrations';
import { rowsOf, type Database } from './database';
import { openEmbeddedDatabase } from './embedded';

/**
 * New data directories are copies of one cluster this process made (pglite-init.ts): initdb once,
 * not once per database. Copies are whole clusters of their own, with data checksums.
 */
const dir = mkdtempSync(join(tmpdir(), 'pglite-init-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const one = async <T>(database: Database, query: string) => rowsOf<T>(await database.db.execute(sql.raw(query)))[0]!;

test('two new data directories are copies of one initdb, each a database of its own with data checksums', async () => {
  const open = (name: string) => openEmbeddedDatabase({ dataDir: join(dir, name), migrationsFolder: eventStoreMigrations(), label: name });
  const [first, second] = [await open('first'), await open('second')];
  try {
    // initdb gives every cluster an identifier of its own: the same one means one initdb, copied.
    const ids = await Promise.all([first, second].map((d) => one<{ id: string }>(d, 'select system_identifier::text as id from pg_control_system()')));
    expect(ids[0]!.id).toBe(ids[1]!.id);
    for (const d of [first, second]) expect(await one<{ data_checksums: string }>(d, 'show data_checksums')).toEqual({ data_checksums: 'on' });
    await first.db.execute(sql`create table only_in_first (n int)`);
    const tables = await one<{ n: number }>(second, "select count(*)::int as n from pg_tables where tablename = 'only_in_first'");
    expect(tables.n).toBe(0);
  } finally {
    await first.close();
    await second.close();
  }
  // Reopened, each is an existing cluster: not copied over again.
  const again = await open('first');
  try {
    expect(await one<{ n: number }>(again, "select count(*)::int as n from pg_tables where tablename = 'only_in_first'")).toEqual({ n: 1 });
  } finally {
    await again.close();
  }
}, 60_000);

test('a process making its new cluster removes the directories of processes that are gone, not of running ones', async () => {
  const gone = Bun.spawn(['true']);
  await gone.exited;
  const left = join(tmpdir(), `pglite-new-cluster-${gone.pid}-left`);
  const held = join(tmpdir(), `pglite-new-cluster-${process.pid}-held`);
  for (const d of [left, held]) mkdirSync(join(d, 'cluster'), { recursive: true });
  try {
    const child = Bun.spawn([process.execPath, '-e', `
      import { initDataDirIfNew } from './src/platform/db/pglite-init';
      import { pgliteAssets } from './src/platform/db/pglite-assets';
      import { PGLITE_START_PARAMS } from './src/platform/db/pglite-settings';
      await initDataDirIfNew(${JSON.stringify(join(dir, 'from-child'))}, { ...(await pgliteAssets()), startParams: PGLITE_START_PARAMS });
    `], { cwd: join(import.meta.dir, '../../..'), stdout: 'pipe', stderr: 'pipe' });
    expect(await child.exited).toBe(0);
    expect(existsSync(join(dir, 'from-child', 'PG_VERSION'))).toBe(true);
    expect(existsSync(left)).toBe(false);
    expect(existsSync(held)).toBe(true);
    // And the child's own went with it at exit.
    expect(readdirSync(tmpdir()).filter((name) => name.startsWith(`pglite-new-cluster-${child.pid}-`))).toEqual([]);
  } finally {
    for (const d of [left, held]) rmSync(d, { recursive: true, force: true });
  }
}, 60_000);

test('databases held in memory are loaded from one image of a new cluster, each a database of its own', async () => {
  const open = () => openEmbeddedDatabase({ migrationsFolder: eventStoreMigrations(), label: 'memory' });
  const [first, second] = [await open(), await open()];
  try {
    const ids = await Promise.all([first, second].map((d) => one<{ id: string }>(d, 'select system_identifier::text as id from pg_control_system()')));
    expect(ids[0]!.id).toBe(ids[1]!.id);
    for (const d of [first, second]) expect(await one<{ data_checksums: string }>(d, 'show data_checksums')).toEqual({ data_checksums: 'on' });
    await first.db.execute(sql`create table only_in_first (n int)`);
    expect(await one<{ n: number }>(second, "select count(*)::int as n from pg_tables where tablename = 'only_in_first'")).toEqual({ n: 0 });
  } finally {
    await first.close();
    await second.close();
  }
}, 60_000);
