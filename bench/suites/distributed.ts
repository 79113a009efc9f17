/**
 * The distributed variants: each module its own process on PostgreSQL, Kafka and Neo4j (from
 * .infra/env). The bench uses databases and a Kafka namespace of its own, dropped afterwards, so
 * it leaves the engines as it found them; only Neo4j Community has a single database, which the
 * graph measurement and the recommendation module share with anything else running (warned).
 */
import { join } from 'node:path';
import postgres from 'postgres';
import { startInstance, stopInstances, waitInstanceHealthy, type Instance, type ModuleName } from '../../scripts/lib/cluster';
import { readInfraEnv } from '../../scripts/lib/infra-env';
import { rssMb, ROOT, track } from '../lib/processes';
import { freePorts } from '../../test/kits/processes';
import { record, round, warn, type BenchContext } from './context';
import { measureNeo4jGraph } from './graph';
import { compareTargets, ratioOf, ROUTE } from './http';
import { measureConsistency } from './consistency';
import { measureLagRuns } from './lag';
import { measureProjectionLog } from './projection-log';
import { measureReads, RECOMMENDATION_INSTANCES } from './reads';
import { measureWrites } from './writes';
import { median } from './context';

const REQUIRED = ['KAFKA_BROKERS', 'USER_DATABASE_URL', 'NEO4J_URL', 'POSTGRES_ADMIN_URL'];
const STORES = ['user', 'friend', 'recommendation'] as const;
const LAG_RUNS = 5;

interface Cluster {
  instances: Instance[];
  url(module: ModuleName): string;
}

/** `moreRecommendations`: recommendation instances beside the first (same consumer group, same log). */
async function startCluster(ctx: BenchContext, modules: ModuleName[], env: Record<string, string>, label: string, moreRecommendations = 0): Promise<Cluster> {
  const free = freePorts(modules.length + moreRecommendations);
  const ports = Object.fromEntries(modules.map((m, i) => [m, free[i]!])) as Record<ModuleName, number>;
  const extraPorts = free.slice(modules.length);
  const url = (m: ModuleName) => `http://127.0.0.1:${ports[m]}`;
  // One client address drives the load, so the gateway's per-client rate limit is off.
  const full = { ...env, DISCOVERY_URL: url('discovery'), HOST: '127.0.0.1', ADVERTISED_HOST: '127.0.0.1', LOG_LEVEL: 'warn', GATEWAY_RATE_LIMIT_PER_SECOND: '0' };
  const instances: Instance[] = [];
  try {
    for (const module of modules) {
      const instance = startInstance({ name: `${label}-${module}`, module, port: ports[module] }, full, join(ctx.runDir, 'logs'));
      instances.push(instance);
      track(instance.proc);
      await waitInstanceHealthy(instance, `${url(module)}/actuator/health`, 120_000);
      if (module !== 'recommendation') continue;
      for (const [i, port] of extraPorts.entries()) {
        const more = startInstance({ name: `${label}-recommendation-${i + 2}`, module, port }, full, join(ctx.runDir, 'logs'));
        instances.push(more);
        track(more.proc);
        await waitInstanceHealthy(more, `http://127.0.0.1:${port}/actuator/health`, 120_000);
      }
    }
    const gateway = instances.find((i) => i.module === 'gateway')!;
    for (const m of modules.filter((m) => m !== 'discovery' && m !== 'gateway')) await waitInstanceHealthy(gateway, `${url('gateway')}/${m}/actuator/health`, 60_000);
  } catch (error) {
    await stopInstances(instances);
    throw error;
  }
  return { instances, url };
}

