import { describe } from 'bun:test';
import { openPostgresDatabase } from '../../../platform/db/postgres';
import { silentLogger } from '../../../platform/log';
import { freshDatabaseUrl } from '../../../platform/testing/postgres';
import { recommendationMigrationsFolder } from '../module';
import { pastAnswersContract } from './past-answers.contract';

/** Needs a real PostgreSQL: `bun run infra:up` and `source .infra/env`. Skipped otherwise. */
const baseUrl = process.env.RECOMMENDATION_DATABASE_URL;

describe.skipIf(!baseUrl)('answers as of a past instant, from the PostgreSQL log (set RECOMMENDATION_DATABASE_URL to run)', () => {
  pastAnswersContract('PostgreSQL', async () =>
    openPostgresDatabase({ url: await freshDatabaseUrl(baseUrl!, 'as_of'), migrationsFolder: recommendationMigrationsFolder, log: silentLogger }),
  );
});
