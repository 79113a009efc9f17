/**
 * Projection lag: from the acknowledgement of an addFriend (201) until the recommendation service
 * answers with its effect, while `bun run load` keeps a steady open-loop stream of addFriend
 * commands going. Each probe: a new user C befriends B (A and B are old friends); the effect is
 * that A becomes C's first recommendation. Probes run one at a time; polling is back to back,
 * so the lag is an upper bound with a resolution of one poll round trip.
 */
import { Samples, summarize } from '../../scripts/load-lib/percentiles';
import { addFriend, createUser } from '../lib/probe-api';
import { median, record, round, startLoad, warn, type BenchContext } from './context';

const TIMEOUT_MS = 5_000;
/** Consecutive probes lost after which the projection is taken as stalled and probing stops. */
const GIVE_UP_AFTER = 3;

/** Milliseconds from ack to the first answer showing `expected` as `user`'s top recommendation. */
export async function waitVisible(gateway: string, user: number, expected: number, ackAt: number): Promise<number | undefined> {
  const url = `${gateway}/recommendation/v1/users/${user}/commands/recommendFriends?limit=1`;
  while (performance.now() - ackAt < TIMEOUT_MS) {
    const body = (await (await fetch(url)).json()) as { user: { id: number } }[];
    if (body[0]?.user.id === expected) return performance.now() - ackAt;
  }
  return undefined;
}

export async function measureLag(ctx: BenchContext, gateway: string, ratePerSec: number, prefix: string): Promise<{ p50Ms: number; p99Ms: number; maxMs: number }> {
  const rate = Math.max(1, Math.round(ratePerSec));
  const { lagProbes, lagSpacingMs } = ctx.profile;
  ctx.log(`projection lag (${prefix}): ${lagProbes} probes under ${rate} addFriend/s open loop`);
  const a = await createUser(gateway, 'LagA');
  const b = await createUser(gateway, 'LagB');
  await addFriend(gateway, a, b);
  // Long enough for every probe; stopped as soon as they are done.
  const load = startLoad(ctx, ['--scenario', 'befriend', '--rate', String(rate), '--concurrency', '64', '--duration', '600s', '--users', '1000', '--seed', '7', '--url', gateway], `${prefix}-load`);
  await load.started;
  await Bun.sleep(500); // let the load settle into its pace
  const lags = new Samples();
  let lost = 0;
  let lostInARow = 0;
  let summary;
  try {
    for (let i = 0; i < lagProbes && lostInARow < GIVE_UP_AFTER; i++) {
      const c = await createUser(gateway, `LagC${i}`);
      await addFriend(gateway, c, b);
      const lag = await waitVisible(gateway, c, a, performance.now());
      // A probe not seen in time counts as TIMEOUT_MS, so percentiles are lower bounds, not blanks.
      if (lag === undefined) lost++, lostInARow++, lags.push(TIMEOUT_MS);
      else lags.push(lag), (lostInARow = 0);
      await Bun.sleep(lagSpacingMs);
    }
  } finally {
    summary = await load.stop();
  }
  const s = lags.summary();
  if (lost) warn(ctx, `${prefix}: ${lost} probes not visible within ${TIMEOUT_MS} ms (counted as ${TIMEOUT_MS} ms: the percentiles are lower bounds)${lostInARow >= GIVE_UP_AFTER ? `; stopped after ${GIVE_UP_AFTER} in a row (projection stalled? see the recommendation log)` : ''}`);
  if (summary.failures) warn(ctx, `${prefix}: the background load had ${summary.failures} failed requests`);
  ctx.log(`  lag p50 ${s.p50.toFixed(1)} ms, p99 ${s.p99.toFixed(1)} ms, max ${s.max.toFixed(1)} ms; load ran at ${summary.perSec.toFixed(0)}/s (dropped ${summary.dropped})`);
  ctx.log(`  lag p50 of the first quarter of probes ${summarize(lags.values().subarray(0, Math.max(1, lags.length >> 2))).p50.toFixed(1)} ms, of the last ${summarize(lags.values().subarray(lags.length - Math.max(1, lags.length >> 2))).p50.toFixed(1)} ms`);
  record(ctx, `${prefix}.p50Ms`, round(s.p50, 2));
  record(ctx, `${prefix}.p99Ms`, round(s.p99, 2));
  record(ctx, `${prefix}.maxMs`, round(s.max, 2));
  record(ctx, `${prefix}.probes`, s.count);
  // A lag that grows from the first probes to the last means the projection cannot keep up with
  // the load (a backlog builds), rather than being slow per event.
  const inOrder = lags.values();
  const quarter = Math.max(1, Math.floor(inOrder.length / 4));
  record(ctx, `${prefix}.firstQuarterP50Ms`, round(summarize(inOrder.subarray(0, quarter)).p50, 2));
  record(ctx, `${prefix}.lastQuarterP50Ms`, round(summarize(inOrder.subarray(inOrder.length - quarter)).p50, 2));
  record(ctx, `${prefix}.lost`, lost);
  record(ctx, `${prefix}.loadPerSec`, Math.round(summary.perSec));
  record(ctx, `${prefix}.loadTargetPerSec`, rate);
  return { p50Ms: s.p50, p99Ms: s.p99, maxMs: s.max };
}

/** Consecutive lag runs on one cluster; the p99 reported is the worst run's, so that a target is met in all of them. */
export async function measureLagRuns(ctx: BenchContext, gateway: string, ratePerSec: number, prefix: string, runs: number): Promise<void> {
  const each: { p50Ms: number; p99Ms: number; maxMs: number }[] = [];
  for (let run = 1; run <= runs; run++) each.push(await measureLag(ctx, gateway, ratePerSec, `${prefix}.run${run}`));
  const p99s = each.map((r) => r.p99Ms);
  ctx.log(`  lag p99 over ${runs} runs: ${p99s.map((p) => p.toFixed(1)).join(', ')} ms`);
  record(ctx, `${prefix}.runs`, runs);
  record(ctx, `${prefix}.p99MsOfRuns`, p99s.map((p) => round(p, 2)));
  record(ctx, `${prefix}.p99Ms`, round(Math.max(...p99s), 2));
  record(ctx, `${prefix}.p50Ms`, round(median(each.map((r) => r.p50Ms)), 2));
  record(ctx, `${prefix}.maxMs`, round(Math.max(...each.map((r) => r.maxMs)), 2));
}
