// End-to-end test of scripts/generate.ts as a real child process against a tiny in-memory fake of
// the five endpoints it uses. The fake is a test double for the generator only (the real services
// have their own tests); it enforces the rules the generator must cope with: 409 for an existing
// pair in either direction, 400 for self-friendship, 404 for unknown users, and a lagging
// recommendation read model, as the real one is eventually consistent.

import { afterEach, describe, expect, test } from 'bun:test';
import { pairCapacity } from './lib/pairs';

interface FakeOptions {
  /** Recommendation endpoints answer as if empty until this long after the last write. */
  recommendationLagMs?: number;
  /** Every n-th user creation fails with a 500 problem. */
  failUserCreationEvery?: number;
  /** Friendships that "already exist from an earlier run", by the ids the fake will assign (1, 2, ...). */
  preexisting?: [number, number][];
}

interface FakeUser {
  id: number;
  firstName: string;
  lastName: string;
  createdAt: string;
  lastModified: string;
}

function startFake(options: FakeOptions = {}) {
  const users = new Map<number, FakeUser>();
  const edges = new Map<number, Map<number, { id: number; createdAt: string }>>();
  const stats = { userPosts: 0, userCreations: 0, addFriendCalls: 0, friendshipsCreated: 0, conflicts: 0, selfRejections: 0, notFound: 0 };
  const askedPairs: string[] = []; // "a-b" as asked, to check the generator never repeats a pair
  let nextUserId = 1;
  let nextFriendId = 1;
  let lastWriteAt = 0;

  const json = (body: unknown, status = 200) => Response.json(body, { status });
  const problem = (status: number, title: string, detail: string) =>
    new Response(JSON.stringify({ type: 'about:blank', title, status, detail }), { status, headers: { 'content-type': 'application/problem+json' } });
  const neighbours = (id: number) => edges.get(id) ?? new Map();
  const link = (a: number, b: number) => {
    const row = { id: nextFriendId++, createdAt: new Date().toISOString() };
    for (const [x, y] of [[a, b], [b, a]] as const) {
      if (!edges.has(x)) edges.set(x, new Map());
      edges.get(x)!.set(y, row);
    }
    lastWriteAt = performance.now();
    return row;
  };
  const lagging = () => performance.now() - lastWriteAt < (options.recommendationLagMs ?? 0);

  const server = Bun.serve({
    port: 0,
    async fetch(req) {
      const url = new URL(req.url);
      const path = url.pathname;
      let m: RegExpMatchArray | null;
      if (req.method === 'POST' && path === '/user/v1/users') {
        stats.userPosts++;
        if (options.failUserCreationEvery && stats.userPosts % options.failUserCreationEvery === 0) {
          return problem(500, 'Internal Server Error', 'injected failure');
        }
        const body = (await req.json().catch(() => null)) as { firstName?: unknown; lastName?: unknown } | null;
        if (typeof body?.firstName !== 'string' || typeof body.lastName !== 'string' || !body.firstName.trim() || !body.lastName.trim()) {
          return problem(400, 'Bad Request', 'firstName and lastName are required');
        }
        const now = new Date().toISOString();
        const user = { id: nextUserId++, firstName: body.firstName, lastName: body.lastName, createdAt: now, lastModified: now };
        users.set(user.id, user);
        stats.userCreations++;
        if (users.size === 1) for (const [a, b] of options.preexisting ?? []) link(a, b);
        return json(user, 201);
      }
      if (req.method === 'GET' && (m = path.match(/^\/user\/v1\/users\/(\d+)$/))) {
        const user = users.get(Number(m[1]));
        return user ? json(user) : problem(404, 'Not Found', `no user ${m[1]}`);
      }
      if (req.method === 'POST' && (m = path.match(/^\/friend\/v1\/users\/(\d+)\/commands\/addFriend$/))) {
        stats.addFriendCalls++;
        const userId = Number(m[1]);
        const friendId = Number(url.searchParams.get('friendId'));
        askedPairs.push(`${Math.min(userId, friendId)}-${Math.max(userId, friendId)}`);
        if (userId === friendId) return stats.selfRejections++, problem(400, 'Bad Request', 'a user cannot befriend themselves');
        if (!users.has(userId) || !users.has(friendId)) return stats.notFound++, problem(404, 'Not Found', 'unknown user');
        if (neighbours(userId).has(friendId)) return stats.conflicts++, problem(409, 'Conflict', `${userId} and ${friendId} are already friends`);
        const row = link(userId, friendId);
        stats.friendshipsCreated++;
        return json({ id: row.id, userId, friendId, createdAt: row.createdAt, updatedAt: row.createdAt }, 201);
      }
      if (req.method === 'GET' && (m = path.match(/^\/friend\/v1\/users\/(\d+)\/friends$/))) {
        const userId = Number(m[1]);
        return json([...neighbours(userId)].map(([friendId, row]) => ({ id: row.id, userId, friendId, createdAt: row.createdAt, updatedAt: row.createdAt })));
      }
      if (req.method === 'GET' && (m = path.match(/^\/recommendation\/v1\/users\/(\d+)\/commands\/findMutualFriends$/))) {
        if (lagging()) return json([]);
        const other = neighbours(Number(url.searchParams.get('friendId')));
        return json([...neighbours(Number(m[1])).keys()].filter((id) => other.has(id)).map((id) => users.get(id)));
      }
      if (req.method === 'GET' && (m = path.match(/^\/recommendation\/v1\/users\/(\d+)\/commands\/recommendFriends$/))) {
        if (lagging()) return json([]);
        const userId = Number(m[1]);
        const friends = neighbours(userId);
        const weights = new Map<number, number>();
        for (const f of friends.keys()) for (const g of neighbours(f).keys()) if (g !== userId && !friends.has(g)) weights.set(g, (weights.get(g) ?? 0) + 1);
        const ranked = [...weights].sort(([a, wa], [b, wb]) => wb - wa || a - b).slice(0, 100);
        return json(ranked.map(([id, weight]) => ({ user: users.get(id), weight })));
      }
      return problem(404, 'Not Found', `no route ${req.method} ${path}`);
    },
  });

  return {
    url: `http://127.0.0.1:${server.port}`,
    stats,
    askedPairs,
    /** Friendships as unordered pairs of full names, sorted: comparable across fakes. */
    namePairs: () => {
      const name = (id: number) => `${users.get(id)!.firstName} ${users.get(id)!.lastName}`;
      const out: string[] = [];
      for (const [a, row] of edges) for (const b of row.keys()) if (a < b) out.push([name(a), name(b)].sort().join(' & '));
      return out.sort();
    },
    userNames: () => [...users.values()].map((u) => `${u.firstName} ${u.lastName}`).sort(),
    stop: () => server.stop(true),
  };
}

