import { afterAll, beforeAll, expect, test } from 'bun:test';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../kits/processes';
import { startSystem, systemEnv, type System } from '../harness/all-in-one';

/**
 * The README's "Try it" block, copied as written, must show what the project is for: a friend of a
 * friend recommended with its weight. It once created one user and befriended user 2, which ended in
 * a 404 and an empty list. The block is run with bash against an all-in-one on free ports (its
 * `localhost:9000` replaced by that gateway), twice, because a newcomer's `./data` may not be fresh.
 */
const readme = readFileSync(join(import.meta.dir, '..', '..', 'README.md'), 'utf8');

/** The first ```sh block after the line starting "Try it". */
function tryItBlock(markdown: string): string {
  const after = markdown.slice(markdown.search(/^Try it/m));
  const match = /^```sh\n([\s\S]*?)^```/m.exec(after);
  if (!match?.[1]) throw new Error('README.md has no ```sh block after "Try it"');
  return match[1];
}

/**
 * The block as a script: the writes once, then the reads retried for up to ~5 s until they show a
 * weight, since the projection follows the writes by milliseconds and a script is faster than typing.
 */
function asScript(block: string, gateway: string): string {
  const lines = block.replaceAll('localhost:9000', gateway.replace(/^http:\/\//, '')).trimEnd().split('\n');
  const firstRead = lines.findIndex((line) => line.includes('/recommendation/'));
  const writes = lines.slice(0, firstRead === -1 ? lines.length : firstRead);
  const reads = firstRead === -1 ? [] : lines.slice(firstRead);
  return [
    ...writes,
    'reads() {',
    ...reads,
    '}',
    'for i in $(seq 50); do out=$(reads); case "$out" in *\'"weight":\'*) break;; esac; sleep 0.1; done',
    'printf "%s\\n" "$out"',
  ].join('\n');
}

interface Printed {
  friendships: { userId: number; friendId: number }[];
  recommendations?: { user: { id: number; firstName: string }; weight: number }[];
  mutualFriends?: { id: number; firstName: string }[];
}

/** Sorts the JSON lines the block printed by their shape. */
function readOutput(stdout: string): Printed {
  const printed: Printed = { friendships: [] };
  for (const line of stdout.split('\n').filter((l) => l.trim())) {
    let value;
    try {
      value = JSON.parse(line);
    } catch {
      throw new Error(`the block should print one JSON answer per line, it printed:\n${stdout}`);
    }
    if (Array.isArray(value) && value.some((v) => 'weight' in v)) printed.recommendations = value;
    else if (Array.isArray(value)) printed.mutualFriends ??= value;
    else if ('friendId' in value) printed.friendships.push(value);
  }
  return printed;
}

const dataDir = tempDir('readme-quickstart-');
let system: System | undefined;
beforeAll(async () => {
  system = await startSystem(systemEnv(dataDir));
}, 90_000);
afterAll(async () => {
  await system?.process.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

test.each(['on a fresh data directory', 'again, on one that already holds users'])('the Try it block shows a friend of a friend recommended with weight 1, %s', async () => {
  const script = asScript(tryItBlock(readme), system!.gateway);
  const run = Bun.spawn(['bash', '-c', script], { stdout: 'pipe', stderr: 'pipe' });
  const [stdout, stderr, code] = await Promise.all([new Response(run.stdout).text(), new Response(run.stderr).text(), run.exited]);
  expect({ code, stderr }).toEqual({ code: 0, stderr: '' });

  const printed = readOutput(stdout);
  // Ada befriends Grace, Grace befriends Alan: the ids come from the two friendships printed.
  expect(printed.friendships).toHaveLength(2);
  const [adaGrace, graceAlan] = printed.friendships as [Printed['friendships'][0], Printed['friendships'][0]];
  expect(graceAlan.userId).toBe(adaGrace.friendId);
  expect(printed.recommendations).toMatchObject([{ user: { id: graceAlan.friendId, firstName: 'Alan' }, weight: 1 }]);
  expect(printed.mutualFriends).toMatchObject([{ id: adaGrace.friendId, firstName: 'Grace' }]);
}, 60_000);
