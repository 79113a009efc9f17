// What `--consistent` reports: reads sent with the token of the command before them, how many had
// to wait for the projection (the service says so in `Server-Timing: consistency;dur=...`), how
// long, and how many gave up (503).

import type { ApiResult } from './api';

const percentile = (sorted: readonly number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;

export class ConsistentReads {
  private sent = 0;
  private immediate = 0;
  private readonly waits: number[] = [];
  private timeouts = 0;
  /** 5xx other than a consistency 503, and network errors. */
  failures = 0;

  constructor(private readonly title = 'sent with the token of the command before them') {}

  record(result: ApiResult<unknown>): void {
    this.sent++;
    if (result.kind === 'ok') {
      if (result.waitedMs === undefined) this.immediate++;
      else this.waits.push(result.waitedMs);
    } else if (result.kind === 'http' && result.status === 503) this.timeouts++;
    else if (result.kind === 'network' || result.status >= 500) this.failures++;
  }

  lines(): string[] {
    const sorted = [...this.waits].sort((a, b) => a - b);
    const ms = (v: number) => `${v.toFixed(1)} ms`;
    return [
      `Consistent reads (${this.title})`,
      `  sent ${this.sent}: ${this.immediate} answered at once, ${sorted.length} waited, ${this.timeouts} not caught up in time (503)`,
      ...(sorted.length ? [`  wait p50 ${ms(percentile(sorted, 0.5))}, p99 ${ms(percentile(sorted, 0.99))}, max ${ms(sorted.at(-1)!)}`] : []),
    ];
  }
}
