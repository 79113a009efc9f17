import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import type { Database } from '../../src/platform/db/database';

/**
 * A fixture made by a previous release: every row of every table of each module's store (and the
 * positions of its sequences), dumped from the data directories that release wrote, plus the
 * answers it gave (`answers.json`). Made with `scripts/fill-upgrade-fixture.ts` against that
 * release's all-in-one. Rows rather than the raw PGlite directories: the directories are 14 MB
 * compressed, the rows 20 kB, and the same rows load into PGlite and PostgreSQL alike.
 */
export interface ReleaseFixture {
  rows: Record<'user' | 'friend' | 'recommendation', Record<string, Record<string, unknown>[]>>;
  answers: Record<string, unknown> & { ids: number[] };
}

export async function readReleaseFixture(release: string): Promise<ReleaseFixture> {
  const dir = join(import.meta.dir, '..', 'fixtures', release);
  return { rows: await Bun.file(join(dir, 'rows.json')).json(), answers: await Bun.file(join(dir, 'answers.json')).json() };
}

/**
 * A copy of a module's migrations folder holding only those the release had applied (its
 * `schema_migrations` rows): a store made with it has the release's schema, and the code under test
 * then applies the newer migrations to the release's rows, as an upgrade does.
 */
export function releaseMigrations(migrationsFolder: string, tables: Record<string, Record<string, unknown>[]>): string {
  const applied = new Set((tables.schema_migrations ?? []).map((row) => row.hash));
  const copy = join(mkdtempSync(join(tmpdir(), 'release-migrations-')), 'migrations');
  cpSync(migrationsFolder, copy, { recursive: true });
  const hashes = readMigrationFiles({ migrationsFolder }).map((m) => m.hash);
  const journal = JSON.parse(readFileSync(join(copy, 'meta', '_journal.json'), 'utf8'));
  journal.entries = journal.entries.filter((_: unknown, i: number) => applied.has(hashes[i]!));
  writeFileSync(join(copy, 'meta', '_journal.json'), JSON.stringify(journal));
  return copy;
}

/**
 * Loads one module's rows into its store migrated as the release left it (releaseMigrations). The
 * migrations table is the one the migrations wrote; sequences are set where the release left them.
 */
export async function loadRows(database: Database, tables: Record<string, Record<string, unknown>[]>): Promise<void> {
  for (const [name, rows] of Object.entries(tables)) {
    if (name === 'schema_migrations') continue;
    if (name.startsWith('sequence:')) {
      const { last_value, is_called } = rows[0] as { last_value: number; is_called: boolean };
      await database.db.execute(sql`select setval(${name.slice('sequence:'.length)}, ${Number(last_value)}, ${is_called})`);
      continue;
    }
    if (rows.length === 0) continue;
    const table = sql.identifier(name);
    await database.db.execute(sql`insert into ${table} select * from json_populate_recordset(null::${table}, ${JSON.stringify(rows)}::json)`);
  }
}