export async function runDistributed(ctx: BenchContext): Promise<void> {
  const infra = { ...readInfraEnv(join(ROOT, '.infra/env')), ...(process.env as Record<string, string>) };
  const missing = REQUIRED.filter((name) => !infra[name]);
  if (missing.length) throw new Error(`--distributed needs ${missing.join(', ')}: run \`bun run infra:up\` (it writes .infra/env)`);
  const tag = `bench_${Date.now().toString(36)}`;
  const admin = postgres(infra.POSTGRES_ADMIN_URL!, { max: 1, onnotice: () => {} });
  const owner = new URL(infra.USER_DATABASE_URL!).username;
  const dbUrl = (store: string) => Object.assign(new URL(infra.USER_DATABASE_URL!), { pathname: `/${tag}_${store}` }).href;
  const env: Record<string, string> = { ...infra, KAFKA_NAMESPACE: tag };
  for (const store of STORES) {
    await admin.unsafe(`create database "${tag}_${store}" owner "${owner}"`);
    env[`${store.toUpperCase()}_DATABASE_URL`] = dbUrl(store);
  }
  try {
    if (ctx.options.only.includes('graph')) await ctx.step('distributed graph (neo4j)', () => measureNeo4jGraph(ctx, env));
    if (ctx.options.only.includes('http')) await ctx.step('distributed http', () => measureHttp(ctx, env));
    if (ctx.options.only.includes('reads')) {
      await admin.unsafe(`create database "${tag}_reads" owner "${owner}"`);
      await ctx.step('recommendation reads, all-in-one vs distributed', () => measureDistributedReads(ctx, { ...env, RECOMMENDATION_DATABASE_URL: dbUrl('reads') }));
    }
    if (ctx.options.only.includes('projection')) await ctx.step('distributed asOf (PostgreSQL log)', () => measureProjectionLog(ctx, { engine: 'postgres', adminUrl: infra.POSTGRES_ADMIN_URL! }));
    if (ctx.options.only.some((s) => s === 'writes' || s === 'lag' || s === 'consistency' || s === 'memory')) await ctx.step('distributed cluster', () => measureFullCluster(ctx, env));
  } finally {
    for (const store of [...STORES, 'reads']) await admin.unsafe(`drop database if exists "${tag}_${store}" with (force)`).catch(() => undefined);
    await admin.end({ timeout: 5 });
    await deleteTopics(infra.KAFKA_BROKERS!, tag).catch((error) => warn(ctx, `could not delete Kafka topics ${tag}.*: ${error.message}`));
  }
}

/** The gateway in its own process in front of a recommendation process with the in-memory graph. */
async function measureHttp(ctx: BenchContext, env: Record<string, string>): Promise<void> {
  ctx.log('http (distributed): gateway process -> recommendation process (in-memory graph, so the route stays tiny)');
  // User and friend only idle here, but the gateway is ready (healthy) only once every service it
  // routes to has a live instance.
  const cluster = await startCluster(ctx, ['discovery', 'user', 'friend', 'recommendation', 'gateway'], { ...env, NEO4J_URL: '' }, 'http');
  try {
    const m = await compareTargets(ctx, { direct: cluster.url('recommendation') + ROUTE, gateway: `${cluster.url('gateway')}/recommendation${ROUTE}` });
    record(ctx, 'http.distributed', {
      directRps: Math.round(median(m.direct!.rps)),
      gatewayRps: Math.round(median(m.gateway!.rps)),
      gatewayAddedP50Ms: round(median(m.gateway!.p50Ms) - median(m.direct!.p50Ms), 4),
      gatewayAddedP99Ms: round(median(m.gateway!.p99Ms) - median(m.direct!.p99Ms), 4),
    });
    record(ctx, 'http.distributedGatewayToDirect', round(ratioOf(m, 'gateway', 'direct')));
  } finally {
    await stopInstances(cluster.instances);
  }
}

