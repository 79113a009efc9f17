import { describe } from 'bun:test';
import { openPostgresDatabase } from '../../../platform/db/postgres';
import { silentLogger } from '../../../platform/log';
import { freshDatabaseUrl } from '../../../../test/kits/postgres';
import { openNeo4jGraph } from '../graph/neo4j-open';
import { recommendationMigrationsFolder } from '../module';
import { pastAnswersConformance } from '../../../../test/conformance/past-answers';

/** Needs a real PostgreSQL: `bun run infra:up` and `source .infra/env`. Skipped otherwise. */
const baseUrl = process.env.RECOMMENDATION_DATABASE_URL;
// With Neo4j too, the answers recorded are the distributed mode's. The test clears the graph's labels.
const { NEO4J_URL: neo4jUrl, NEO4J_USER: user = 'neo4j', NEO4J_PASSWORD: password = '' } = process.env;
const openLog = async () =>
  openPostgresDatabase({ url: await freshDatabaseUrl(baseUrl!, 'as_of'), migrationsFolder: recommendationMigrationsFolder, log: silentLogger });

describe.skipIf(!baseUrl)('answers as of a past instant, from the PostgreSQL log (set RECOMMENDATION_DATABASE_URL to run)', () => {
  pastAnswersConformance('PostgreSQL', openLog);
});

describe.skipIf(!baseUrl || !neo4jUrl)('answers as of a past instant equal what Neo4j answered then (set RECOMMENDATION_DATABASE_URL and NEO4J_URL to run)', () => {
  pastAnswersConformance('PostgreSQL log, Neo4j graph', openLog, () => openNeo4jGraph({ url: neo4jUrl!, user, password }, silentLogger));
});
