/**
 * Recommendations straight from the graph adapters, without HTTP: the in-memory graph at each
 * size of the scale curve (each size in a fresh process, so its heap holds that graph alone), and
 * with --distributed Neo4j at a size it loads in reasonable time.
 */
import { record, runWorker, warn, type BenchContext } from './context';

export interface GraphFigures {
  users: number;
  friendships: number;
  avgDegree: number;
  maxDegree?: number;
  loadMs: number;
  loadEventsPerSec: number;
  heapMb?: number;
  /** The whole graph's heap (users included) per friendship. */
  bytesPerEdge?: number;
  /** Heap the friendships add once the users are loaded, per adjacency entry (two per friendship). */
  bytesPerAdjacencyEntry?: number;
  /** Heap the users add before any friendship, per user. */
  bytesPerUser?: number;
  p50Ms: number;
  p99Ms: number;
  /** p99 over users of each user's fastest of three calls: the query's own cost, without preemption. */
  quietP99Ms?: number;
  hubP99Ms: number;
  qps: number;
  mutualP50Ms: number;
  mutualP99Ms: number;
  edgeUpdateUs: number;
  /** Mean per change of the median round of 200: without the pauses of a busy machine. */
  edgeUpdateQuietUs?: number;
  edgeUpdateP50Us?: number;
  edgeUpdateBatchedUs?: number;
  /** With `snapshot`: loading the graph's snapshot bytes into a new graph, and their size. */
  restoreMs?: number;
  snapshotMb?: number;
}

export async function measureMemoryGraph(ctx: BenchContext): Promise<void> {
  const { scale, avgDegree, samples } = ctx.profile;
  const curve: GraphFigures[] = [];
  for (const users of scale) {
    ctx.log(`graph (memory): ${users} users, average degree ${avgDegree}`);
    // The largest size also measures the graph's side of a restart from a snapshot.
    const f = await runWorker<GraphFigures>('memory-graph', { users, avgDegree, samples, qpsMs: ctx.options.quick ? 500 : 2000, snapshot: users === scale.at(-1) });
    ctx.log(`  p50 ${f.p50Ms} ms, p99 ${f.p99Ms} ms (best of 3 per user: ${f.quietP99Ms} ms), hubs p99 ${f.hubP99Ms} ms, ${f.qps} q/s, ${f.bytesPerEdge} bytes/edge (${f.bytesPerAdjacencyEntry} per adjacency entry + ${f.bytesPerUser} per user), edge update ${f.edgeUpdateUs} µs (median round ${f.edgeUpdateQuietUs} µs, p50 ${f.edgeUpdateP50Us} µs; in batches of 100 ${f.edgeUpdateBatchedUs} µs each), loaded in ${f.loadMs} ms`);
    curve.push(f);
  }
  const top = curve.at(-1)!;
  record(ctx, 'recommendation.users', top.users);
  record(ctx, 'recommendation.avgDegree', top.avgDegree);
  record(ctx, 'recommendation.friendships', top.friendships);
  record(ctx, 'recommendation.maxDegree', top.maxDegree);
  record(ctx, 'recommendation.memory', {
    p50Ms: top.p50Ms,
    p99Ms: top.p99Ms,
    quietP99Ms: top.quietP99Ms,
    hubP99Ms: top.hubP99Ms,
    qps: top.qps,
    bytesPerEdge: top.bytesPerEdge,
    bytesPerAdjacencyEntry: top.bytesPerAdjacencyEntry,
    bytesPerUser: top.bytesPerUser,
    heapMb: top.heapMb,
    edgeUpdateUs: top.edgeUpdateUs,
    edgeUpdateQuietUs: top.edgeUpdateQuietUs,
    edgeUpdateP50Us: top.edgeUpdateP50Us,
    edgeUpdateBatchedUs: top.edgeUpdateBatchedUs,
    loadEventsPerSec: top.loadEventsPerSec,
  });
  record(ctx, 'recommendation.mutual', { p50Ms: top.mutualP50Ms, p99Ms: top.mutualP99Ms });
  record(ctx, 'recommendation.scale', curve);
  if (top.restoreMs !== undefined) record(ctx, 'recommendation.memory.restoreMs', top.restoreMs);
  if (!ctx.options.quick) await measureMillionUsers(ctx, top);
}

const MILLION = 1_000_000;

/**
 * The scale point users ask about: a million users at the same average degree (25 million
 * friendships), beside the largest size of the curve. Full bench only: generating and loading it
 * takes minutes. restartMs is the graph's side of a restart (loading its snapshot's bytes into a
 * new graph), without reading them from the database.
 */
async function measureMillionUsers(ctx: BenchContext, beside: GraphFigures): Promise<void> {
  const { avgDegree, samples } = ctx.profile;
  ctx.log(`graph (memory): ${MILLION} users, average degree ${avgDegree} (generating and loading take a few minutes)`);
  const f = await runWorker<GraphFigures>('memory-graph', { users: MILLION, avgDegree, samples, qpsMs: 2000, snapshot: true });
  ctx.log(`  p99 ${f.p99Ms} ms (at ${beside.users}: ${beside.p99Ms} ms), hubs p99 ${f.hubP99Ms} ms (${beside.hubP99Ms} ms), ${f.bytesPerAdjacencyEntry} bytes per adjacency entry (${beside.bytesPerAdjacencyEntry}), loaded in ${(f.loadMs / 1000).toFixed(1)} s, snapshot ${f.snapshotMb} MB loaded in ${f.restoreMs} ms (${beside.restoreMs} ms)`);
  record(ctx, 'scale.users1m', {
    users: f.users,
    friendships: f.friendships,
    p99Ms: f.p99Ms,
    hubP99Ms: f.hubP99Ms,
    bytesPerAdjacencyEntry: f.bytesPerAdjacencyEntry,
    loadMs: f.loadMs,
    restartMs: f.restoreMs,
    snapshotMb: f.snapshotMb,
  });
}

export async function measureNeo4jGraph(ctx: BenchContext, env: Record<string, string | undefined>): Promise<void> {
  const users = ctx.profile.neo4jUsers;
  warn(ctx, `the Neo4j measurement clears the graph (User, Pair, GraphCheckpoint nodes) in ${env.NEO4J_URL} before and after: nothing else may use that database meanwhile`);
  ctx.log(`graph (neo4j): ${users} users, average degree ${ctx.profile.avgDegree}, loaded through Neo4jGraph.apply`);
  const f = await runWorker<GraphFigures>('neo4j-graph', { users, avgDegree: ctx.profile.avgDegree, samples: ctx.options.quick ? 100 : 500 }, env);
  ctx.log(`  p50 ${f.p50Ms} ms, p99 ${f.p99Ms} ms, hubs p99 ${f.hubP99Ms} ms, ${f.qps} q/s (8 in flight), loaded at ${f.loadEventsPerSec} events/s`);
  const memory = (ctx.results.recommendation as { scale?: GraphFigures[] } | undefined)?.scale?.find((s) => s.users === f.users);
  record(ctx, 'recommendation.neo4j', {
    ...f,
    ...(memory ? { p99VsMemory: Number((f.p99Ms / memory.p99Ms).toFixed(1)) } : {}),
  });
}
