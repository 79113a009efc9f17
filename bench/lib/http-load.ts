/**
 * Closed-loop HTTP load on one URL from a separate process: wrk when installed (`apt-get install
 * wrk`; C, one thread, so it takes one core and leaves the other to the server), else a Bun fetch
 * loop. Keep-alive, fixed concurrency. Returns throughput and latency percentiles.
 */
import { join } from 'node:path';
import { ROOT, track } from './processes';

export type LoadTool = 'wrk' | 'bun';

export interface HttpResult {
  rps: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  requests: number;
  /** Non-2xx/3xx answers and socket errors: a figure with errors measured the wrong thing. */
  errors: number;
}

export function pickTool(wanted: LoadTool | 'auto'): LoadTool {
  if (wanted !== 'auto') return wanted;
  return Bun.which('wrk') ? 'wrk' : 'bun';
}

async function run(cmd: string[]): Promise<string> {
  const proc = track(Bun.spawn(cmd, { cwd: ROOT, stdout: 'pipe', stderr: 'pipe' }));
  const [out, err] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text()]);
  if ((await proc.exited) !== 0) throw new Error(`${cmd[0]} failed: ${err.trim() || out.trim()}`);
  const line = out.trim().split('\n').findLast((l) => l.startsWith('{'));
  if (!line) throw new Error(`${cmd[0]} printed no result: ${out.trim()}`);
  return line;
}

export async function httpLoad(tool: LoadTool, url: string, concurrency: number, seconds: number): Promise<HttpResult> {
  if (tool === 'wrk') {
    const duration = `${Math.max(1, Math.round(seconds))}s`; // wrk takes whole seconds only
    const r = JSON.parse(await run(['wrk', '-t1', `-c${concurrency}`, `-d${duration}`, '--timeout', '5s', '-s', join(import.meta.dir, 'wrk-report.lua'), url]));
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
