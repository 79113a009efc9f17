// A run that gives every dashboard panel something to show: a quiet start, the data generator in
// waves of growing size and concurrency, some churn (friendships removed, refused commands, reads
// of unknown users), a load run of the mixed scenario, and a quiet end. Bounded (about two
// minutes), with a line per phase on stderr.
import { join } from 'node:path';
import type { System } from '../../test/harness/all-in-one';
import { generate } from './scenario';
import type { Phase } from './svg-chart';
import { friendPaths } from '../../src/modules/friend/contracts/http';

export interface RunOptions {
  waves: number;
  /** Arrivals per second of the load run, kept under the gateway's per-client rate limit (500/s). */
  loadRate: number;
  loadSeconds: number;
}

export interface RunReport {
  phases: Phase[];
  lines: string[];
}

const say = (line: string) => void process.stderr.write(`${line}\n`);

/** Runs the phases; each becomes a band on the pictures' time axes. */
export async function richRun(system: System, options: RunOptions): Promise<RunReport> {
  const phases: Phase[] = [];
  const lines: string[] = [];
  const began = Date.now();
  const phase = async (label: string, work: () => Promise<string | void>) => {
    const from = Date.now();
    say(`[${((from - began) / 1000).toFixed(0).padStart(3)} s] ${label} ...`);
    const note = await work();
    phases.push({ label, from: from / 1000, to: Date.now() / 1000 });
    lines.push(`${label.padEnd(12)} ${((Date.now() - from) / 1000).toFixed(1).padStart(6)} s${note ? `  ${note}` : ''}`);
  };

  await phase('quiet', () => Bun.sleep(10_000));
  // Each wave twice the last one's users, friendships and concurrency: about as long, twice the rate.
  for (let i = 0; i < options.waves; i++) {
    const [users, friendships, concurrency] = [80 * (i + 1), 400 * (i + 1), 2 * (i + 1)];
    await phase(`wave ${i + 1}`, async () => {
      const summary = await generate(system.gateway, { users, friendships, seed: `screenshots-wave-${i}`, concurrency });
      return `generator: ${users} users, ${Number(/Phase 2: friendships[\s\S]*?created\s+(\d+)/.exec(summary)?.[1] ?? NaN)} friendships, concurrency ${concurrency}`;
    });
    await Bun.sleep(5_000);
  }
  await phase('churn', () => churn(system));
  await Bun.sleep(5_000);
  await phase(`load ${options.loadRate}/s`, () => load(system.gateway, options));
  await phase('quiet', () => Bun.sleep(12_000));
  return { phases, lines };
}

/** Friendships removed, commands refused (self, duplicate, unknown user), reads of users that do not exist. */
async function churn(system: System): Promise<string> {
  const counts = new Map<string, number>();
  const count = (what: string, status: number) => counts.set(`${what} ${status}`, (counts.get(`${what} ${status}`) ?? 0) + 1);
  for (let user = 1; user <= 40; user++) {
    const friends = await system.api('GET', `/friend${friendPaths.friendsOf(user, 2)}`);
    for (const friend of (Array.isArray(friends.body) ? friends.body : []).slice(0, 1)) {
      count('removeFriend', (await system.api('POST', `/friend${friendPaths.removeFriend(user, friend.friendId)}`)).status);
      count('addFriend again', (await system.api('POST', `/friend${friendPaths.addFriend(user, friend.friendId)}`)).status);
      count('addFriend duplicate', (await system.api('POST', `/friend${friendPaths.addFriend(user, friend.friendId)}`)).status);
    }
    count('addFriend self', (await system.api('POST', `/friend${friendPaths.addFriend(user, user)}`)).status);
    count('addFriend unknown user', (await system.api('POST', `/friend${friendPaths.addFriend(user, 900_000 + user)}`)).status);
    count('getUser unknown', (await system.api('GET', `/user/v1/users/${900_000 + user}`)).status);
    await Bun.sleep(100);
  }
  return [...counts].map(([k, n]) => `${k}: ${n}`).join(', ');
}

/** scripts/load.ts, the mixed scenario at a fixed arrival rate; its summary's first lines are kept. */
async function load(gateway: string, options: RunOptions): Promise<string> {
  const proc = Bun.spawn(
    ['bun', join(import.meta.dir, '../load.ts'), '--scenario', 'mixed', '--rate', String(options.loadRate), '--duration', `${options.loadSeconds}s`, '--concurrency', '32', '--users', '100', '--url', gateway],
    { stdout: 'pipe', stderr: 'ignore', stdin: 'ignore' },
  );
  const timer = setTimeout(() => proc.kill('SIGKILL'), (options.loadSeconds + 90) * 1000);
  const [out, code] = await Promise.all([new Response(proc.stdout).text(), proc.exited]);
  clearTimeout(timer);
  // 1: some 5xx or network errors, which the pictures then show; anything else is a failed run.
  if (code !== 0 && code !== 1) throw new Error(`load exited with ${code}\n${out.slice(-2_000)}`);
  const lines = out.split('\n').map((l) => l.trim());
  return [lines.find((l) => l.startsWith('scenario ')), lines.find((l) => /^ok \d+/.test(l))].filter(Boolean).join('; ');
}
