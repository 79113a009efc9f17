import { registryPaths } from '../../../platform/discovery/registry-protocol';
import type { Fetch } from '../../../platform/http/local-fetch';
import type { InstanceCircuits } from '../instance-circuits';

export interface SystemInstance {
  service: string;
  instanceId: string;
  url: string;
  registeredAt: string;
  lastHeartbeatAt: string;
  /** The gateway's circuit for this instance; `unused` until a request went to it. */
  circuit: 'closed' | 'open' | 'half-open' | 'unused' | 'off';
  /** From the instance's own `/metrics`, when it answers. */
  outboxBacklog?: number;
  projectionLag?: number;
}

export interface SystemView {
  at: string;
  discovery: { url: string; reachable: boolean; detail?: string };
  instances: SystemInstance[];
}

/** Sums the samples of one metric in a Prometheus text exposition; undefined when it is absent. */
export function metricSum(text: string, name: string): number | undefined {
  let sum: number | undefined;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name) || (line[name.length] !== ' ' && line[name.length] !== '{')) continue;
    const value = Number(line.slice(line.lastIndexOf(' ') + 1));
    if (Number.isFinite(value)) sum = (sum ?? 0) + value;
  }
  return sum;
}

const OUTBOX = ['outbox_pending', 'outbox_backlog'];
const LAG = ['kafka_consumer_lag', 'consumer_lag', 'projection_lag'];

/**
 * What the console's system view shows: discovery's instances (read with the deployment's token,
 * which never leaves the gateway), each with the gateway's circuit state and, best effort, the
 * backlog and lag figures its `/metrics` exposes.
 */
export function systemView({ fetch, discoveryUrl, discoveryToken, circuits, timeoutMs }: { fetch: Fetch; discoveryUrl: string; discoveryToken?: string; circuits?: Pick<InstanceCircuits, 'peek'>; timeoutMs: number }) {
  const headers: Record<string, string> = discoveryToken ? { authorization: `Bearer ${discoveryToken}` } : {};
  async function figures(url: string) {
    try {
      const res = await fetch(new Request(`${url}/metrics`, { signal: AbortSignal.timeout(timeoutMs) }));
      if (!res.ok) return {};
      const text = await res.text();
      const pick = (names: string[]) => names.map((n) => metricSum(text, n)).find((v) => v !== undefined);
      return { outboxBacklog: pick(OUTBOX), projectionLag: pick(LAG) };
    } catch {
      return {};
    }
  }
  return async (): Promise<SystemView> => {
    const at = new Date().toISOString();
    let listed: Omit<SystemInstance, 'circuit'>[];
    try {
      const res = await fetch(new Request(discoveryUrl + registryPaths.list, { headers, signal: AbortSignal.timeout(timeoutMs) }));
      if (!res.ok) return { at, discovery: { url: discoveryUrl, reachable: false, detail: `discovery answered ${res.status}` }, instances: [] };
      listed = (await res.json()) as Omit<SystemInstance, 'circuit'>[];
    } catch (error) {
      return { at, discovery: { url: discoveryUrl, reachable: false, detail: (error as Error).message }, instances: [] };
    }
    const instances = await Promise.all(
      listed.map(async (i) => ({
        service: i.service,
        instanceId: i.instanceId,
        url: i.url,
        registeredAt: i.registeredAt,
        lastHeartbeatAt: i.lastHeartbeatAt,
        circuit: circuits ? (circuits.peek(i.service, i.instanceId) ?? 'unused') : 'off',
        ...(await figures(i.url)),
      }) satisfies SystemInstance),
    );
    instances.sort((a, b) => a.service.localeCompare(b.service) || a.instanceId.localeCompare(b.instanceId));
    return { at, discovery: { url: discoveryUrl, reachable: true }, instances };
  };
}
