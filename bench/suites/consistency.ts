/**
 * What read-your-writes costs a client: write-then-read pairs through the gateway while `bun run
 * load` keeps addFriend commands coming, as in the lag suite. Each pair: a new user C befriends B
 * (A and B are old friends), then reads C's recommendations at once with the addFriend's
 * Consistency-Token. The service says how long the read waited for the projection
 * (`Server-Timing: consistency;dur=`); a read answered at once waited 0 ms. An answer without A
 * would be stale: counted, and it must stay 0.
 */
import { Samples } from '../../scripts/load-lib/percentiles';
import { addFriend, createUser } from '../lib/probe-api';
import { record, round, startLoad, warn, type BenchContext } from './context';

interface Read {
  status: number;
  waitedMs: number | undefined;
  topId: number | undefined;
}

async function readWithToken(gateway: string, user: number, token: string): Promise<Read> {
  const res = await fetch(`${gateway}/recommendation/v1/users/${user}/commands/recommendFriends?limit=1`, { headers: { 'consistency-token': token } });
  const body = (await res.json()) as { user: { id: number } }[];
  const waited = /consistency;dur=([\d.]+)/.exec(res.headers.get('server-timing') ?? '');
  return { status: res.status, waitedMs: waited ? Number(waited[1]) : undefined, topId: res.status === 200 ? body[0]?.user.id : undefined };
}

export async function measureConsistency(ctx: BenchContext, gateway: string, ratePerSec: number, prefix: string): Promise<void> {
  const rate = Math.max(1, Math.round(ratePerSec));
  const pairs = ctx.profile.consistencyPairs;
  ctx.log(`consistent reads (${prefix}): ${pairs} addFriend-then-recommendFriends pairs with the token, under ${rate} addFriend/s open loop`);
  const a = await createUser(gateway, 'TokenA');
  const b = await createUser(gateway, 'TokenB');
  await addFriend(gateway, a, b);
  const load = startLoad(ctx, ['--scenario', 'befriend', '--rate', String(rate), '--concurrency', '64', '--duration', '600s', '--users', '1000', '--seed', '11', '--url', gateway], `${prefix}-load`);
  await load.started;
  await Bun.sleep(500);
  const waits = new Samples(); // every read: 0 when answered at once
  const waitedOnly = new Samples();
  let timeouts = 0;
  let stale = 0;
  let summary;
  try {
    for (let i = 0; i < pairs; i++) {
      const c = await createUser(gateway, `TokenC${i}`);
      const read = await readWithToken(gateway, c, await addFriend(gateway, c, b));
      if (read.status === 503) timeouts++;
      else if (read.status !== 200) throw new Error(`consistent read: HTTP ${read.status}`);
      else if (read.topId !== a) stale++;
      waits.push(read.waitedMs ?? 0);
      if (read.waitedMs !== undefined) waitedOnly.push(read.waitedMs);
      if ((i + 1) % Math.max(1, Math.round(pairs / 5)) === 0) ctx.log(`  ${i + 1}/${pairs} pairs, ${waitedOnly.length} waited`);
    }
  } finally {
    summary = await load.stop();
  }
  const all = waits.summary();
  const waited = waitedOnly.length ? waitedOnly.summary() : undefined;
  ctx.log(`  ${waits.length} reads: ${waitedOnly.length} waited (p50 ${(waited?.p50 ?? 0).toFixed(1)} ms, max ${(waited?.max ?? 0).toFixed(1)} ms), ${timeouts} timed out (503), ${stale} stale; wait over all reads p50 ${all.p50.toFixed(1)} ms, p99 ${all.p99.toFixed(1)} ms`);
  if (stale) warn(ctx, `${prefix}: ${stale} reads with a token were stale: read-your-writes is broken`);
  if (timeouts) warn(ctx, `${prefix}: ${timeouts} reads with a token were not caught up within CONSISTENCY_WAIT_MS (503)`);
  if (summary.failures) warn(ctx, `${prefix}: the background load had ${summary.failures} failed requests`);
  record(ctx, prefix, {
    reads: waits.length,
    waited: waitedOnly.length,
    waitedShare: round(waitedOnly.length / Math.max(1, waits.length)),
    waitP50Ms: round(all.p50, 2),
    waitP99Ms: round(all.p99, 2),
    waitMaxMs: round(all.max, 2),
    waitedP50Ms: round(waited?.p50 ?? 0, 2),
    timeouts,
    stale,
    loadPerSec: Math.round(summary.perSec),
  });
}
