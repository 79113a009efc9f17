import { describe, expect, test } from 'bun:test';
import { silentLogger } from '../log';
import { eventStoreMigrations } from '../../../test/kits/event-store-migrations';
import { freshDatabaseUrl as freshDatabase } from '../../../test/kits/postgres';
import { openPostgresDatabase } from './postgres';
import { eventStoreConformance } from '../../../test/conformance/event-store';

/** Needs a real PostgreSQL: `bun run infra:up` and `source .infra/env`. Skipped otherwise. */
const baseUrl = process.env.USER_DATABASE_URL;
const freshDatabaseUrl = () => freshDatabase(baseUrl!, 'contract');

describe.skipIf(!baseUrl)('PostgreSQL adapter (set USER_DATABASE_URL to run)', () => {
  eventStoreConformance('PostgreSQL', async () => {
    const migrationsFolder = eventStoreMigrations();
    const url = await freshDatabaseUrl();
    return { database: await openPostgresDatabase({ url, migrationsFolder, log: silentLogger }), migrationsFolder };
  });

  test('instances starting at once apply each migration exactly once', async () => {
    const migrationsFolder = eventStoreMigrations();
    const url = await freshDatabaseUrl();
    const databases = await Promise.all(Array.from({ length: 4 }, () => openPostgresDatabase({ url, migrationsFolder, log: silentLogger })));
    const [row] = await databases[0]!.db.execute('select count(*)::int as n from schema_migrations' as any) as any;
    expect(row.n).toBe(1);
    await Promise.all(databases.map((d) => d.close()));
  });

  test('one claim holder at a time; the claim passes on when released', async () => {
    const migrationsFolder = eventStoreMigrations();
    const url = await freshDatabaseUrl();
    const [a, b] = await Promise.all([1, 2].map(() => openPostgresDatabase({ url, migrationsFolder, log: silentLogger })));
    const first = await a!.claim('relay');
    expect(first).toBeDefined();
    expect(await b!.claim('relay')).toBeUndefined();
    expect(await first!.stillHeld()).toBe(true);
    await first!.release();
    const second = await b!.claim('relay');
    expect(second).toBeDefined();
    await second!.release();
    await Promise.all([a!.close(), b!.close()]);
  });

  test('a notification reaches the other instances', async () => {
    const migrationsFolder = eventStoreMigrations();
    const url = await freshDatabaseUrl();
    const [a, b] = await Promise.all([1, 2].map(() => openPostgresDatabase({ url, migrationsFolder, log: silentLogger })));
    let heard = 0;
    await b!.listen('outbox', () => heard++);
    await a!.notify('outbox');
    for (let i = 0; i < 100 && heard === 0; i++) await Bun.sleep(20);
    expect(heard).toBe(1);
    await Promise.all([a!.close(), b!.close()]);
  });
});
