/**
 * What names cost: recommendFriends with a full page of names, and createUser (whose names are
 * sealed with the user's key since version 2 of its event), through the all-in-one's gateway, for one or more
 * checkouts of this repository compared in one sitting: each round starts each checkout's
 * all-in-one in turn (fresh data directory), so that the machine's drift hits them alike.
 *
 *   bun bench/recommend-names.ts <checkout> [<checkout> ...] [--rounds 2] [--requests 2000]
 *
 * The graph: one user with 10 friends, each of them with 10 friends of their own, so the user's
 * recommendations are a page of 100 named users (weight 1). Measured after 200 warm-up calls:
 * latency of calls one after another (p50, p99) and throughput of 16 closed-loop clients for 3 s.
 * Names are then cached (where they are read from the user service): this is the steady state.
 * createUser: p50 of 300 one after another, then 32 closed-loop clients for 3 s.
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
    const creates: number[] = [];
    for (let i = 0; i < 300; i++) {
      const started = performance.now();
      await create(10_000 + i);
      creates.push(performance.now() - started);
    }
    creates.sort((a, b) => a - b);
    let created = 0;
    const createUntil = performance.now() + 3_000;
    await Promise.all(Array.from({ length: 32 }, async (_, client) => {
      for (let n = 0; performance.now() < createUntil; n++) {
        await create(100_000 + client * 100_000 + n);
        created++;
      }
    }));
    return {
      p50Ms: +percentile(latencies, 50).toFixed(3),
      p99Ms: +percentile(latencies, 99).toFixed(3),
      rps: Math.round(done / 3),
      createP50Ms: +percentile(creates, 50).toFixed(3),
      createPerSec: Math.round(created / 3),
    };
  } finally {
    await stopGracefully(aio.proc);
  }
}

const results: { round: number; checkout: string; p50Ms: number; p99Ms: number; rps: number; createP50Ms: number; createPerSec: number }[] = [];
for (let round = 1; round <= rounds; round++) {
  for (const checkout of checkouts) {
    const r = await measure(checkout);
    results.push({ round, checkout, ...r });
    console.log(JSON.stringify({ round, checkout, ...r }));
  }
}

// Summary: each checkout's median over the rounds, and its ratio to the first checkout's.
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)]!;
const figures = ['p50Ms', 'p99Ms', 'rps', 'createP50Ms', 'createPerSec'] as const;
const medians = checkouts.map((checkout) => Object.fromEntries(figures.map((f) => [f, median(results.filter((r) => r.checkout === checkout).map((r) => r[f]))])) as Record<(typeof figures)[number], number>);
console.log(`\n${'figure'.padEnd(14)}${checkouts.map((c) => c.split('/').at(-1)!.slice(0, 16).padStart(18)).join('')}   ratio to the first`);
for (const f of figures) {
  const row = medians.map((m) => String(m[f]).padStart(18)).join('');
  const ratios = medians.slice(1).map((m) => (m[f] / medians[0]![f]).toFixed(2)).join(' ');
  console.log(`${f.padEnd(14)}${row}   ${ratios}`);
}
console.log(`${results.length} runs, ${rounds} rounds, ${checkouts.length} checkouts`);
