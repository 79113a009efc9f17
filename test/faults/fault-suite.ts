/**
 * What every fault scenario shares: it refuses to run without the real engines (the suite exists
 * to exercise them, so a skip would hide that it showed nothing), a seed printed so that a failing
 * run can be replayed, and reading a module's Prometheus metrics.
 */
import { missingEngineVariables, type Cluster } from '../harness/distributed';
import { eventually } from '../kits/processes';

export function requireEngines(scenario: string): void {
  const missing = missingEngineVariables();
  if (missing.length > 0) {
    throw new Error(`${scenario}: the fault suite runs on the real engines, but ${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} not set; run \`bun run infra:up\` and \`. .infra/env\``);
  }
}

/** FAULT_SEED when set (to replay a run), else a fresh one; printed either way. */
export function faultSeed(scenario: string): number {
  const given = process.env.FAULT_SEED?.trim();
  const seed = given ? Number(given) : Math.floor(Math.random() * 1_000_000);
  if (!Number.isInteger(seed)) throw new Error(`FAULT_SEED must be an integer, got "${given}"`);
  console.log(`${scenario}: seed ${seed} (replay with FAULT_SEED=${seed})`);
  return seed;
}

/** The sum of a metric's samples on an instance's own `/metrics` whose labels include `labels`. */
export async function metricOf(cluster: Cluster, instance: string, name: string, labels: Record<string, string> = {}): Promise<number> {
  const res = await fetch(`http://127.0.0.1:${cluster.instance(instance).port}/metrics`, { signal: AbortSignal.timeout(5_000) });
  let sum = 0;
  for (const line of (await res.text()).split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const has = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((l) => [l[1], l[2]]));
    if (Object.entries(labels).every(([k, v]) => has[k] === v)) sum += Number(m[3]);
  }
  return sum;
}

/** Milliseconds, for a summary line: median and maximum. */
export function spread(ms: readonly number[]): { median: number; max: number } {
  const sorted = [...ms].sort((a, b) => a - b);
  return { median: sorted[Math.floor(sorted.length / 2)] ?? NaN, max: sorted.at(-1) ?? NaN };
}

/**
 * Until the gateway forwards to each service again: after a restart, discovery must list the
 * instance and the gateway's circuits for its instances, opened by the failures, must let requests through.
 */
export function untilServed(cluster: Cluster, services: readonly string[], timeoutMs = 30_000): Promise<void> {
  return eventually(`the gateway to serve ${services.join(', ')} again`, async () => {
    const statuses = await Promise.all(services.map(async (s) => (await cluster.api('GET', `/${s}/actuator/health`, undefined, {}, 2_000)).status));
    return statuses.every((s) => s === 200) || `health through the gateway: ${statuses.join(', ')}`;
  }, timeoutMs, 200);
}
