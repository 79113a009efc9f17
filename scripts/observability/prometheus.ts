// A throw-away Prometheus for tests and screenshots: Debian's `prometheus` (installed with apt when
// missing), on 127.0.0.1:19090 by default, scraping given targets at a short interval, its data in
// a temp dir that goes away with it.
//
//   bun scripts/observability/prometheus.ts [--config deploy/prometheus/prometheus-local.yml] [--port 19090]
//
// runs one in the foreground for a look at http://127.0.0.1:19090 (Ctrl-C stops it).
import type { Subprocess } from 'bun';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stopperOf } from './child-process.ts';
import { aptInstall, ensureDir } from '../infra/lib.ts';
import { INFRA } from '../infra/settings.ts';

export interface Target {
  /** host:port serving /metrics */
  address: string;
  /** Target labels, e.g. `{ service: 'user' }` (the samples carry `service` already; `up` gets it from here). */
  labels?: Record<string, string>;
}

export interface RunningPrometheus {
  url: string;
  /** Instant query; the result vector (empty: no data). */
  query(expr: string, at?: Date): Promise<PromSample[]>;
  queryRange(expr: string, start: Date, end: Date, stepS: number): Promise<PromSeries[]>;
  /** Up targets, by address. */
  targets(): Promise<{ address: string; health: string; lastError: string }[]>;
  stop(): Promise<void>;
}

export interface PromSample { metric: Record<string, string>; value: [number, string] }
export interface PromSeries { metric: Record<string, string>; values: [number, string][] }

/** The scrape config for `targets`: one job, honor_labels so the modules' own `service` label is kept. */
export function scrapeConfig(targets: readonly Target[], intervalS: number): string {
  const lines = [
    'global:',
    `  scrape_interval: ${intervalS}s`,
    `  evaluation_interval: ${intervalS}s`,
    'scrape_configs:',
    '  - job_name: social-network',
    '    honor_labels: true',
    '    static_configs:',
  ];
  for (const t of targets) {
    lines.push(`      - targets: [${JSON.stringify(t.address)}]`);
    if (t.labels) lines.push(`        labels: ${JSON.stringify(t.labels)}`);
  }
  return lines.join('\n') + '\n';
}

/** Installs Debian's Prometheus if `prometheus` is not on the PATH. */
export async function ensurePrometheus(): Promise<string> {
  const found = Bun.which('prometheus');
  if (found) return found;
  ensureDir(INFRA);
  await aptInstall('prometheus', ['prometheus']);
  const installed = Bun.which('prometheus');
  if (!installed) throw new Error('apt installed prometheus, yet it is not on the PATH');
  return installed;
}

export async function startPrometheus(options: { config: string; port?: number; readyTimeoutMs?: number }): Promise<RunningPrometheus> {
  const binary = await ensurePrometheus();
  const port = options.port ?? 19090;
  const url = `http://127.0.0.1:${port}`;
  const dir = mkdtempSync(join(tmpdir(), 'prometheus-'));
  const configFile = join(dir, 'prometheus.yml');
  writeFileSync(configFile, options.config);
  const proc: Subprocess = Bun.spawn(
    [binary, `--config.file=${configFile}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'],
    { stdout: 'ignore', stderr: Bun.file(join(dir, 'prometheus.log')), stdin: 'ignore' },
  );
  const stop = stopperOf(proc, dir);
  const deadline = Date.now() + (options.readyTimeoutMs ?? 30_000);
  for (;;) {
    if (proc.exitCode !== null) {
      const log = await Bun.file(join(dir, 'prometheus.log')).text().catch(() => '');
      await stop();
      throw new Error(`prometheus exited with ${proc.exitCode} (is port ${port} taken?)\n${log.slice(-2_000)}`);
    }
    const ready = await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(1_000) }).then((r) => r.ok, () => false);
    if (ready) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`prometheus not ready on ${url} after ${options.readyTimeoutMs ?? 30_000} ms`);
    }
    await Bun.sleep(200);
  }

  const api = async <T>(path: string, params: Record<string, string>): Promise<T> => {
    const res = await fetch(`${url}/api/v1/${path}?${new URLSearchParams(params)}`, { signal: AbortSignal.timeout(10_000) });
    const body = (await res.json()) as { status: string; data: T; error?: string };
    if (body.status !== 'success') throw new Error(`prometheus ${path} ${JSON.stringify(params)}: ${body.error}`);
    return body.data;
  };
  return {
    url,
    query: async (expr, at = new Date()) => (await api<{ result: PromSample[] }>('query', { query: expr, time: String(at.getTime() / 1000) })).result,
    queryRange: async (expr, start, end, stepS) =>
      (await api<{ result: PromSeries[] }>('query_range', { query: expr, start: String(start.getTime() / 1000), end: String(end.getTime() / 1000), step: String(stepS) })).result,
    targets: async () =>
      (await api<{ activeTargets: { scrapeUrl: string; health: string; lastError: string }[] }>('targets', { state: 'active' })).activeTargets.map((t) => ({
        address: new URL(t.scrapeUrl).host,
        health: t.health,
        lastError: t.lastError,
      })),
    stop,
  };
}

if (import.meta.main) {
  const args = process.argv.slice(2);
  const flag = (name: string) => {
    const i = args.indexOf(name);
    return i === -1 ? undefined : args[i + 1];
  };
  const configPath = flag('--config') ?? join(import.meta.dir, '../../deploy/prometheus/prometheus-local.yml');
  const prometheus = await startPrometheus({ config: await Bun.file(configPath).text(), port: Number(flag('--port') ?? 19090) });
  console.log(`Prometheus on ${prometheus.url} with ${configPath}; Ctrl-C stops it and deletes its data`);
  const quit = () => void prometheus.stop().then(() => process.exit(0));
  process.on('SIGINT', quit);
  process.on('SIGTERM', quit);
}
