/**
 * The same tiny route served three ways: raw Bun.serve, the recommendation module directly
 * (Elysia, full middleware), and through the gateway. Route: recommendFriends of an unknown
 * user, answered from memory with `[]`, so no database is in the way. Measurements are
 * interleaved in rounds and each ratio is the median of per-round ratios, so that load from other
 * processes on this machine hits both sides of a ratio alike.
 */
import { httpLoad, type HttpResult } from '../lib/http-load';
import { median, record, round, warn, type BenchContext } from './context';

export const ROUTE = '/v1/users/999999999/commands/recommendFriends';

export interface Measured {
  rps: number[];
  p50Ms: number[];
  p99Ms: number[];
}

/** Throughput at the profile's concurrency, then latency one request at a time, for each target. */
export async function compareTargets(ctx: BenchContext, targets: Record<string, string>): Promise<Record<string, Measured>> {
  const { httpSeconds, httpRounds, httpConcurrency } = ctx.profile;
  const out: Record<string, Measured> = {};
  const check = (name: string, r: HttpResult) => {
    if (r.errors > r.requests * 0.01) warn(ctx, `${name}: ${r.errors} errors in ${r.requests} requests; its figures are not trustworthy`);
  };
  for (const [name, url] of Object.entries(targets)) {
    out[name] = { rps: [], p50Ms: [], p99Ms: [] };
    await httpLoad(ctx.tool, url, httpConcurrency, 1); // warm-up: JIT, connection pools
  }
  for (let round = 0; round < httpRounds; round++) {
    for (const [name, url] of Object.entries(targets)) {
      const r = await httpLoad(ctx.tool, url, httpConcurrency, httpSeconds);
      check(name, r);
      out[name]!.rps.push(r.rps);
      const one = await httpLoad(ctx.tool, url, 1, httpSeconds);
      check(name, one);
      out[name]!.p50Ms.push(one.p50Ms);
      out[name]!.p99Ms.push(one.p99Ms);
      ctx.log(`  ${name.padEnd(8)} round ${round + 1}: ${Math.round(r.rps)} req/s at ${httpConcurrency} connections; one at a time p50 ${one.p50Ms.toFixed(3)} ms, p99 ${one.p99Ms.toFixed(3)} ms`);
    }
  }
  return out;
}

export const ratioOf = (m: Record<string, Measured>, a: string, b: string) => median(m[a]!.rps.map((rps, i) => rps / m[b]!.rps[i]!));

/** Embedded: raw server, bare Elysia, the all-in-one's recommendation port, the all-in-one's gateway. */
export async function measureEmbeddedHttp(ctx: BenchContext, raw: string, bare: string, direct: string, gateway: string): Promise<void> {
  ctx.log(`http: raw Bun.serve vs Elysia vs module vs gateway (${ctx.tool.name}, ${ctx.profile.httpRounds} x ${ctx.profile.httpSeconds} s)`);
  const m = await compareTargets(ctx, { raw: raw + ROUTE, elysia: bare + ROUTE, direct: direct + ROUTE, gateway: `${gateway}/recommendation${ROUTE}` });
  record(ctx, 'http.tool', ctx.tool.name);
  record(ctx, 'http.route', `GET /recommendation${ROUTE}`);
  record(ctx, 'http.concurrency', ctx.profile.httpConcurrency);
  record(ctx, 'http.rawBunRps', Math.round(median(m.raw!.rps)));
  record(ctx, 'http.bareElysiaRps', Math.round(median(m.elysia!.rps)));
  record(ctx, 'http.bareElysiaToRaw', round(ratioOf(m, 'elysia', 'raw')));
  record(ctx, 'http.directRps', Math.round(median(m.direct!.rps)));
  record(ctx, 'http.gatewayRps', Math.round(median(m.gateway!.rps)));
  record(ctx, 'http.gatewayToDirect', round(ratioOf(m, 'gateway', 'direct')));
  record(ctx, 'http.elysiaToRaw', round(ratioOf(m, 'direct', 'raw')));
  record(ctx, 'http.latencyMs', Object.fromEntries(Object.entries(m).map(([k, v]) => [k, { p50: round(median(v.p50Ms), 4), p99: round(median(v.p99Ms), 4) }])));
  record(ctx, 'http.gatewayAddedP50Ms', round(median(m.gateway!.p50Ms) - median(m.direct!.p50Ms), 4));
  record(ctx, 'http.gatewayAddedP99Ms', round(median(m.gateway!.p99Ms) - median(m.direct!.p99Ms), 4));
}
