/**
 * Closed-loop HTTP load on one URL from a separate process: wrk (C, one thread, so it takes one
 * core and leaves the other to the server), fetched from Debian's packages into a cache when it is
 * not installed; a Bun fetch loop only when asked for or when wrk cannot be had. Keep-alive, fixed
 * concurrency. Returns throughput and latency percentiles.
 */
import { join } from 'node:path';
import { aptTool, type ToolCommand } from '../../scripts/infra/apt-tool.ts';
import { ROOT, track } from './processes';

export type LoadTool = ({ name: 'wrk' } & ToolCommand) | { name: 'bun' };

export interface HttpResult {
  rps: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  requests: number;
  /** Non-2xx/3xx answers and socket errors: a figure with errors measured the wrong thing. */
  errors: number;
}

/**
 * wrk unless `bun` is asked for. `auto` falls back to the Bun client (with `warn`) when wrk cannot
 * be fetched, e.g. with no apt; `wrk` insists.
 */
export async function pickTool(wanted: 'wrk' | 'bun' | 'auto', say: (line: string) => void, warn: (message: string) => void): Promise<LoadTool> {
  if (wanted === 'bun') return { name: 'bun' };
  try {
    return { name: 'wrk', ...(await aptTool('wrk', 'wrk', WRK_LIBRARIES, { say })) };
  } catch (error) {
    if (wanted === 'wrk') throw error;
    warn(`${(error as Error).message}: HTTP load comes from a Bun fetch client, which needs more CPU and compresses the ratios`);
    return { name: 'bun' };
  }
}

/** wrk's Debian dependencies beyond libc (its package accepts either LuaJIT build). */
const WRK_LIBRARIES = ['libluajit-5.1-2', 'libssl3'];

async function run(cmd: string[], env: Record<string, string> = {}): Promise<string> {
  const proc = track(Bun.spawn(cmd, { cwd: ROOT, env: { ...process.env, ...env }, stdout: 'pipe', stderr: 'pipe' }));
  const [out, err] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text()]);
  if ((await proc.exited) !== 0) throw new Error(`${cmd[0]} failed: ${err.trim() || out.trim()}`);
  const line = out.trim().split('\n').findLast((l) => l.startsWith('{'));
  if (!line) throw new Error(`${cmd[0]} printed no result: ${out.trim()}`);
  return line;
}

export async function httpLoad(tool: LoadTool, url: string, concurrency: number, seconds: number): Promise<HttpResult> {
  if (tool.name === 'wrk') {
    const duration = `${Math.max(1, Math.round(seconds))}s`; // wrk takes whole seconds only
    const r = JSON.parse(await run([tool.path, '-t1', `-c${concurrency}`, `-d${duration}`, '--timeout', '5s', '-s', join(import.meta.dir, 'wrk-report.lua'), url], tool.env));
    return {
      rps: r.requests / (r.durationUs / 1e6),
      p50Ms: r.p50Us / 1000,
      p99Ms: r.p99Us / 1000,
      maxMs: r.maxUs / 1000,
      requests: r.requests,
      errors: r.connect + r.read + r.write + r.status + r.timeout,
    };
  }
  const r = JSON.parse(await run(['bun', join(import.meta.dir, '../workers/http-client.ts'), url, String(concurrency), String(seconds)]));
  return { rps: r.requests / r.seconds, p50Ms: r.p50Ms, p99Ms: r.p99Ms, maxMs: r.maxMs, requests: r.requests, errors: r.errors };
}
