/**
 * Whether the projection keeps up with the commands: the consumer's own apply rate beside the
 * fastest command rate measured, and the lag of a friendship added right after a burst of
 * addFriend at full speed (the backlog the burst left behind shows in it).
 */
import { addFriend, createUser } from '../lib/probe-api';
import { waitVisible } from './lag';
import { get } from '../lib/report-table';
import { record, round, runWorker, startLoad, type BenchContext } from './context';

/** Batch sizes the relay hands over: one event when idle, about one per command in flight at full speed, more when behind. */
const BATCHES = [1, 16, 100];

export async function measureApplyRate(ctx: BenchContext): Promise<void> {
  const events = ctx.options.quick ? 2_000 : 20_000;
  ctx.log(`projection apply rate: ${events} events into the recommendation module (PGlite log + in-memory graph), by batch size`);
  const rates: Record<string, number> = {};
  for (const batch of BATCHES) {
    // One event per transaction is slow by nature: fewer of them say as much.
    const { applyPerSec } = await runWorker<{ applyPerSec: number }>('projection-apply', { events: batch === 1 ? events / 10 : events, batch });
    rates[`batch${batch}`] = applyPerSec;
    ctx.log(`  batches of ${batch}: ${applyPerSec} events/s`);
  }
  // The fastest command rate of this run: closed-loop writes, or the burst when it ran faster.
  const commands = Math.max(...['writes.createUserPerSec', 'writes.addFriendPerSec', 'projection.burstPerSec'].map((key) => get(ctx.results, key) ?? 0));
  record(ctx, 'projection.applyPerSec', rates.batch16);
  record(ctx, 'projection.applyPerSecByBatch', rates);
  if (commands > 0) {
    record(ctx, 'projection.applyToCommands', round(rates.batch16! / commands, 2));
    ctx.log(`  ${(rates.batch16! / commands).toFixed(1)}× the fastest command rate (${Math.round(commands)}/s)`);
  }
}

/** A burst of addFriend at full speed, then one more friendship: how long until it shows. */
export async function measureBurstLag(ctx: BenchContext, gateway: string): Promise<void> {
  const seconds = ctx.options.quick ? 2 : 12;
  ctx.log(`projection after a burst: addFriend at full speed, 16 in flight, for ${seconds} s, then one friendship more`);
  const a = await createUser(gateway, 'BurstA');
  const b = await createUser(gateway, 'BurstB');
  const c = await createUser(gateway, 'BurstC');
  await addFriend(gateway, a, b);
  const burst = await startLoad(ctx, ['--scenario', 'befriend', '--rate', 'max', '--concurrency', '16', '--duration', `${seconds}s`, '--users', '1000', '--seed', '11', '--url', gateway], 'burst').done;
  await addFriend(gateway, c, b);
  const lag = await waitVisible(gateway, c, a, performance.now());
  const perSec = burst.perSec;
  ctx.log(`  burst ran at ${perSec.toFixed(0)}/s; the friendship added after it showed ${lag === undefined ? 'not within the timeout' : `after ${lag.toFixed(0)} ms`}`);
  record(ctx, 'projection.burstPerSec', Math.round(perSec));
  if (lag !== undefined) record(ctx, 'projection.endOfBurstLagMs', round(lag, 1));
}
