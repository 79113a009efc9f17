import { describe } from 'bun:test';
import { openPostgresDatabase } from '../db/postgres';
import { silentLogger } from '../log';
import { eventStoreMigrations } from '../../../test/kits/event-store-migrations';
import { freshDatabaseUrl } from '../../../test/kits/postgres';
import { groupCommitContract } from '../../../test/conformance/group-commit';

/** Needs a real PostgreSQL: `bun run infra:up` and `source .infra/env`. Skipped otherwise. */
const baseUrl = process.env.USER_DATABASE_URL;

describe.skipIf(!baseUrl)('PostgreSQL (set USER_DATABASE_URL to run)', () => {
  // Two connection pools on one database: two instances of a module racing for the same streams.
  groupCommitContract('PostgreSQL', async () => {
    const migrationsFolder = eventStoreMigrations();
    const url = await freshDatabaseUrl(baseUrl!, 'group_commit');
    const first = await openPostgresDatabase({ url, migrationsFolder, log: silentLogger });
    const second = await openPostgresDatabase({ url, migrationsFolder, log: silentLogger });
    return { first, second, close: async () => void (await Promise.all([first.close(), second.close()])) };
  });
});
