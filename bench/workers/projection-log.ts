/**
 * The projection suite's worker: writes a recommendation log (lib/recommendation-log.ts) into
 * PGlite in memory (the all-in-one's engine) or a throw-away PostgreSQL database, then times
 *  - `asOf`: recommendFriends and findMutualFriends as of random instants of that history, for
 *    random users, through the code the route runs (PastAnswers), without HTTP;
 *  - with `rebuild`: the module's online rebuild of the in-memory graph from that log (the replay
 *    loop start-up and audits use too), progress read from the rebuild itself.
 * Progress goes to stderr as `progress: ...` lines; the figures as one JSON line on stdout.
 */
import postgres from 'postgres';
import { createRecommendationModule, recommendationMigrationsFolder } from '../../src/modules/recommendation';
import { PastAnswers } from '../../src/modules/recommendation/querying-the-past/past-answers';
import type { Database } from '../../src/platform/db/database';
import { openEmbeddedDatabase } from '../../src/platform/db/embedded';
import { openPostgresDatabase } from '../../src/platform/db/postgres';
import { InProcessBus } from '../../src/platform/events/in-process-bus';
import { silentLogger } from '../../src/platform/log';
import { mulberry32 } from '../../test/kits/random';
import { freshDatabaseUrl } from '../../test/kits/postgres';
import { LOG_START, seedRecommendationLog } from '../lib/recommendation-log';

interface Params {
  engine: 'pglite' | 'postgres';
  /** PostgreSQL: the admin URL a throw-away database is created (and dropped) with. */
  adminUrl?: string;
  users: number;
  degree: number;
  queries: number;
  rebuild: boolean;
}

const params = JSON.parse(process.argv[2]!) as Params;
const progress = (line: string) => void process.stderr.write(`progress: ${line}\n`);
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
const round = (ms: number) => Math.round(ms * 100) / 100;

async function latencies(label: string, work: (random: () => number) => Promise<unknown>): Promise<{ p50Ms: number; p99Ms: number; maxMs: number }> {
  const random = mulberry32(42);
  for (let i = 0; i < 20; i++) await work(random); // warm-up: JIT, plan cache
  const ms: number[] = [];
  for (let i = 0; i < params.queries; i++) {
    const start = performance.now();
    await work(random);
    ms.push(performance.now() - start);
    if ((i + 1) % Math.max(1, Math.round(params.queries / 4)) === 0) progress(`${label}: ${i + 1} of ${params.queries} queries`);
  }
  ms.sort((a, b) => a - b);
  return { p50Ms: round(percentile(ms, 0.5)), p99Ms: round(percentile(ms, 0.99)), maxMs: round(ms.at(-1)!) };
}

async function rebuild(database: Database) {
  const module = createRecommendationModule({ database, bus: new InProcessBus(), log: silentLogger, admin: { openWithoutToken: true } });
  const ticker = setInterval(() => {
    const p = module.operations.rebuilder.progress();
    if (p.running) progress(`rebuilding: ${p.done} of ${p.total} events, ${p.eventsPerSec}/s, ETA ${p.etaSeconds ?? '?'} s`);
  }, 2000);
  try {
    const started = performance.now();
    const { events } = await module.rebuild();
    const seconds = (performance.now() - started) / 1000;
    return { events, seconds: round(seconds), eventsPerSec: Math.round(events / seconds) };
  } finally {
    clearInterval(ticker);
    await module.stop();
  }
}

async function measure(database: Database) {
  const seedStart = performance.now();
  const { events, lastSecond } = await seedRecommendationLog(database.db, params.users, params.degree, progress);
  const seedSeconds = round((performance.now() - seedStart) / 1000);
  progress(`${events} log rows written in ${seedSeconds} s`);
  const past = new PastAnswers(database.db);
  const instant = (random: () => number) => new Date(LOG_START + Math.floor(random() * lastSecond) * 1000);
  const user = (random: () => number) => 1 + Math.floor(random() * params.users);
  const recommend = await latencies('asOf recommendFriends', (random) => past.recommendFriends(user(random), instant(random), 100));
  const mutual = await latencies('asOf findMutualFriends', (random) => {
    const a = user(random);
    return past.mutualFriends(a, ((a - 1 + 37) % params.users) + 1, instant(random), 100);
  });
  return { events, seedSeconds, asOf: { recommendFriends: recommend, mutualFriends: mutual }, ...(params.rebuild ? { rebuild: await rebuild(database) } : {}) };
}

if (params.engine === 'pglite') {
  const database = await openEmbeddedDatabase({ migrationsFolder: recommendationMigrationsFolder, label: 'recommendation' });
  try {
    console.log(JSON.stringify(await measure(database)));
  } finally {
    await database.close();
  }
} else {
  const url = await freshDatabaseUrl(params.adminUrl!, 'projection_bench');
  const database = await openPostgresDatabase({ url, migrationsFolder: recommendationMigrationsFolder, log: silentLogger });
  try {
    console.log(JSON.stringify(await measure(database)));
  } finally {
    await database.close();
    const admin = postgres(params.adminUrl!, { max: 1, onnotice: () => {} });
    await admin.unsafe(`drop database if exists ${new URL(url).pathname.slice(1)}`);
    await admin.end();
  }
}