const fakes: ReturnType<typeof startFake>[] = [];
const fake = (options?: FakeOptions) => {
  const f = startFake(options);
  fakes.push(f);
  return f;
};
afterEach(() => {
  for (const f of fakes.splice(0)) f.stop();
});

async function generate(...args: string[]) {
  const proc = Bun.spawn([process.execPath, 'scripts/generate.ts', ...args], {
    cwd: `${import.meta.dir}/..`,
    stdout: 'pipe',
    stderr: 'pipe',
    stdin: 'ignore',
  });
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  return { stdout, stderr, code };
}

describe('bun scripts/generate.ts against a fake API', () => {
  test('creates 30 users and 60 friendships, then prints the summary and a sample', async () => {
    const api = fake({ recommendationLagMs: 300 });
    const run = await generate('--users', '30', '--friendships', '60', '--concurrency', '4', '--url', api.url, '--seed', '7');
    if (run.code !== 0) console.error(run.stdout, run.stderr);
    expect(run.code).toBe(0);

    expect(api.stats.userCreations).toBe(30);
    expect(api.stats.addFriendCalls).toBe(Math.min(60, pairCapacity(30)));
    expect(api.stats.friendshipsCreated).toBe(60);
    expect(api.stats.selfRejections).toBe(0);
    expect(api.stats.conflicts).toBe(0);
    expect(new Set(api.askedPairs).size).toBe(api.askedPairs.length);

    const out = run.stdout;
    expect(out).toContain('Summary (seed 7, concurrency 4');
    expect(out).toContain('Phase 1: users');
    expect(out).toContain('Phase 2: friendships');
    expect(out).toMatch(/Phase 1: users[^]*attempted +30\n +created +30\n +rejected +none\n +network errors +0/);
    expect(out).toMatch(/Phase 2: friendships[^]*attempted +60\n +created +60\n +rejected +none\n +network errors +0/);
    expect(out).toMatch(/requests\/s +\d+\.\d/);
    expect(out).toMatch(/latency +p50 \d+\.\d ms, p99 \d+\.\d ms/);
    // The sample waited for the lagging recommendation projection instead of printing nothing.
    expect(out).toMatch(/Sample .*\n +user +\S.* \(#\d+\)\n/);
    expect(out).toMatch(/\n +friends +[1-9]\d*: \S.* \(#\d+\)/);
    expect(out).toMatch(/\n +mutual +[1-9]\d* with .*\(#\d+\): \S/);
    expect(out).toMatch(/\n +recommended +top [1-5] of \d+.*\n +1\. .* \(#\d+\) +weight [1-9]/);
    expect(out).not.toContain('catching up');
    // Progress went to stderr as plain lines (not a TTY), ending at 100%.
    expect(run.stderr).toMatch(/users +30\/30 +100%/);
    expect(run.stderr).toMatch(/friendships +60\/60 +100%/);
    expect(run.stderr).not.toContain('\r');
  });

  test('asks for every pair exactly once when more friendships than pairs are requested', async () => {
    const api = fake();
    const run = await generate('--users', '5', '--friendships', '20', '--concurrency', '3', '--url', api.url);
    expect(run.code).toBe(0);
    expect(api.stats.addFriendCalls).toBe(pairCapacity(5));
    expect(api.stats.conflicts + api.stats.selfRejections).toBe(0);
    expect(run.stderr).toContain('Only 10 distinct pairs exist among 5 users');
    expect(run.stdout).toMatch(/attempted +10\n +created +10/);
  });

  test('the same seed creates the same people and the same friendships', async () => {
    const [a, b] = [fake(), fake()];
    const runs = await Promise.all(
      [a, b].map((api, i) => generate('--users', '20', '--friendships', '40', '--concurrency', String(2 + i * 4), '--url', api.url, '--seed', 'demo')),
    );
    expect(runs.map((r) => r.code)).toEqual([0, 0]);
    expect(a.userNames()).toEqual(b.userNames());
    expect(a.namePairs()).toEqual(b.namePairs());
    expect(a.namePairs()).toHaveLength(40);
  });

  test('counts 409 "already friends" as rejections, not failures', async () => {
    const api = fake({ preexisting: [[1, 2], [4, 3]] });
    const run = await generate('--users', '6', '--friendships', '15', '--concurrency', '4', '--url', api.url);
    expect(run.code).toBe(0);
    expect(api.stats.conflicts).toBe(2);
    expect(run.stdout).toMatch(/Phase 2: friendships[^]*attempted +15\n +created +13\n +rejected +409: 2\n/);
  });

  test('exits 1 and reports the status when the server answers 5xx', async () => {
    const api = fake({ failUserCreationEvery: 10 });
    const run = await generate('--users', '30', '--friendships', '10', '--concurrency', '4', '--url', api.url);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/Phase 1: users[^]*attempted +30\n +created +27\n +rejected +500: 3\n/);
    expect(run.stdout).toContain('first 500       injected failure');
    expect(api.stats.addFriendCalls).toBe(10);
  });

  test('exits 1 quickly when nothing listens at the URL', async () => {
    const closed = Bun.serve({ port: 0, fetch: () => new Response() });
    const url = `http://127.0.0.1:${closed.port}`;
    closed.stop(true);
    const run = await generate('--users', '1000', '--url', url);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('stopped early:');
    expect(run.stdout).not.toMatch(/attempted +1000/);
  });

  test('bad arguments exit 2 with a clear message; --help exits 0', async () => {
    const bad = await generate('--users', 'ten');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--users must be a whole number, got "ten"');
    const help = await generate('--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: bun run generate');
  });
});
