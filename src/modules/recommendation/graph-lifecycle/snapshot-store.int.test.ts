import { describe } from 'bun:test';
import { openPostgresDatabase } from '../../../platform/db/postgres';
import { silentLogger } from '../../../platform/log';
import { freshDatabaseUrl } from '../../../../test/kits/postgres';
import { recommendationMigrationsFolder } from '../module';
import { snapshotStoreConformance } from '../../../../test/conformance/snapshot-store';

/** Needs a real PostgreSQL: `bun run infra:up` and `source .infra/env`. Skipped otherwise. */
const baseUrl = process.env.RECOMMENDATION_DATABASE_URL;

describe.skipIf(!baseUrl)('graph snapshot store on PostgreSQL (set RECOMMENDATION_DATABASE_URL to run)', () => {
  snapshotStoreConformance(async () => openPostgresDatabase({ url: await freshDatabaseUrl(baseUrl!, 'snapshots'), migrationsFolder: recommendationMigrationsFolder, log: silentLogger }));
});
