/**
 * Recommendation reads through the gateway: the all-in-one against distributed mode, on one graph.
 * The same recommendation log (written by SQL, bench/lib/recommendation-log.ts) is put under an
 * all-in-one (PGlite) and under a distributed cluster (PostgreSQL, two recommendation instances,
 * Neo4j caught up from it at start), both run at once, and the same two queries are loaded in
 * interleaved rounds, so that load from elsewhere on the machine hits both sides of each ratio.
 * Distributed reads come from each instance's in-memory replica (RECOMMENDATION_READS=replica,
 * the default), then once more from Neo4j (RECOMMENDATION_READS=neo4j) for comparison.
 */
import { join } from 'node:path';
import { stopInstances, type Instance } from '../../scripts/lib/cluster';
import { recommendationMigrationsFolder } from '../../src/modules/recommendation';
import { openEmbeddedDatabase } from '../../src/platform/db/embedded';
import { openPostgresDatabase } from '../../src/platform/db/postgres';
import { silentLogger } from '../../src/platform/log';
import { stopGracefully } from '../../test/kits/processes';
import { httpLoad, type HttpResult } from '../lib/http-load';
import { startAllInOne } from '../lib/processes';
import { seedRecommendationLog } from '../lib/recommendation-log';
import { median, record, round, warn, type BenchContext } from './context';

/** Friends per user in the read graph: the figures were taken on 2,000 users of about this degree. */
const READ_DEGREE = 10;
export const RECOMMENDATION_INSTANCES = 2;
/** Above this, reads from Neo4j are not compared: reading from Neo4j means catching it up before serving. */
const NEO4J_READS_MAX_USERS = 10_000;

/** Starts a distributed cluster on the seeded database, with `env` on top; returns its gateway and the instances to stop. */
export type StartReadCluster = (env: Record<string, string>) => Promise<{ gateway: string; recommendation: string; instances: Instance[] }>;

interface Side {
  recommend: string;
  mutual: string;
}

interface Figures {
  rps: number[];
  p99Ms: number[];
}

export async function measureReads(ctx: BenchContext, databaseUrl: string, start: StartReadCluster): Promise<void> {
  const users = ctx.profile.readUsers;
  ctx.log(`recommendation reads: ${users} users of degree ${READ_DEGREE}, all-in-one vs distributed (${RECOMMENDATION_INSTANCES} recommendation instances), through the gateway`);
  const dataDir = join(ctx.runDir, 'data-reads');
  await seed(openEmbeddedDatabase({ dataDir: join(dataDir, 'recommendation'), migrationsFolder: recommendationMigrationsFolder, label: 'bench reads' }), users, ctx);
  await seed(openPostgresDatabase({ url: databaseUrl, migrationsFolder: recommendationMigrationsFolder, log: silentLogger }), users, ctx);

  const aio = await startAllInOne(dataDir, join(ctx.runDir, 'logs/reads-all-in-one.log'));
  let instances: Instance[] = [];
  try {
    const allInOne = await queriesOf(aio.gateway);
    const replica = await start({ RECOMMENDATION_READS: 'replica' });
    instances = replica.instances;
    // `direct`: one recommendation instance on its own port, without the gateway's hop between processes.
    const m = await interleaved(ctx, { allInOne, distributed: await queriesOf(replica.gateway), direct: await queriesOf(replica.recommendation, '') });
    recordSide(ctx, 'recommendation.allInOne', m.allInOne!);
    recordSide(ctx, 'recommendation.distributed', m.distributed!, m.allInOne!);
    recordSide(ctx, 'recommendation.distributedDirect', m.direct!, m.allInOne!);
    await stopInstances(instances);
    if (users > NEO4J_READS_MAX_USERS) {
      ctx.log(`  reads from Neo4j not measured at ${users} users: the instances would first catch Neo4j up with the whole log through Cypher (tens of minutes)`);
      return;
    }
    // The same graph read from Neo4j (caught up with the whole log at start): the figures before the replica.
    const neo4j = await start({ RECOMMENDATION_READS: 'neo4j' });
    instances = neo4j.instances;
    const n = await interleaved(ctx, { allInOne, neo4j: await queriesOf(neo4j.gateway) });
    recordSide(ctx, 'recommendation.distributedNeo4j', n.neo4j!, n.allInOne!);
  } finally {
    await stopGracefully(aio.proc);
    await stopInstances(instances);
  }
}

