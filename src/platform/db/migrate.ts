import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import { rowsOf, type Db } from './database';

/**
 * Applies a module's drizzle-kit migrations. Our own runner rather than drizzle's: it takes a
 * transaction-scoped advisory lock so several instances starting at once apply each migration
 * exactly once, and it behaves the same on PGlite and PostgreSQL.
 */
export async function migrate(db: Db, migrationsFolder: string): Promise<number> {
  // drizzle's own message ("Can't find meta/_journal.json file") does not say where it looked.
  if (!existsSync(join(migrationsFolder, 'meta', '_journal.json'))) {
    throw new Error(`no migrations in ${migrationsFolder} (a compiled binary needs its migrations/ folder beside it)`);
  }
  const migrations = readMigrationFiles({ migrationsFolder });
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(7262371)`);
    await tx.execute(sql`create table if not exists schema_migrations (
      hash text primary key, created_at bigint not null, applied_at timestamptz not null default now())`);
    const applied = rowsOf<{ hash: string }>(await tx.execute(sql`select hash from schema_migrations`));
    const done = new Set(applied.map((r) => r.hash));
    let count = 0;
    for (const migration of migrations) {
      if (done.has(migration.hash)) continue;
      for (const statement of migration.sql) {
        if (statement.trim()) await tx.execute(sql.raw(statement));
      }
      await tx.execute(
        sql`insert into schema_migrations (hash, created_at) values (${migration.hash}, ${migration.folderMillis})`,
      );
      count++;
    }
    return count;
  });
}
