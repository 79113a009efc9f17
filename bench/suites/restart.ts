/**
 * Restart of an all-in-one holding a large graph: the first start replays the whole log and then
 * snapshots the graph in the background; a restart loads the snapshot and replays only the log
 * after it. Also what the log takes on disk, per event and by part.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { recommendationLogSize } from '../lib/log-size';
import { peakRssMb, startAllInOne, type AllInOne } from '../lib/processes';
import { stopGracefully } from '../../test/kits/processes';
import { record, round, type BenchContext } from './context';

const SNAPSHOT_WAIT_MS = 10 * 60_000;

/** A start that replays millions of events: info lines (start-up, snapshots) and time enough on a busy machine. */
export const LOADED = { logLevel: 'info', timeoutMs: 15 * 60_000 };

/** Waits for the running all-in-one to log that its graph snapshot is saved; returns that line. */
async function snapshotSaved(ctx: BenchContext, aio: AllInOne, logFile: string): Promise<Record<string, number>> {
  const deadline = Date.now() + SNAPSHOT_WAIT_MS;
  let waited = 0;
  while (Date.now() < deadline) {
    const line = readFileSync(logFile, 'utf8').split('\n').find((l) => l.includes('"graph snapshot saved"'));
    if (line) return JSON.parse(line);
    if (aio.proc.exitCode !== null) throw new Error('the all-in-one exited before saving a snapshot');
    await Bun.sleep(500);
    if (++waited % 20 === 0) ctx.log(`  waiting for the graph snapshot (${waited / 2} s)`);
  }
  throw new Error(`no graph snapshot saved after ${SNAPSHOT_WAIT_MS / 1000} s`);
}

/**
 * Given an all-in-one just started on `dataDir` (it replayed the whole log): waits for its
 * snapshot, stops it, starts it again and records the restart under `prefix`.
 */
export async function measureRestart(ctx: BenchContext, first: { aio: AllInOne; logFile: string }, dataDir: string, prefix: string): Promise<{ startMs: number; peakRssMb: number }> {
  const saved = await snapshotSaved(ctx, first.aio, first.logFile);
  ctx.log(`  snapshot saved: ${(saved.bytes! / 2 ** 20).toFixed(1)} MB at log position ${saved.position}, ${saved.ms} ms (the projector waited ${saved.heldMs} ms)`);
  await stopGracefully(first.aio.proc);
  const again = await startAllInOne(dataDir, join(ctx.runDir, `logs/${prefix.replace(/\W/g, '-')}-restart.log`), LOADED);
  const peak = peakRssMb(again.proc.pid!);
  await stopGracefully(again.proc);
  ctx.log(`  restarted from the snapshot in ${(again.startMs / 1000).toFixed(1)} s, start-up peak RSS ${peak.toFixed(0)} MB`);
  record(ctx, `${prefix}.startMs`, Math.round(again.startMs));
  record(ctx, `${prefix}.peakRssMb`, round(peak, 1));
  record(ctx, `${prefix}.snapshotMb`, round(saved.bytes! / 2 ** 20, 1));
  record(ctx, `${prefix}.snapshotHeldMs`, saved.heldMs);
  return { startMs: again.startMs, peakRssMb: peak };
}

/** The recommendation log's size on disk of a stopped all-in-one's data directory. */
export async function measureLogSize(ctx: BenchContext, dataDir: string, prefix: string): Promise<void> {
  const size = await recommendationLogSize(join(dataDir, 'recommendation'));
  const parts = Object.entries(size.parts).map(([k, v]) => `${k} ${v}`).join(', ');
  ctx.log(`  recommendation log: ${size.bytesPerEvent} bytes per event over ${size.events} events (${parts}); average column bytes ${JSON.stringify(size.columns)}`);
  record(ctx, `${prefix}.bytesPerEvent`, size.bytesPerEvent);
  record(ctx, `${prefix}.bytesPerEventByPart`, size.parts);
}