async function seed(opening: Promise<{ db: Parameters<typeof seedRecommendationLog>[0]; close(): Promise<void> }>, users: number, ctx: BenchContext): Promise<void> {
  const database = await opening;
  try {
    await seedRecommendationLog(database.db, users, READ_DEGREE, () => {});
  } finally {
    await database.close();
  }
  ctx.log(`  seeded a recommendation log of ${users} users`);
}

/** recommendFriends of user 1, and mutual friends of user 1 and their first recommendation (so the answer is not empty). */
async function queriesOf(server: string, route = '/recommendation'): Promise<Side> {
  const base = `${server}${route}/v1/users/1/commands`;
  const top = (await (await fetch(`${base}/recommendFriends?limit=1`)).json()) as { user: { id: number } }[];
  if (!top[0]) throw new Error(`user 1 has no recommendation at ${server}: the graph was not loaded`);
  return { recommend: `${base}/recommendFriends`, mutual: `${base}/findMutualFriends?friendId=${top[0].user.id}` };
}

/** Each query on each side, in rounds, at the profile's concurrency: throughput and p99 under that load. */
async function interleaved(ctx: BenchContext, sides: Record<string, Side>): Promise<Record<string, Record<keyof Side, Figures>>> {
  const { httpSeconds, httpRounds, httpConcurrency } = ctx.profile;
  const out: Record<string, Record<keyof Side, Figures>> = {};
  const check = (name: string, r: HttpResult) => {
    if (r.errors > r.requests * 0.01) warn(ctx, `reads ${name}: ${r.errors} errors in ${r.requests} requests; its figures are not trustworthy`);
  };
  for (const [name, side] of Object.entries(sides)) {
    out[name] = { recommend: { rps: [], p99Ms: [] }, mutual: { rps: [], p99Ms: [] } };
    for (const url of Object.values(side)) await httpLoad(ctx.tool, url, httpConcurrency, 1); // warm-up
  }
  for (let round = 0; round < Math.max(2, httpRounds); round++) {
    for (const query of ['recommend', 'mutual'] as const) {
      for (const [name, side] of Object.entries(sides)) {
        const r = await httpLoad(ctx.tool, side[query], httpConcurrency, httpSeconds);
        check(`${name} ${query}`, r);
        out[name]![query].rps.push(r.rps);
        out[name]![query].p99Ms.push(r.p99Ms);
        ctx.log(`  ${name.padEnd(11)} ${query.padEnd(9)} round ${round + 1}: ${Math.round(r.rps)} req/s at ${httpConcurrency} connections, p99 ${r.p99Ms.toFixed(2)} ms`);
      }
    }
  }
  return out;
}

/** Medians of the rounds; beside a baseline, the median of the per-round ratios. */
function recordSide(ctx: BenchContext, prefix: string, m: Record<keyof Side, Figures>, baseline?: Record<keyof Side, Figures>): void {
  const ratio = (a: number[], b: number[]) => round(median(a.map((x, i) => x / b[i]!)));
  record(ctx, `${prefix}.rps`, Math.round(median(m.recommend.rps)));
  record(ctx, `${prefix}.p99Ms`, round(median(m.recommend.p99Ms), 2));
  record(ctx, `${prefix}.mutualRps`, Math.round(median(m.mutual.rps)));
  record(ctx, `${prefix}.mutualP99Ms`, round(median(m.mutual.p99Ms), 2));
  if (!baseline) return;
  record(ctx, `${prefix}.rpsToAllInOne`, ratio(m.recommend.rps, baseline.recommend.rps));
  record(ctx, `${prefix}.p99ToAllInOne`, ratio(m.recommend.p99Ms, baseline.recommend.p99Ms));
  record(ctx, `${prefix}.mutualRpsToAllInOne`, ratio(m.mutual.rps, baseline.mutual.rps));
  record(ctx, `${prefix}.mutualP99ToAllInOne`, ratio(m.mutual.p99Ms, baseline.mutual.p99Ms));
}
