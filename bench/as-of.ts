/**
 * What an answer as of a past instant (`asOf`) costs: `bun bench/as-of.ts` on PGlite in memory
 * (the all-in-one's log), `--postgres` on the PostgreSQL of `POSTGRES_ADMIN_URL` too (a throw-away
 * database, dropped after; `--postgres-only` skips PGlite). `--users N` (default 100k), `--degree D` (even, default 50).
 *
 * The log is written by SQL directly: every user created, then each user befriends D/2 others
 * (offsets j²·37, so every user ends with D friends and no pair twice), one event a second; every
 * tenth friendship is removed afterwards. Each query picks a random user and a random instant of
 * that history. Prints `asOf.p50Ms`/`asOf.p99Ms` for recommendFriends and findMutualFriends, and,
 * for comparison, what rebuilding the whole graph from the log (the alternative design) costs once.
 */
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { classify, MemoryGraph, recommendationMigrationsFolder } from '../src/modules/recommendation';
import { readLog } from '../src/modules/recommendation/projecting-events/event-log';
import { PastAnswers } from '../src/modules/recommendation/querying-the-past/past-answers';
import type { Database } from '../src/platform/db/database';
import { openEmbeddedDatabase } from '../src/platform/db/embedded';
import { openPostgresDatabase } from '../src/platform/db/postgres';
import { silentLogger } from '../src/platform/log';
import { mulberry32 } from '../test/kits/random';
import { freshDatabaseUrl } from '../test/kits/postgres';

const arg = (name: string, fallback: number) => (process.argv.includes(name) ? Number(process.argv[process.argv.indexOf(name) + 1]) : fallback);
const N = arg('--users', 100_000);
const HALF = arg('--degree', 50) / 2;
const QUERIES = arg('--queries', 500);
const BASE = Date.parse('2026-01-01T00:00:00Z');

const insert = `insert into received_events (event_id, topic, stream_id, stream_version, type, schema_version, data, metadata, occurred_at, received_at)`;
const at = (seconds: string) => `timestamptz '${new Date(BASE).toISOString()}' + (${seconds}) * interval '1 second'`;

async function seed(db: Database['db']): Promise<{ events: number; lastSecond: number }> {
  await db.execute(sql.raw(`${insert} select gen_random_uuid(), 'user-events', 'user-' || i, 1, 'UserCreated', 1,
    jsonb_build_object('userId', i, 'firstName', 'F' || i, 'lastName', 'L'), '{}', ${at('i')}, now() from generate_series(1, ${N}) i`));
  const pairs = `select i a, ((i - 1 + j * j * 37) % ${N}) + 1 b, (j - 1) * ${N} + i n from generate_series(1, ${N}) i, generate_series(1, ${HALF}) j`;
  // One statement per offset keeps each insert (and PGlite's memory) small.
  for (let j = 1; j <= HALF; j++) {
    await db.execute(sql.raw(`${insert} select gen_random_uuid(), 'friend-events', 'friendship-' || least(a, b) || '-' || greatest(a, b), 1, 'FriendAdded', 1,
      jsonb_build_object('friendshipId', n, 'userId', a, 'friendId', b), '{}', ${at(`${N} + n`)}, now() from (${pairs}) p where n > ${(j - 1) * N} and n <= ${j * N}`));
  }
  const friendships = N * HALF;
  await db.execute(sql.raw(`${insert} select gen_random_uuid(), 'friend-events', 'friendship-' || least(a, b) || '-' || greatest(a, b), 2, 'FriendRemoved', 1,
    jsonb_build_object('friendshipId', n, 'userId', a, 'friendId', b), '{}', ${at(`${N + friendships} + n / 10`)}, now() from (${pairs}) p where n % 10 = 0`));
  await db.execute(sql`analyze received_events`);
  return { events: N + friendships + friendships / 10, lastSecond: N + friendships + friendships / 10 };
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
const round = (ms: number) => Math.round(ms * 100) / 100;

async function latencies(work: (random: () => number) => Promise<unknown>): Promise<{ p50Ms: number; p99Ms: number }> {
  const random = mulberry32(42);
  for (let i = 0; i < 20; i++) await work(random); // warm-up: JIT, plan cache
  const ms: number[] = [];
  for (let i = 0; i < QUERIES; i++) {
    const start = performance.now();
    await work(random);
    ms.push(performance.now() - start);
  }
  ms.sort((a, b) => a - b);
  return { p50Ms: round(percentile(ms, 0.5)), p99Ms: round(percentile(ms, 0.99)) };
}

async function measure(engine: string, database: Database) {
  const seedStart = performance.now();
  const { events, lastSecond } = await seed(database.db);
  console.log(`${engine}: ${N} users, ${N * HALF} friendships, ${events} log rows written in ${Math.round((performance.now() - seedStart) / 1000)} s`);
  const past = new PastAnswers(database.db);
  const instant = (random: () => number) => new Date(BASE + Math.floor(random() * lastSecond) * 1000);
  const user = (random: () => number) => 1 + Math.floor(random() * N);
  const recommend = await latencies((random) => past.recommendFriends(user(random), instant(random), 100));
  const mutual = await latencies((random) => {
    const a = user(random);
    return past.mutualFriends(a, ((a - 1 + 37) % N) + 1, instant(random), 100);
  });
  // The alternative: a graph of the whole log up to the instant (here the latest, the worst case).
  const rebuildStart = performance.now();
  const graph = new MemoryGraph();
  for (let after = 0; ; ) {
    const page = await readLog(database.db, after, 5000);
    if (page.events.length === 0) break;
    await graph.apply(page.events.flatMap((e) => { const c = classify(e); return c.ok ? [c.event] : []; }));
    after = page.last;
  }
  const rebuildMs = Math.round(performance.now() - rebuildStart);
  console.log(JSON.stringify({ engine, users: N, degree: HALF * 2, queries: QUERIES, 'asOf.recommendFriends': recommend, 'asOf.mutualFriends': mutual, 'asOf.p99Ms': recommend.p99Ms, wholeLogRebuildMs: rebuildMs }));
}

if (!process.argv.includes('--postgres-only')) {
  const database = await openEmbeddedDatabase({ migrationsFolder: recommendationMigrationsFolder, label: 'recommendation' });
  try {
    await measure('PGlite in memory', database);
  } finally {
    await database.close();
  }
}

const adminUrl = process.env.POSTGRES_ADMIN_URL;
if (process.argv.includes('--postgres') || process.argv.includes('--postgres-only')) {
  if (!adminUrl) throw new Error('--postgres needs POSTGRES_ADMIN_URL (source .infra/env after `bun run infra:up`)');
  const url = await freshDatabaseUrl(adminUrl, 'as_of_bench');
  const database = await openPostgresDatabase({ url, migrationsFolder: recommendationMigrationsFolder, log: silentLogger });
  try {
    await measure('PostgreSQL', database);
  } finally {
    await database.close();
    const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
    await admin.unsafe(`drop database if exists ${new URL(url).pathname.slice(1)}`);
    await admin.end();
  }
}
