/**
 * Recommendation figures of the in-memory graph at one size, in a process of its own so that the
 * heap measured holds this graph and nothing else. Prints one JSON object on stdout.
 *
 *   bun bench/workers/memory-graph.ts '{"users":100000,"avgDegree":50,"samples":2000,"qpsMs":1000,"snapshot":true}'
 */
import { heapStats } from 'bun:jsc';
import { MemoryGraph } from '../../src/modules/recommendation/graph/memory-graph';
import { decodeSnapshot, encodeSnapshot } from '../../src/modules/recommendation/graph-lifecycle/snapshot-codec';
import { mulberry32 } from '../../scripts/lib/random';
import { Samples } from '../../scripts/load-lib/percentiles';
import { callLatency } from '../lib/call-latency';
import { friendship, graphEventBatches } from '../lib/envelopes';
import { hubs, syntheticGraph } from '../lib/synthetic-graph';

const params = { users: 10_000, avgDegree: 50, samples: 2000, qpsMs: 1000, edgeUpdates: 2000, seed: 42, ...JSON.parse(process.argv[2] ?? '{}') };
const LIMIT = 100; // the HTTP default page

const heap = () => {
  Bun.gc(true);
  return heapStats().heapSize;
};

const shape = syntheticGraph({ users: params.users, avgDegree: params.avgDegree, seed: params.seed });
const edges = shape.pairs.length / 2;
const random = mulberry32(params.seed + 1);
const anyUser = () => 1 + Math.floor(random() * params.users);
const anyEdge = () => Math.floor(random() * edges);

// The users first, then the friendships, with the heap measured in between: the whole graph per
// friendship (bytesPerEdge, as ever), and apart from it what the users cost and what each of the
// two adjacency entries of a friendship costs (its link and its stream's version included).
const heapBefore = heap();
const graph = new MemoryGraph();
let loadMs = 0;
const load = async (users: number, pairs: Int32Array) => {
  const start = performance.now();
  for (const batch of graphEventBatches(users, pairs, 10_000)) await graph.apply(batch);
  loadMs += performance.now() - start;
};
await load(params.users, new Int32Array(0));
const heapWithUsers = heap();
await load(0, shape.pairs);
const heapAfter = heap();

/** Per-call latency in ms; the first calls only let the JIT settle. */
const time = (calls: number, call: (i: number) => Promise<unknown>, warmUp = Math.min(200, calls)) => callLatency(calls, call, warmUp);

/**
 * The same users, each asked three times, keeping the fastest: the query's own cost for that
 * user (heavy users stay heavy) without the pauses that other processes on a busy machine, or a
 * GC cycle, add to a single call. The wall-clock p99 above is the one a client sees.
 */
async function quietP99(users: number[]): Promise<number> {
  const best = new Samples();
  for (const id of users) {
    let fastest = Infinity;
    for (let k = 0; k < 3; k++) {
      const start = performance.now();
      await graph.recommendFriends(id, LIMIT);
      fastest = Math.min(fastest, performance.now() - start);
    }
    best.push(fastest);
  }
  return best.summary().p99;
}

const recommend = await time(params.samples, () => graph.recommendFriends(anyUser(), LIMIT));
const quiet = await quietP99(Array.from({ length: params.samples }, anyUser));
const top = hubs(shape.degrees, 100);
const hub = await time(top.length * 5, (i) => graph.recommendFriends(top[i % top.length]!, LIMIT), top.length);
const mutual = await time(params.samples, () => {
  const e = anyEdge();
  return graph.mutualFriends(shape.pairs[2 * e]!, shape.pairs[2 * e + 1]!, LIMIT);
});

// Throughput: back-to-back calls on one thread, as one recommendation instance serves them.
let calls = 0;
const qpsStart = performance.now();
while (performance.now() - qpsStart < params.qpsMs) {
  for (let i = 0; i < 50; i++) await graph.recommendFriends(anyUser(), LIMIT);
  calls += 50;
}
const qps = calls / ((performance.now() - qpsStart) / 1000);

// A live change: an existing friendship removed, or a removed one added back (the next version of
// its stream), each one apply() of one event as the consumer does it. Hub edges cost a scan of the
// hub's list. The envelopes are built beforehand: building one (a UUID, a stream id) is not part of
// applying it, and took ~0.1-0.2 µs, a large share of the figure. A first round on other edges
// brings the update path to the state it has in a service that has been applying events for a
// while: otherwise the figure also measures the JIT compiling it.
const versions = new Map<number, number>();
const changes = (count: number) =>
  Array.from({ length: count }, () => {
    const e = anyEdge();
    const version = (versions.get(e) ?? 1) + 1;
    versions.set(e, version);
    return [friendship(shape.pairs[2 * e]!, shape.pairs[2 * e + 1]!, version, version % 2 === 1)];
  });
