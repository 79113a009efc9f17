/**
 * Resident memory of the all-in-one: idle right after start, and holding the headline graph.
 * The graph gets there as after a restart: its events are written into the recommendation log
 * (bench/lib/preseed.ts) and the process rebuilds the graph from the log at start.
 */
import { join } from 'node:path';
import { sizeOf } from '../lib/log-size';
import { preseedRecommendationLog } from '../lib/preseed';
import { peakRssMb, rssMb, startAllInOne, type AllInOne } from '../lib/processes';
import { stopGracefully } from '../../test/kits/processes';
import { syntheticGraph } from '../lib/synthetic-graph';
import { record, round, type BenchContext } from './context';
import { LOADED, measureLogSize, measureRestart } from './restart';

/** RSS a moment after start, once start-up garbage had a chance to be collected. */
export async function settledRss(pid: number): Promise<number> {
  await Bun.sleep(2000);
  return rssMb(pid);
}

export async function recordIdleRss(ctx: BenchContext, aio: AllInOne): Promise<void> {
  const rss = await settledRss(aio.proc.pid!);
  ctx.log(`memory: all-in-one idle RSS ${rss.toFixed(0)} MB (started in ${(aio.startMs / 1000).toFixed(1)} s)`);
  record(ctx, 'memory.allInOneIdleRssMb', round(rss, 1));
  record(ctx, 'memory.allInOneFirstStartMs', Math.round(aio.startMs));
}

export async function measureLoadedAllInOne(ctx: BenchContext): Promise<void> {
  const users = ctx.profile.loadedUsers;
  const dataDir = join(ctx.runDir, 'data-loaded');
  ctx.log(`memory: all-in-one holding a ${users}-user graph (average degree ${ctx.profile.avgDegree}), rebuilt from its log at start`);
  const graph = syntheticGraph({ users, avgDegree: ctx.profile.avgDegree });
  const seeded = await preseedRecommendationLog(dataDir, graph, ctx.log);
  ctx.log(`  wrote ${seeded.events} events into the recommendation log in ${(seeded.ms / 1000).toFixed(1)} s`);
  const logFile = join(ctx.runDir, 'logs/all-in-one-loaded.log');
  const aio = await startAllInOne(dataDir, logFile, LOADED);
  try {
    const peak = peakRssMb(aio.proc.pid!);
    const rss = await settledRss(aio.proc.pid!);
    ctx.log(`  started (graph rebuilt from the whole log) in ${(aio.startMs / 1000).toFixed(1)} s; RSS ${rss.toFixed(0)} MB (start-up peak ${peak.toFixed(0)} MB)`);
    record(ctx, 'memory.allInOneLoadedRssMb', round(rss, 1));
    record(ctx, 'memory.allInOneLoadedStartRssMb', round(peak, 1));
    record(ctx, 'memory.allInOneLoadedUsers', users);
    record(ctx, 'memory.allInOneLoadedEvents', seeded.events);
    record(ctx, 'memory.allInOneRebuildStartMs', Math.round(aio.startMs));
    await measureRestart(ctx, { aio, logFile }, dataDir, 'restart');
    record(ctx, 'restart.events', seeded.events);
    // For scale: the log on disk. PGlite does not hold it in memory (opening and scanning the 1.8 GB
    // log of 100k users took ~270 MB RSS, as an empty database does); the rebuild's garbage does.
    record(ctx, 'memory.recommendationDataDirMb', round(sizeOf(join(dataDir, 'recommendation')) / 2 ** 20, 1));
    await measureLogSize(ctx, dataDir, 'recommendation.log');
  } finally {
    await stopGracefully(aio.proc);
  }
}
