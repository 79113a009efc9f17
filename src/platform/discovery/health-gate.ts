import type { Fetch } from '../http/local-fetch';
import type { Logger } from '../log';
import type { Instance } from './registry-protocol';

export interface HealthGateOptions {
  /** How long one probe of `/actuator/health` may take. Default 1 s. */
  timeoutMs?: number;
  /** Probes in flight at once, over all services. Default 4. */
  concurrency?: number;
  /** How soon an instance that failed (a probe, or a request) is probed again. Default 2 s. */
  retryMs?: number;
}

interface Verdict {
  healthy: boolean;
  checkedAt: number;
  probing?: Promise<boolean>;
}

/**
 * Whether an instance discovery lists may be offered: only once its own `/actuator/health`
 * answered 200 `{"status":"UP"}`. Discovery says who registered, not who answers: a registration
 * pointing at a closed port, a dead address or a server that is not one of ours is never sent a
 * request. Verdicts are kept per instance and url, so the hot path reads a list already filtered.
 *
 * Probes are bounded (a timeout each, a few at a time), so hundreds of bogus registrations cost a
 * slow refresh in the background, never a stalled request.
 */
export class HealthGate {
  private readonly verdicts = new Map<string, Map<string, Verdict>>();
  private readonly timeoutMs: number;
  private readonly concurrency: number;
  private readonly retryMs: number;
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    private readonly fetch: Fetch,
    options: HealthGateOptions = {},
    private readonly log?: Logger,
  ) {
    this.timeoutMs = options.timeoutMs ?? 1_000;
    this.concurrency = Math.max(1, options.concurrency ?? 4);
    this.retryMs = options.retryMs ?? 2_000;
  }

  /**
   * The healthy ones of `listed`, once every instance seen for the first time has been probed.
   * Instances that failed before are probed again in the background once `retryMs` passed;
   * `onRecovered` is called when one of them passes, so the caller can offer it again.
   */
  async filter(service: string, listed: Instance[], onRecovered: () => void): Promise<Instance[]> {
    const known = this.verdicts.get(service) ?? new Map<string, Verdict>();
    this.verdicts.set(service, known);
    const current = new Set(listed.map(keyOf));
    for (const key of known.keys()) if (!current.has(key)) known.delete(key); // deregistered or evicted: forget
    const firstProbes: Promise<boolean>[] = [];
    const now = Date.now();
    for (const instance of listed) {
      const verdict = known.get(keyOf(instance));
      if (!verdict) firstProbes.push(this.probe(known, instance));
      else if (!verdict.healthy && !verdict.probing && now - verdict.checkedAt >= this.retryMs) {
        void this.probe(known, instance).then((healthy) => healthy && onRecovered());
      }
    }
    await Promise.all(firstProbes);
    return this.healthyOf(service, listed);
  }

  healthyOf(service: string, listed: Instance[]): Instance[] {
    const known = this.verdicts.get(service);
    return listed.filter((instance) => known?.get(keyOf(instance))?.healthy === true);
  }

  /** An instance that failed a request: not offered again until a probe passes. */
  drop(instance: Instance): void {
    const verdict = this.verdicts.get(instance.service)?.get(keyOf(instance));
    if (verdict) Object.assign(verdict, { healthy: false, checkedAt: Date.now() });
  }

  private probe(known: Map<string, Verdict>, instance: Instance): Promise<boolean> {
    const key = keyOf(instance);
    const verdict = known.get(key) ?? { healthy: false, checkedAt: 0 };
    known.set(key, verdict);
    const probing = (async () => {
      await this.slot();
      let healthy = false;
      try {
        healthy = await this.check(instance.url);
      } finally {
        this.release();
      }
      if (healthy !== verdict.healthy || verdict.checkedAt === 0) {
        this.log?.[healthy ? 'info' : 'warn'](healthy ? 'instance passed its health check' : 'instance failed its health check; not routed to', {
          service: instance.service,
          instanceId: instance.instanceId,
          url: instance.url,
        });
      }
      Object.assign(verdict, { healthy, checkedAt: Date.now(), probing: undefined });
      return healthy;
    })();
    verdict.probing = probing;
    return probing;
  }

  private async check(url: string): Promise<boolean> {
    try {
      const res = await this.fetch(new Request(`${url}/actuator/health`, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(this.timeoutMs) }));
      const body = (await res.text().catch(() => '')).slice(0, 1_000);
      if (res.status !== 200) return false;
      return (JSON.parse(body) as { status?: unknown })?.status === 'UP';
    } catch {
      return false;
    }
  }

  private async slot(): Promise<void> {
    if (this.running < this.concurrency) {
      this.running++;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  /** Hands the slot straight to the next waiter, or frees it. */
  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.running--;
  }
}

const keyOf = (instance: Instance) => `${instance.instanceId}\n${instance.url}`;
