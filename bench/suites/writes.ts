/**
 * Commands through the gateway (closed loop: as many as the system takes) against the engine's
 * own limit: single-row insert transactions with no ORM, HTTP or event sourcing. The raw figure is
 * measured before and after the commands and averaged, to cancel drift in the machine's load.
 */
import { join } from 'node:path';
import { okPerSec, record, round, runWorker, startLoad, type BenchContext } from './context';

export type RawEngine = { engine: 'pglite'; dir: string } | { engine: 'postgres'; url: string };

async function rawInsert(ctx: BenchContext, engine: RawEngine, label: string): Promise<number> {
  const { txPerSec } = await runWorker<{ txPerSec: number }>('raw-insert', { ...engine, seconds: ctx.profile.writeSeconds, concurrency: ctx.profile.writeConcurrency });
  ctx.log(`  raw insert tx (${label}): ${txPerSec}/s`);
  return txPerSec;
}

/** createUser and addFriend per second through `gateway`; results under `prefix` (e.g. writes.postgres). */
export async function measureWrites(ctx: BenchContext, gateway: string, engine: RawEngine, prefix: string): Promise<{ addFriendPerSec: number }> {
  const { writeSeconds, writeConcurrency } = ctx.profile;
  const label = engine.engine;
  ctx.log(`writes (${label}): createUser and addFriend through the gateway, ${writeConcurrency} in flight, ${writeSeconds} s each`);
  const rawBefore = await rawInsert(ctx, engine.engine === 'pglite' ? { ...engine, dir: join(engine.dir, 'a') } : engine, label);
  const closed = ['--rate', 'max', '--concurrency', String(writeConcurrency), '--duration', `${writeSeconds}s`, '--url', gateway];
  // Alone, a command must not wait for a batch: its latency with nothing else in flight.
  const alone = await startLoad(ctx, ['--scenario', 'signup', '--rate', 'max', '--concurrency', '1', '--duration', `${writeSeconds}s`, '--url', gateway], `${label}-signup-alone`).done;
  ctx.log(`  createUser, 1 in flight: p50 ${alone.latencyMs.p50.toFixed(2)} ms, p99 ${alone.latencyMs.p99.toFixed(2)} ms`);
  const signup = await startLoad(ctx, ['--scenario', 'signup', ...closed], `${label}-signup`).done;
  const createUserPerSec = okPerSec(signup, 'signup');
  ctx.log(`  createUser: ${createUserPerSec.toFixed(0)}/s, p50 ${signup.latencyMs.p50.toFixed(2)} ms, p99 ${signup.latencyMs.p99.toFixed(2)} ms, statuses ${JSON.stringify(signup.statuses)}`);
  // 1000 users give half a million pairs: random pairs rarely repeat, so nearly every command adds.
  const befriend = await startLoad(ctx, ['--scenario', 'befriend', '--users', '1000', ...closed], `${label}-befriend`).done;
  const addFriendPerSec = okPerSec(befriend, 'addFriend');
  ctx.log(`  addFriend: ${addFriendPerSec.toFixed(0)}/s, p50 ${befriend.latencyMs.p50.toFixed(2)} ms, p99 ${befriend.latencyMs.p99.toFixed(2)} ms, statuses ${JSON.stringify(befriend.statuses)}`);
  const rawAfter = await rawInsert(ctx, engine.engine === 'pglite' ? { ...engine, dir: join(engine.dir, 'b') } : engine, label);
  const raw = (rawBefore + rawAfter) / 2;
  record(ctx, `${prefix}.engine`, label);
  record(ctx, `${prefix}.createUserPerSec`, Math.round(createUserPerSec));
  record(ctx, `${prefix}.addFriendPerSec`, Math.round(addFriendPerSec));
  record(ctx, `${prefix}.rawInsertTxPerSec`, Math.round(raw));
  record(ctx, `${prefix}.commandToRawInsert`, round(createUserPerSec / raw));
  record(ctx, `${prefix}.addFriendToRawInsert`, round(addFriendPerSec / raw));
  record(ctx, `${prefix}.createUserLatencyMs`, { p50: round(signup.latencyMs.p50), p99: round(signup.latencyMs.p99) });
  record(ctx, `${prefix}.createUserAtOneP50Ms`, round(alone.latencyMs.p50));
  record(ctx, `${prefix}.addFriendLatencyMs`, { p50: round(befriend.latencyMs.p50), p99: round(befriend.latencyMs.p99) });
  return { addFriendPerSec };
}
