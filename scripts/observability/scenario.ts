// The observability scenario shared by the dashboards test and the screenshot script: the real
// all-in-one on free ports, a Prometheus scraping its five ports every second, and the data
// generator driving traffic through the gateway.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startSystem, systemEnv, type System } from '../../test/harness/all-in-one';
import { freePorts, tempDir } from '../../test/kits/processes';
import { scrapeConfig, startPrometheus, type RunningPrometheus } from './prometheus';

export const DASHBOARDS_DIR = join(import.meta.dir, '../../deploy/grafana/dashboards');

export interface Observed {
  system: System;
  prometheus: RunningPrometheus;
  stop(): Promise<void>;
}

export async function startObserved(scrapeIntervalS = 1, extraEnv: Record<string, string> = {}): Promise<Observed> {
  const env = systemEnv(tempDir('observe-'), extraEnv);
  const system = await startSystem(env);
  const ports: [string, string][] = [
    ['gateway', env.GATEWAY_PORT!],
    ['discovery', env.DISCOVERY_PORT!],
    ['user', env.USER_PORT!],
    ['friend', env.FRIEND_PORT!],
    ['recommendation', env.RECOMMENDATION_PORT!],
  ];
  const targets = ports.map(([service, port]) => ({ address: `127.0.0.1:${port}`, labels: { service } }));
  let prometheus: RunningPrometheus;
  try {
    prometheus = await startPrometheus({ config: scrapeConfig(targets, scrapeIntervalS), port: freePorts(1)[0] });
  } catch (error) {
    system.process.proc.kill('SIGKILL');
    throw error;
  }
  return {
    system,
    prometheus,
    async stop() {
      await prometheus.stop();
      await Promise.race([system.process.stop(), Bun.sleep(10_000)]);
      if (system.process.proc.exitCode === null) system.process.proc.kill('SIGKILL');
    },
  };
}

/**
 * Runs scripts/generate.ts against the gateway; resolves with its summary (stdout). `--consistent`
 * sends each addFriend's token with a read, so the consistency panels have data too.
 */
export async function generate(gateway: string, args: { users: number; friendships: number; seed: string; concurrency?: number }): Promise<string> {
  const proc = Bun.spawn(
    ['bun', join(import.meta.dir, '../generate.ts'), '--users', String(args.users), '--friendships', String(args.friendships), '--concurrency', String(args.concurrency ?? 4), '--seed', args.seed, '--url', gateway, '--consistent'],
    { stdout: 'pipe', stderr: 'pipe', stdin: 'ignore' },
  );
  const timer = setTimeout(() => proc.kill('SIGKILL'), 60_000);
  const [out, err, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  clearTimeout(timer);
  if (code !== 0) throw new Error(`generate exited with ${code}\n${out}\n${err.slice(-2_000)}`);
  return out;
}

export interface PanelQuery {
  dashboard: string;
  panel: string;
  description: string;
  expr: string;
  legendFormat?: string;
}

/** Every PromQL expression of every dashboard under deploy/grafana/dashboards, rows included. */
export function dashboardQueries(dir = DASHBOARDS_DIR): PanelQuery[] {
  const out: PanelQuery[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
    const dashboard = JSON.parse(readFileSync(join(dir, file), 'utf8'));
    const walk = (panels: any[] = []) => {
      for (const p of panels) {
        for (const t of p.targets ?? []) {
          if (t.expr) out.push({ dashboard: file, panel: p.title, description: p.description ?? '', expr: t.expr, legendFormat: t.legendFormat });
        }
        walk(p.panels);
      }
    };
    walk(dashboard.panels);
  }
  return out;
}

/** Grafana's built-in variables, as Grafana would fill them for a short time range; `$namespace` as "All". */
export function withGrafanaVariables(expr: string, rateInterval = '1m'): string {
  return expr.replaceAll('$__rate_interval', rateInterval).replaceAll('$__interval', '5s').replaceAll('$__range', '5m').replaceAll('$namespace', '.*');
}

/** A panel the all-in-one cannot fill says so in its description (e.g. Kafka consumer lag). */
export const KAFKA_ONLY = /kafka mode only/i;

/** Blank values count as unset: the all-in-one then runs on its embedded adapters, whatever the shell exported. */
export const EMBEDDED_ENV: Record<string, string> = {
  KAFKA_BROKERS: '',
  USER_DATABASE_URL: '',
  FRIEND_DATABASE_URL: '',
  RECOMMENDATION_DATABASE_URL: '',
  NEO4J_URL: '',
};

/** Evaluates every dashboard query; returns those with no data (and those skipped). */
export async function emptyDashboardQueries(prometheus: RunningPrometheus, options: { skipKafkaOnly: boolean }) {
  const empty: string[] = [];
  const skipped: string[] = [];
  const queries = dashboardQueries();
  for (const q of queries) {
    if (options.skipKafkaOnly && KAFKA_ONLY.test(q.description)) {
      skipped.push(`${q.dashboard} / ${q.panel}`);
      continue;
    }
    const result = await prometheus.query(withGrafanaVariables(q.expr));
    if (result.length === 0) empty.push(`${q.dashboard} / ${q.panel}: ${q.expr}`);
  }
  return { evaluated: queries.length - skipped.length, empty, skipped };
}