for (const change of changes(params.edgeUpdates)) await graph.apply(change);
const updates = new Samples();
for (const change of changes(params.edgeUpdates)) {
  const start = performance.now();
  await graph.apply(change);
  updates.push(performance.now() - start);
}
const update = updates.summary();
// The same changes in rounds of 200, the median round's mean: what a change costs without the
// pauses that other processes on a busy machine, or a GC cycle, add to a few rounds (one 5 ms
// preemption adds 2.5 µs to the mean of 2000 changes). The target is judged on the plain mean.
const roundMeans = [];
for (let i = 0; i + 200 <= updates.length; i += 200) roundMeans.push(updates.values().subarray(i, i + 200).reduce((sum, x) => sum + x, 0) / 200);
const quietUpdateMs = roundMeans.sort((x, y) => x - y)[roundMeans.length >> 1]!;
// The same kind of changes as the projection receives them under load: batches of 100 events (a
// bus delivery), one apply() each. The mean per change, without one promise and two clock reads
// per change: what the graph structure itself costs.
const BATCH = 100;
const batched = changes(params.edgeUpdates).flat();
let batchedMs = 0;
for (let i = 0; i < batched.length; i += BATCH) {
  const batch = batched.slice(i, i + BATCH);
  const start = performance.now();
  await graph.apply(batch);
  batchedMs += performance.now() - start;
}
// Leave every touched pair linked again, so the graph ends as it started (and stats agree).
for (const [e, version] of versions) if (version % 2 === 0) await graph.apply([friendship(shape.pairs[2 * e]!, shape.pairs[2 * e + 1]!, version + 1, true)]);

/**
 * With `snapshot`: the graph's side of a restart from a snapshot, without the database: taking the
 * image (the projector waits that long), encoding it, and decoding it into a new graph (what a
 * restart does once it has read the bytes). The loaded graph must answer like the original.
 */
async function snapshotFigures() {
  let start = performance.now();
  const image = graph.image();
  const imageMs = performance.now() - start;
  const bytes = encodeSnapshot(image, 1);
  const encodeMs = performance.now() - start - imageMs;
  start = performance.now();
  const loaded = MemoryGraph.fromImage(decodeSnapshot(bytes).image);
  const restoreMs = performance.now() - start;
  for (let i = 0; i < 20; i++) {
    const id = anyUser();
    if (JSON.stringify(await loaded.recommendFriends(id, LIMIT)) !== JSON.stringify(await graph.recommendFriends(id, LIMIT))) throw new Error(`the graph loaded from its snapshot answers user ${id} differently`);
  }
  return { snapshotImageMs: Math.round(imageMs), snapshotEncodeMs: Math.round(encodeMs), snapshotMb: Number((bytes.length / 2 ** 20).toFixed(1)), restoreMs: Math.round(restoreMs) };
}
const snapshot = params.snapshot ? await snapshotFigures() : {};

const stats = await graph.stats();
const round = (x: number, digits = 4) => Number(x.toFixed(digits));
console.log(
  JSON.stringify({
    users: stats.users,
    friendships: stats.friendships,
    avgDegree: round((2 * stats.friendships) / stats.users, 2),
    maxDegree: shape.degrees[top[0]!]!,
    loadMs: Math.round(loadMs),
    loadEventsPerSec: Math.round((params.users + edges) / (loadMs / 1000)),
    heapMb: round((heapAfter - heapBefore) / 2 ** 20, 1),
    bytesPerEdge: round((heapAfter - heapBefore) / stats.friendships, 1),
    bytesPerAdjacencyEntry: round((heapAfter - heapWithUsers) / (2 * stats.friendships), 2),
    bytesPerUser: round((heapWithUsers - heapBefore) / stats.users, 1),
    p50Ms: round(recommend.p50),
    p99Ms: round(recommend.p99),
    quietP99Ms: round(quiet),
    maxMs: round(recommend.max),
    hubP99Ms: round(hub.p99),
    qps: Math.round(qps),
    mutualP50Ms: round(mutual.p50),
    mutualP99Ms: round(mutual.p99),
    edgeUpdateUs: round(update.mean * 1000, 2),
    edgeUpdateP50Us: round(update.p50 * 1000, 2),
    edgeUpdateP99Us: round(update.p99 * 1000, 2),
    edgeUpdateQuietUs: round(quietUpdateMs * 1000, 2),
    edgeUpdateBatchedUs: round((batchedMs * 1000) / batched.length, 3),
    ...snapshot,
  }),
);
