/**
 * The recommendation log at scale (100k users, 2.85M events in the full run): what an answer as of
 * a past instant costs (`asOf.*`), and how fast the projection is rebuilt from the log
 * (`projection.rebuildEventsPerSec`). One log serves both, written in a worker process.
 */
import { record, runWorker, type BenchContext } from './context';

type Latency = { p50Ms: number; p99Ms: number; maxMs: number };
interface Figures {
  events: number;
  seedSeconds: number;
  asOf: { recommendFriends: Latency; mutualFriends: Latency };
  rebuild?: { events: number; seconds: number; eventsPerSec: number };
}

export type LogEngine = { engine: 'pglite' } | { engine: 'postgres'; adminUrl: string };

/** PGlite: asOf and the rebuild; PostgreSQL (distributed runs): asOf only, under `asOf.postgres`. */
export async function measureProjectionLog(ctx: BenchContext, engine: LogEngine): Promise<void> {
  const { logUsers: users, logDegree: degree, asOfQueries: queries } = ctx.profile;
  const rebuild = engine.engine === 'pglite';
  ctx.log(`projection log (${engine.engine}): ${users} users, degree ${degree}; asOf ×${queries}${rebuild ? ', then a rebuild of the memory graph' : ''}`);
  const f = await runWorker<Figures>('projection-log', { ...engine, users, degree, queries, rebuild }, process.env, (line) => ctx.log(`  ${line}`));
  const r = f.asOf.recommendFriends;
  const m = f.asOf.mutualFriends;
  ctx.log(`  asOf recommendFriends p50 ${r.p50Ms} ms, p99 ${r.p99Ms} ms; findMutualFriends p50 ${m.p50Ms} ms, p99 ${m.p99Ms} ms (${f.events} events, written in ${f.seedSeconds} s)`);
  const prefix = rebuild ? 'asOf' : 'asOf.postgres';
  record(ctx, prefix, { users, degree, events: f.events, queries, p50Ms: r.p50Ms, p99Ms: r.p99Ms, maxMs: r.maxMs, mutualP50Ms: m.p50Ms, mutualP99Ms: m.p99Ms });
  if (f.rebuild) {
    ctx.log(`  rebuild: ${f.rebuild.events} events in ${f.rebuild.seconds} s, ${f.rebuild.eventsPerSec} events/s`);
    // Key by key: `projection` also holds the apply rate and the burst figures of projection.ts.
    const rebuilt = { events: f.rebuild.events, seconds: f.rebuild.seconds, rebuildEventsPerSec: f.rebuild.eventsPerSec, graph: 'memory', log: 'pglite' };
    for (const [key, value] of Object.entries(rebuilt)) record(ctx, `projection.${key}`, value);
  }
}
