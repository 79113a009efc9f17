// Data generator: fills the social network with users and friendships through the public HTTP API
// (the gateway, DESIGN.md section 3), replacing the original example's serial and parallel shell
// scripts with one bounded-concurrency tool that also reports what happened.
//
//   bun run generate -- --users 100 --friendships 300 --concurrency 8 [--url U] [--seed S] [--consistent]
//   (without --url: BASE_URL if set, as the k6 scripts read it, else http://localhost:9000)
//
// Progress goes to stderr and the summary to stdout, so `> summary.txt` keeps just the report.
// Exit code: 0 ok, 1 any 5xx or network error, 2 bad arguments, 130 interrupted.

import { ApiClient, type ApiResult } from './lib/api';
import { parseArgs, USAGE } from './lib/args';
import { optionsOrExitCode } from './lib/flags';
import { fullName, randomNames } from './lib/names';
import { PairPicker } from './lib/pairs';
import { runPool } from './lib/pool';
import { ProgressBar } from './lib/progress';
import { deriveRng, seedFromText } from './lib/random';
import { Graph, sample } from './lib/sample';
import { ConsistentReads } from './lib/consistent-reads';
import { formatPhase, PhaseStats, type Outcome } from './lib/stats';

// Separate random streams, so e.g. changing --users does not reshuffle how pairs are drawn.
const NAMES_STREAM = 0;
const PAIRS_STREAM = 1;

function outcomeOf(result: ApiResult<unknown>): Outcome {
  switch (result.kind) {
    case 'ok':
      return { kind: 'created', latencyMs: result.latencyMs };
    case 'http':
      return { kind: 'rejected', status: result.status, detail: result.problem?.detail ?? result.problem?.title, latencyMs: result.latencyMs };
    case 'network':
      return { kind: 'network', error: result.error };
  }
}

const log = (line: string) => void process.stderr.write(`${line}\n`);

export async function main(argv: readonly string[]): Promise<number> {
  const options = optionsOrExitCode('generate', USAGE, () => {
    const parsed = parseArgs(argv);
    return parsed.kind === 'help' ? undefined : parsed.options;
  });
  if (typeof options === 'number') return options;

  const { users, friendships, concurrency, url } = options;
  const seed = seedFromText(options.seed);
  const api = new ApiClient(url);

  // Ctrl-C once: stop handing out work, let in-flight requests finish, still print the summary
  // (half a run's numbers are useful). Twice: quit at once.
  const stop = new AbortController();
  let stopReason: string | undefined;
  const onSigint = () => {
    if (stop.signal.aborted) process.exit(130);
    stopReason = 'interrupted';
    stop.abort();
    log('\nInterrupted: finishing in-flight requests (Ctrl-C again to quit now)');
  };
  process.on('SIGINT', onSigint);

  log(`Generating ${users} users and ${friendships} friendships at ${url} (concurrency ${concurrency}, seed ${options.seed})`);

  // Phase 1: users. Names are drawn up front so they depend on the seed only, not on timing.
  const names = randomNames(deriveRng(seed, NAMES_STREAM), users);
  const ids: (number | undefined)[] = new Array(users);
  const userStats = new PhaseStats('users');
  const userBar = new ProgressBar({ label: 'users', total: users });
  await runPool(names.keys(), { concurrency, signal: stop.signal }, async (k) => {
    const result = await api.createUser(names[k]!.firstName, names[k]!.lastName);
    userStats.record(outcomeOf(result));
    if (result.kind === 'ok') ids[k] = result.body.id;
    userBar.tick(result.kind !== 'ok');
    // A gateway that is down would otherwise cost one timeout per user; give up once it is clear.
    if (userStats.created === 0 && userStats.rejected.size === 0 && userStats.networkErrors >= Math.max(10, concurrency) && !stop.signal.aborted) {
      stopReason = `${url} looks unreachable (${userStats.firstNetworkError})`;
      stop.abort();
    }
  });
  userBar.finish();
  userStats.finish();

  // Phase 2: friendships among the users that were created, in generation order, so the same seed
  // picks the same pairs of *people* even though the server's ids depend on arrival order.
  const userIds = ids.filter((id): id is number => id !== undefined);
  const nameById = new Map(ids.flatMap((id, k) => (id === undefined ? [] : [[id, fullName(names[k]!)] as const])));
  const picker = new PairPicker(stop.signal.aborted ? 0 : userIds.length, friendships, deriveRng(seed, PAIRS_STREAM));
  if (!stop.signal.aborted && picker.total < friendships) {
    log(`Only ${picker.total} distinct pairs exist among ${userIds.length} users; asking for ${picker.total} friendships.`);
  }
  const graph = new Graph();
  const friendStats = new PhaseStats('friendships');
  const consistentReads = new ConsistentReads('mutual friends with the addFriend token');
  if (!stop.signal.aborted) {
    const friendBar = new ProgressBar({ label: 'friendships', total: picker.total });
    await runPool(picker, { concurrency, signal: stop.signal }, async ([a, b]) => {
      const [userId, friendId] = [userIds[a]!, userIds[b]!];
      const result = await api.addFriend(userId, friendId);
      friendStats.record(outcomeOf(result));
      // 409 means they already are friends (e.g. from an earlier run): still an edge in the graph.
      const known = result.kind === 'ok' || (result.kind === 'http' && result.status === 409);
      if (known) graph.add(userId, friendId);
      if (options.consistent && result.kind === 'ok' && result.token) consistentReads.record(await api.findMutualFriendsAfter(userId, friendId, result.token));
      friendBar.tick(!known);
    });
    friendBar.finish();
  }
  friendStats.finish();

  // Summary on stdout.
  const out: string[] = ['', `Summary (seed ${options.seed}, concurrency ${concurrency}, ${url})`];
  if (stopReason) out.push(`  stopped early: ${stopReason}`);
  out.push(...formatPhase('Phase 1: users', userStats), ...formatPhase('Phase 2: friendships', friendStats));
  if (options.consistent) out.push(...consistentReads.lines());
  let sampleFailures = 0;
  if (!stop.signal.aborted) {
    const report = await sample(api, graph, nameById);
    out.push(...report.lines);
    sampleFailures = report.failures;
  }
  console.log(out.join('\n'));

  process.off('SIGINT', onSigint);
  if (stopReason === 'interrupted') return 130;
  const failures = userStats.serverOrNetworkFailures + friendStats.serverOrNetworkFailures + sampleFailures + consistentReads.failures;
  return failures > 0 ? 1 : 0;
}

if (import.meta.main) {
  // exitCode rather than exit(): lets buffered stdout drain when it is a pipe.
  process.exitCode = await main(Bun.argv.slice(2));
}
