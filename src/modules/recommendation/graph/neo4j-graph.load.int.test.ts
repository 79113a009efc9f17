import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { silentLogger } from '../../../platform/log';
import { eventFactory, seededRandom } from '../../../../test/kits/recommendation/events';
import { MemoryGraph } from './memory-graph';
import { Neo4jGraph } from './neo4j-graph';
import type { GraphEvent, SocialGraph } from './social-graph';

// Set by `bun run infra:up` in .infra/env. The test clears the graph's labels: use a test database.
const { NEO4J_URL: url, NEO4J_USER: user = 'neo4j', NEO4J_PASSWORD: password = '' } = process.env;
const connection = url ? { url, user, password } : undefined;
const skipped = connection ? '' : ' (SKIPPED: NEO4J_URL is not set; run `bun run infra:up` and `source .infra/env`)';

const USERS = 2000;
const DEGREE = 20;
const BATCH = 1000;

/** USERS users with DEGREE friends on average, chosen at random; the events a bus would carry. */
function socialNetwork(): GraphEvent[] {
  const e = eventFactory();
  const random = seededRandom(42);
  const events: GraphEvent[] = Array.from({ length: USERS }, (_, i) => e.userCreated(i + 1));
  const linked = new Set<number>();
  while (linked.size < (USERS * DEGREE) / 2) {
    const a = 1 + Math.floor(random() * USERS);
    const b = 1 + Math.floor(random() * USERS);
    const key = Math.min(a, b) * 1e5 + Math.max(a, b);
    if (a === b || linked.has(key)) continue;
    linked.add(key);
    events.push(e.friendAdded(a, b));
  }
  return events;
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

async function latencies(run: (id: number) => Promise<unknown>, n: number): Promise<{ p50: number; p99: number; max: number }> {
  const random = seededRandom(7);
  for (let i = 0; i < 100; i++) await run(1 + Math.floor(random() * USERS)); // warm-up: plans cached, pages in memory
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const id = 1 + Math.floor(random() * USERS);
    const start = performance.now();
    await run(id);
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  const round = (ms: number) => Math.round(ms * 100) / 100;
  return { p50: round(percentile(times, 50)), p99: round(percentile(times, 99)), max: round(times.at(-1)!) };
}

async function throughput(run: (id: number) => Promise<unknown>, total: number, concurrency: number): Promise<number> {
  let next = 0;
  const start = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < total) await run(1 + ((next++ * 7919) % USERS));
  }));
  return Math.round(total / ((performance.now() - start) / 1000));
}

describe.skipIf(!connection)(`Neo4jGraph under load: ${USERS} users, average degree ${DEGREE}${skipped}`, () => {
  let graph: Neo4jGraph;
  const reference = new MemoryGraph();
  const events = socialNetwork();

  beforeAll(async () => {
    graph = new Neo4jGraph(connection!, silentLogger);
    await graph.init();
    await graph.clear();
    await reference.apply(events);
  });
  afterAll(async () => {
    await graph.clear();
    await graph.close();
  });

  test('loads through apply() in bus-sized batches, then answers like MemoryGraph', async () => {
    const start = performance.now();
    for (let i = 0; i < events.length; i += BATCH) await graph.apply(events.slice(i, i + BATCH));
    const seconds = (performance.now() - start) / 1000;
    console.log(`[neo4j load] ${events.length} events in batches of ${BATCH}: ${seconds.toFixed(2)} s, ${Math.round(events.length / seconds)} events/s`);
    expect(await graph.stats()).toEqual({ users: USERS, friendships: (USERS * DEGREE) / 2 });
    for (const id of [1, 500, 1999]) expect(await graph.recommendFriends(id, 100)).toEqual(await reference.recommendFriends(id, 100));
  }, 300_000);

  test('reports query latency and throughput', async () => {
    const report = async (name: string, g: SocialGraph) => {
      const recommend = (id: number) => g.recommendFriends(id, 100);
      const mutual = (id: number) => g.mutualFriends(id, 1 + ((id * 31) % USERS), 100);
      console.log(`[${name}] recommendFriends latency ms`, await latencies(recommend, 1000), 'req/s at 16 in flight', await throughput(recommend, 4000, 16));
      console.log(`[${name}] mutualFriends latency ms`, await latencies(mutual, 1000), 'req/s at 16 in flight', await throughput(mutual, 4000, 16));
    };
    await report('neo4j', graph);
    await report('memory', reference);
  }, 300_000);
});
