// Per-phase counters and latency percentiles for the end-of-run summary.
//
// Latencies are kept raw (one number per request) rather than in a histogram: a run makes at most
// a few million requests, and exact percentiles are easier to trust than bucketed ones.
import { percentile } from '../load-lib/percentiles';

export type Outcome =
  | { kind: 'created'; latencyMs: number }
  | { kind: 'rejected'; status: number; detail?: string; latencyMs: number }
  | { kind: 'network'; error: string };

export class PhaseStats {
  attempted = 0;
  created = 0;
  networkErrors = 0;
  /** HTTP status -> count, for every non-success response. */
  readonly rejected = new Map<number, number>();
  /** The first problem detail seen per status, so a summary can say *why*, not just how often. */
  readonly firstDetail = new Map<number, string>();
  firstNetworkError: string | undefined;
  private readonly latencies: number[] = [];
  private readonly startedAt: number;
  private endedAt: number | undefined;

  constructor(
    readonly name: string,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.startedAt = now();
  }

  record(outcome: Outcome): void {
    this.attempted++;
    switch (outcome.kind) {
      case 'created':
        this.created++;
        this.latencies.push(outcome.latencyMs);
        break;
      case 'rejected':
        this.rejected.set(outcome.status, (this.rejected.get(outcome.status) ?? 0) + 1);
        if (outcome.detail && !this.firstDetail.has(outcome.status)) this.firstDetail.set(outcome.status, outcome.detail);
        // A rejection is still a full round trip, so it counts toward latency.
        this.latencies.push(outcome.latencyMs);
        break;
      case 'network':
        this.networkErrors++;
        this.firstNetworkError ??= outcome.error;
        break;
    }
  }

  finish(): void {
    this.endedAt ??= this.now();
  }

  get elapsedMs(): number {
    return (this.endedAt ?? this.now()) - this.startedAt;
  }

  get requestsPerSecond(): number {
    const seconds = this.elapsedMs / 1000;
    return seconds > 0 ? this.attempted / seconds : 0;
  }

  /** Failures that mean something is wrong with the server or the network (drives exit code 1). */
  get serverOrNetworkFailures(): number {
    let failures = this.networkErrors;
    for (const [status, count] of this.rejected) if (status >= 500) failures += count;
    return failures;
  }

  latency(p: number): number | undefined {
    // Sorting per call is fine: the summary asks twice, once per run. No answers, no latency.
    if (this.latencies.length === 0) return undefined;
    return percentile([...this.latencies].sort((a, b) => a - b), p);
  }
}

/** "409: 12, 500: 1" in status order, or "none". */
export function formatRejected(rejected: ReadonlyMap<number, number>): string {
  if (rejected.size === 0) return 'none';
  return [...rejected.entries()]
    .sort(([a], [b]) => a - b)
    .map(([status, count]) => `${status}: ${count}`)
    .join(', ');
}

/** The summary block for one phase, one fact per line so it reads well and greps easily. */
export function formatPhase(label: string, stats: PhaseStats): string[] {
  const ms = (v: number | undefined) => (v === undefined ? 'n/a' : `${v.toFixed(1)} ms`);
  const lines = [
    `${label} (${(stats.elapsedMs / 1000).toFixed(2)} s)`,
    `  attempted       ${stats.attempted}`,
    `  created         ${stats.created}`,
    `  rejected        ${formatRejected(stats.rejected)}`,
    `  network errors  ${stats.networkErrors}`,
    `  requests/s      ${stats.requestsPerSecond.toFixed(1)}`,
    `  latency         p50 ${ms(stats.latency(50))}, p99 ${ms(stats.latency(99))}`,
  ];
  // 409 is expected (pair already friends from an earlier run); other statuses deserve an example.
  for (const [status, detail] of stats.firstDetail) {
    if (status !== 409) lines.push(`  ${`first ${status}`.padEnd(16)}${detail}`);
  }
  if (stats.firstNetworkError) lines.push(`  first network   ${stats.firstNetworkError}`);
  return lines;
}
