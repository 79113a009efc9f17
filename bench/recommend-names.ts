/**
 * recommendFriends with a full page of names, through the all-in-one's gateway, for one or more
 * checkouts of this repository compared in one sitting: each round starts each checkout's
 * all-in-one in turn (fresh data directory), so that the machine's drift hits them alike.
 *
 *   bun bench/recommend-names.ts <checkout> [<checkout> ...] [--rounds 2] [--requests 2000]
 *
 * The graph: one user with 10 friends, each of them with 10 friends of their own, so the user's
 * recommendations are a page of 100 named users (weight 1). Measured after 200 warm-up calls:
 * latency of calls one after another (p50, p99) and throughput of 16 closed-loop clients for 3 s.
 * Names are then cached (where they are read from the user service): this is the steady state.
 */
import { join, resolve } from 'node:path';
import { stopGracefully, tempDir } from '../test/kits/processes';
import { startAllInOne } from './lib/processes';

const args = process.argv.slice(2);
const flag = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i < 0 ? fallback : Number(args.splice(i, 2)[1]);
};
const rounds = flag('rounds', 2);
const requests = flag('requests', 2000);
const checkouts = args.map((a) => resolve(a));
if (checkouts.length === 0) throw new Error('usage: bun bench/recommend-names.ts <checkout> [...] [--rounds N] [--requests N]');

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

async function measure(checkout: string) {
  // A fresh data directory per start; the process's output goes to a log file beside it.
  const dir = tempDir('recommend-names-');
  const logFile = join(dir, 'all-in-one.log');
  const aio = await startAllInOne(join(dir, 'data'), logFile, { logLevel: 'error', checkout }).catch((error: Error) => {
    throw new Error(`${error.message} (its output: ${logFile})`);
  });
  const base = aio.gateway;
  const api = async (method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> => {
    const res = await fetch(base + path, { method, headers: body ? { 'content-type': 'application/json' } : {}, body: body ? JSON.stringify(body) : undefined });
    return { status: res.status, body: await res.json().catch(() => undefined) };
  };
  try {
    const create = async (n: number) => (await api('POST', '/user/v1/users', { firstName: `First${n}`, lastName: `Last${n}` })).body.id as number;
    const befriend = (a: number, b: number) => api('POST', `/friend/v1/users/${a}/commands/addFriend?friendId=${b}`);
    const me = await create(0);
    for (let f = 1; f <= 10; f++) {
      const friend = await create(f);
      await befriend(me, friend);
      for (let c = 1; c <= 10; c++) await befriend(friend, await create(f * 100 + c));
    }
    const path = `/recommendation/v1/users/${me}/commands/recommendFriends`;
    const page = async () => (await api('GET', path)).body as unknown[];
    for (let deadline = Date.now() + 30_000; (await page()).length < 100; await Bun.sleep(50)) if (Date.now() > deadline) throw new Error('the graph never showed 100 recommendations');
    for (let i = 0; i < 200; i++) await page();
    const latencies: number[] = [];
    for (let i = 0; i < requests; i++) {
      const started = performance.now();
      const res = await fetch(base + path);
      await res.arrayBuffer();
      latencies.push(performance.now() - started);
    }
    latencies.sort((a, b) => a - b);
    let done = 0;
    const until = performance.now() + 3_000;
    await Promise.all(Array.from({ length: 16 }, async () => {
      while (performance.now() < until) {
        await (await fetch(base + path)).arrayBuffer();
        done++;
      }
    }));
    return { p50Ms: +percentile(latencies, 50).toFixed(3), p99Ms: +percentile(latencies, 99).toFixed(3), rps: Math.round(done / 3) };
  } finally {
    await stopGracefully(aio.proc);
  }
}

const results: { round: number; checkout: string; p50Ms: number; p99Ms: number; rps: number }[] = [];
for (let round = 1; round <= rounds; round++) {
  for (const checkout of checkouts) {
    const r = await measure(checkout);
    results.push({ round, checkout, ...r });
    console.log(JSON.stringify({ round, checkout, ...r }));
  }
}
