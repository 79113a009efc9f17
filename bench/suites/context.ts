/** What every suite gets: options, sizes, where to write, and the shared results object. */
import { join } from 'node:path';
import type { LoadSummary } from '../../scripts/load-lib/recorder';
import type { BenchOptions, Profile } from '../lib/args';
import type { LoadTool } from '../lib/http-load';
import { ROOT, track } from '../lib/processes';
import { set, type Results } from '../lib/report-table';

export interface BenchContext {
  options: BenchOptions;
  profile: Profile;
  tool: LoadTool;
  results: Results;
  /** bench-results/<stamp>/: logs, data directories, load summaries. */
  runDir: string;
  warnings: string[];
  log(line: string): void;
  /** Runs one measurement; a failure is reported and the run goes on (half a report beats none). */
  step(name: string, run: () => Promise<void>): Promise<void>;
}

export function warn(ctx: BenchContext, message: string): void {
  ctx.warnings.push(message);
  ctx.log(`WARNING: ${message}`);
}

export const record = (ctx: BenchContext, key: string, value: unknown) => set(ctx.results, key, value);

export const round = (x: number, digits = 3) => (Number.isFinite(x) ? Number(x.toFixed(digits)) : x);

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Runs a worker script (`bun bench/workers/<name>.ts JSON`) and parses the JSON it prints last. */
export async function runWorker<T>(name: string, params: unknown, env: Record<string, string | undefined> = process.env, onProgress?: (line: string) => void): Promise<T> {
  const proc = track(Bun.spawn(['bun', join(ROOT, 'bench/workers', `${name}.ts`), JSON.stringify(params)], { cwd: ROOT, env: env as Record<string, string>, stdout: 'pipe', stderr: 'pipe' }));
  const [out, err] = await Promise.all([new Response(proc.stdout).text(), readStderr(proc.stderr, onProgress)]);
  const code = await proc.exited;
  const line = out.trim().split('\n').findLast((l) => l.startsWith('{'));
  if (code !== 0 || !line) {
    // The message, not the stack: the first line that names an error, else the last lines.
    const lines = (err || out).trim().split('\n');
    const cause = lines.find((l) => /error/i.test(l) && !/^\s+at /.test(l)) ?? lines.slice(-3).join(' | ');
    throw new Error(`worker ${name} failed (exit ${code}): ${cause.trim()}`);
  }
  return JSON.parse(line) as T;
}

/** A worker's stderr, whole; its `progress: ...` lines are passed on as they come (long measurements show they are alive). */
async function readStderr(stream: ReadableStream<Uint8Array>, onProgress?: (line: string) => void): Promise<string> {
  if (!onProgress) return new Response(stream).text();
  const decoder = new TextDecoder();
  let all = '';
  let pending = '';
  for await (const chunk of stream) {
    const text = decoder.decode(chunk, { stream: true });
    all += text;
    const lines = (pending + text).split('\n');
    pending = lines.pop()!;
    for (const line of lines) if (line.startsWith('progress: ')) onProgress(line.slice('progress: '.length));
  }
  return all;
}

export interface LoadRun {
  /** Resolves once the measured phase started (after the scenario's setup). */
  started: Promise<void>;
  /** Stops early (SIGINT) and returns the summary; also what `done` resolves to. */
  stop(): Promise<LoadSummary>;
  done: Promise<LoadSummary>;
}

/** Runs `bun scripts/load.ts` as its own process, so the client does not share the bench's thread. */
export function startLoad(ctx: BenchContext, args: string[], label: string): LoadRun {
  const json = join(ctx.runDir, `load-${label}.json`);
  const proc = track(Bun.spawn(['bun', join(ROOT, 'scripts/load.ts'), ...args, '--json', json], { cwd: ROOT, stdout: 'pipe', stderr: 'pipe' }));
  let markStarted!: () => void;
  const started = new Promise<void>((resolve) => (markStarted = resolve));
  let stderr = '';
  const reading = (async () => {
    const decoder = new TextDecoder();
    for await (const chunk of proc.stderr as ReadableStream<Uint8Array>) {
      stderr += decoder.decode(chunk);
      if (stderr.includes('load: started')) markStarted();
    }
  })();
  const stdout = new Response(proc.stdout).text();
  const done = (async () => {
    await proc.exited;
    await reading;
    const file = Bun.file(json);
    if (!(await file.exists())) throw new Error(`load ${label} failed (exit ${proc.exitCode}): ${(stderr + (await stdout)).trim().split('\n').slice(-4).join(' | ')}`);
    return (await file.json()) as LoadSummary;
  })();
  done.catch(() => markStarted()); // a failed setup must not leave waiters hanging
  return {
    started,
    done,
    stop() {
      proc.kill('SIGINT');
      return done;
    },
  };
}

/** Successful operations of one kind per second of the measured phase. */
export const okPerSec = (s: LoadSummary, op: string) => {
  const statuses = s.ops[op]?.statuses ?? {};
  const ok = Object.entries(statuses).reduce((n, [k, c]) => n + (k.startsWith('2') ? c : 0), 0);
  return ok / (s.elapsedMs / 1000);
};
