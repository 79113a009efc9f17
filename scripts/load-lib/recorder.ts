// Counts and latencies per operation, the live progress line and the final summary.
import { Samples, summarize, type LatencySummary } from './percentiles';

export interface OpSummary {
  count: number;
  perSec: number;
  /** Status code (or "network") -> count. */
  statuses: Record<string, number>;
  latencyMs: LatencySummary;
}

export interface LoadSummary {
  scenario: string;
  rate: number | 'max';
  concurrency: number;
  elapsedMs: number;
  requests: number;
  perSec: number;
  ok: number;
  dropped: number;
  failures: number;
  statuses: Record<string, number>;
  latencyMs: LatencySummary;
  ops: Record<string, OpSummary>;
}

class OpRecord {
  readonly samples = new Samples();
  readonly statuses = new Map<string, number>();
}

const statusKey = (status: number) => (status === 0 ? 'network' : String(status));

export class Recorder {
  private readonly ops = new Map<string, OpRecord>();
  private window = new Samples();
  private windowStart: number;
  dropped = 0;
  firstError: string | undefined;
  readonly startedAt: number;

  constructor(private readonly now: () => number = () => performance.now()) {
    this.startedAt = this.windowStart = now();
  }

  record(op: string, status: number, latencyMs: number, error?: string): void {
    let rec = this.ops.get(op);
    if (!rec) this.ops.set(op, (rec = new OpRecord()));
    const key = statusKey(status);
    rec.statuses.set(key, (rec.statuses.get(key) ?? 0) + 1);
    // A failed connection has no meaningful latency; everything that got an answer counts.
    if (status !== 0) {
      rec.samples.push(latencyMs);
      this.window.push(latencyMs);
    } else this.firstError ??= error;
  }

  get requests(): number {
    let n = 0;
    for (const rec of this.ops.values()) for (const c of rec.statuses.values()) n += c;
    return n;
  }

  /** One line for the last interval: rate and percentiles of what completed in it. */
  progressLine(durationMs: number, inFlight: number): string {
    const now = this.now();
    const w = summarize(this.window.values());
    const rate = w.count / ((now - this.windowStart) / 1000 || 1);
    this.window = new Samples();
    this.windowStart = now;
    const s = this.summary(now);
    const failed = s.failures ? `  failed ${s.failures}` : '';
    const dropped = this.dropped ? `  dropped ${this.dropped}` : '';
    const ms = (x: number) => (Number.isNaN(x) ? '-' : x.toFixed(1));
    return `[${((now - this.startedAt) / 1000).toFixed(0).padStart(3)}s/${(durationMs / 1000).toFixed(0)}s] done ${s.requests}  ${rate.toFixed(0)}/s  p50 ${ms(w.p50)}ms  p99 ${ms(w.p99)}ms  in flight ${inFlight}${failed}${dropped}`;
  }

  summary(now = this.now(), meta: { scenario?: string; rate?: number | 'max'; concurrency?: number } = {}): LoadSummary {
    const elapsedMs = now - this.startedAt;
    const ops: Record<string, OpSummary> = {};
    const statuses: Record<string, number> = {};
    const all = new Samples();
    let requests = 0;
    for (const [name, rec] of [...this.ops].sort(([a], [b]) => a.localeCompare(b))) {
      const opStatuses = Object.fromEntries([...rec.statuses].sort());
      let count = 0;
      for (const [key, c] of rec.statuses) {
        count += c;
        statuses[key] = (statuses[key] ?? 0) + c;
      }
      for (const v of rec.samples.values()) all.push(v);
      requests += count;
      ops[name] = { count, perSec: count / (elapsedMs / 1000), statuses: opStatuses, latencyMs: rec.samples.summary() };
    }
    const ok = Object.entries(statuses).reduce((n, [k, c]) => n + (k.startsWith('2') ? c : 0), 0);
    const failures = Object.entries(statuses).reduce((n, [k, c]) => n + (k === 'network' || k.startsWith('5') ? c : 0), 0);
    return {
      scenario: meta.scenario ?? '',
      rate: meta.rate ?? 'max',
      concurrency: meta.concurrency ?? 0,
      elapsedMs,
      requests,
      perSec: requests / (elapsedMs / 1000),
      ok,
      dropped: this.dropped,
      failures,
      statuses,
      latencyMs: all.summary(),
      ops,
    };
  }
}

/** The human summary: one row per operation and a total, aligned. */
export function formatSummary(s: LoadSummary): string {
  const ms = (x: number) => (Number.isNaN(x) ? '-' : x.toFixed(2));
  const statuses = (r: Record<string, number>) => Object.entries(r).map(([k, v]) => `${k}:${v}`).join(' ');
  const rows = [
    ['operation', 'count', 'per s', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms', 'statuses'],
    ...Object.entries(s.ops).map(([name, o]) => [name, String(o.count), o.perSec.toFixed(1), ms(o.latencyMs.p50), ms(o.latencyMs.p90), ms(o.latencyMs.p99), ms(o.latencyMs.max), statuses(o.statuses)]),
    ['total', String(s.requests), s.perSec.toFixed(1), ms(s.latencyMs.p50), ms(s.latencyMs.p90), ms(s.latencyMs.p99), ms(s.latencyMs.max), statuses(s.statuses)],
  ];
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  const lines = rows.map((r) => r.map((cell, c) => (c === 0 || c === r.length - 1 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ').trimEnd());
  const head = `scenario ${s.scenario}, rate ${s.rate === 'max' ? 'max (closed loop)' : `${s.rate}/s`}, concurrency ${s.concurrency}, ${(s.elapsedMs / 1000).toFixed(1)} s`;
  const tail = `ok ${s.ok}, failed (5xx or network) ${s.failures}, dropped (no free slot) ${s.dropped}`;
  return [head, ...lines, tail].join('\n');
}