/** The read graph under two recommendation instances on Neo4j, against the all-in-one (see reads.ts). */
async function measureDistributedReads(ctx: BenchContext, env: Record<string, string>): Promise<void> {
  warn(ctx, `the reads suite loads its graph into ${env.NEO4J_URL} (shared: Neo4j Community has one database); the bench clears it before and after`);
  await clearNeo4j(env);
  try {
    await measureReads(ctx, env.RECOMMENDATION_DATABASE_URL!, async (extra) => {
      const cluster = await startCluster(ctx, ['discovery', 'user', 'friend', 'recommendation', 'gateway'], { ...env, ...extra }, `reads-${extra.RECOMMENDATION_READS}`, RECOMMENDATION_INSTANCES - 1);
      return { gateway: cluster.url('gateway'), recommendation: cluster.url('recommendation'), instances: cluster.instances };
    });
  } finally {
    await clearNeo4j(env).catch((error) => warn(ctx, `could not clear Neo4j: ${error.message}`));
  }
}

/** Every module its own process with Neo4j: commands, projection lag, resident memory. */
async function measureFullCluster(ctx: BenchContext, env: Record<string, string>): Promise<void> {
  // Writes alone do not need the graph in Neo4j: keeping it in memory then leaves the shared
  // database alone (the commands' path, user and friend on PostgreSQL through Kafka, is the same).
  const neo4j = ctx.options.only.some((s) => s === 'lag' || s === 'memory');
  if (neo4j) warn(ctx, `the distributed recommendation module writes its graph into ${env.NEO4J_URL} (shared: Neo4j Community has one database); the bench clears it afterwards`);
  ctx.log(`distributed cluster: discovery, user, friend, recommendation (${neo4j ? 'Neo4j' : 'in-memory graph'}), gateway`);
  const cluster = await startCluster(ctx, ['discovery', 'user', 'friend', 'recommendation', 'gateway'], neo4j ? env : { ...env, NEO4J_URL: '' }, 'dist');
  try {
    const gateway = cluster.url('gateway');
    let addFriendPerSec = 100;
    if (ctx.options.only.includes('writes')) {
      await ctx.step('distributed writes', async () => void ({ addFriendPerSec } = await measureWrites(ctx, gateway, { engine: 'postgres', url: env.USER_DATABASE_URL! }, 'writes.postgres')));
    }
    // Item 5 of the lag target: met in each of five consecutive runs, not in one lucky run.
    if (ctx.options.only.includes('lag')) await ctx.step('distributed lag', () => measureLagRuns(ctx, gateway, addFriendPerSec / 2, 'projectionLag.distributed', LAG_RUNS));
    if (ctx.options.only.includes('consistency')) await ctx.step('distributed consistency', () => measureConsistency(ctx, gateway, addFriendPerSec / 2, 'consistency.distributed'));
    const rss = Object.fromEntries(cluster.instances.map((i) => [i.module, round(rssMb(i.proc.pid), 1)]));
    const total = Object.values(rss).reduce((a, b) => a + b, 0);
    ctx.log(`memory: distributed modules RSS ${total.toFixed(0)} MB in all ${JSON.stringify(rss)}`);
    record(ctx, 'memory.distributedModulesRssMb', round(total, 1));
    record(ctx, 'memory.distributedRssMbByModule', rss);
  } finally {
    await stopInstances(cluster.instances);
    if (neo4j) await clearNeo4j(env).catch((error) => warn(ctx, `could not clear Neo4j: ${error.message}`));
  }
}

async function clearNeo4j(env: Record<string, string>): Promise<void> {
  const { openNeo4jGraph } = await import('../../src/modules/recommendation');
  const { silentLogger } = await import('../../src/platform/log');
  const graph = await openNeo4jGraph({ url: env.NEO4J_URL!, user: env.NEO4J_USER ?? 'neo4j', password: env.NEO4J_PASSWORD ?? '' }, silentLogger);
  await graph.clear();
  await graph.close();
}

async function deleteTopics(brokers: string, prefix: string): Promise<void> {
  const { Kafka, logLevel } = await import('kafkajs');
  const admin = new Kafka({ brokers: brokers.split(','), logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const topics = (await admin.listTopics()).filter((t) => t.startsWith(`${prefix}.`));
    if (topics.length) await admin.deleteTopics({ topics });
  } finally {
    await admin.disconnect();
  }
}
