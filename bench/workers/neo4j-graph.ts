/**
 * Recommendation figures of the Neo4j adapter: the synthetic graph is loaded through
 * Neo4jGraph.apply in batches, as the consumer applies events, then queried, then cleared.
 * It clears the graph's labels before and after: run it only on a database nothing else uses.
 *
 *   bun bench/workers/neo4j-graph.ts '{"users":10000,"avgDegree":50,"samples":300}'  (NEO4J_URL, NEO4J_USER, NEO4J_PASSWORD)
 */
import { silentLogger } from '../../src/platform/log';
import { openNeo4jGraph } from '../../src/modules/recommendation';
import { mulberry32 } from '../../scripts/lib/random';
import { callLatency } from '../lib/call-latency';
import { friendship, graphEventBatches } from '../lib/envelopes';
import { hubs, syntheticGraph } from '../lib/synthetic-graph';

const params = { users: 10_000, avgDegree: 50, samples: 300, seed: 42, batch: 5000, ...JSON.parse(process.argv[2] ?? '{}') };
const LIMIT = 100;
const { NEO4J_URL: url, NEO4J_USER: user = 'neo4j', NEO4J_PASSWORD: password = '' } = process.env;
if (!url) throw new Error('NEO4J_URL is not set');

const shape = syntheticGraph({ users: params.users, avgDegree: params.avgDegree, seed: params.seed });
const edges = shape.pairs.length / 2;
const random = mulberry32(params.seed + 1);
const anyUser = () => 1 + Math.floor(random() * params.users);
const anyEdge = () => Math.floor(random() * edges);

const graph = await openNeo4jGraph({ url, user, password }, silentLogger);
try {
  await graph.clear();
  const loadStart = performance.now();
  for (const batch of graphEventBatches(params.users, shape.pairs, params.batch)) await graph.apply(batch);
  const loadMs = performance.now() - loadStart;

  const time = (calls: number, call: (i: number) => Promise<unknown>, warmUp = Math.min(50, calls)) => callLatency(calls, call, warmUp);
  const recommend = await time(params.samples, () => graph.recommendFriends(anyUser(), LIMIT));
  const top = hubs(shape.degrees, 100);
  const hub = await time(top.length, (i) => graph.recommendFriends(top[i]!, LIMIT), 10);
  const mutual = await time(params.samples, () => {
    const e = anyEdge();
    return graph.mutualFriends(shape.pairs[2 * e]!, shape.pairs[2 * e + 1]!, LIMIT);
  });
  // Throughput with 8 queries in flight: the driver pools connections and Neo4j runs them in parallel.
  let calls = 0;
  const qpsStart = performance.now();
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (performance.now() - qpsStart < 2000) {
        await graph.recommendFriends(anyUser(), LIMIT);
        calls++;
      }
    }),
  );
  const qps = calls / ((performance.now() - qpsStart) / 1000);
  const stats = await graph.stats(); // before the edge updates below leave some pairs removed
  const versions = new Map<number, number>();
  const update = await time(Math.min(200, params.samples), () => {
    const e = anyEdge();
    const version = (versions.get(e) ?? 1) + 1;
    versions.set(e, version);
    return graph.apply([friendship(shape.pairs[2 * e]!, shape.pairs[2 * e + 1]!, version, version % 2 === 1)]);
  }, 0);
  const r = (x: number, d = 3) => Number(x.toFixed(d));
  console.log(
    JSON.stringify({
      users: stats.users,
      friendships: stats.friendships,
      loadMs: Math.round(loadMs),
      loadEventsPerSec: Math.round((params.users + edges) / (loadMs / 1000)),
      p50Ms: r(recommend.p50),
      p99Ms: r(recommend.p99),
      hubP99Ms: r(hub.p99),
      qps: Math.round(qps),
      mutualP50Ms: r(mutual.p50),
      mutualP99Ms: r(mutual.p99),
      edgeUpdateUs: r(update.mean * 1000, 1),
    }),
  );
} finally {
  await graph.clear();
  await graph.close();
}
