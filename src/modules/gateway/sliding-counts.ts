/** Buckets per window: recording touches one, reading sums them all. */
const BUCKETS = 10;

/**
 * Requests and failures over about the last `windowMs` (between nine and ten tenths of it: the
 * oldest bucket leaves whole). Fixed memory and O(1) per request, where a list of timestamps
 * would grow with the traffic.
 */
export class SlidingCounts {
  private readonly bucketMs: number;
  private readonly epochs = new Float64Array(BUCKETS).fill(-Infinity);
  private readonly requests = new Uint32Array(BUCKETS);
  private readonly failures = new Uint32Array(BUCKETS);

  constructor(windowMs: number) {
    this.bucketMs = Math.max(1, windowMs / BUCKETS);
  }

  add(now: number, failed: boolean): void {
    const epoch = Math.floor(now / this.bucketMs);
    const i = epoch % BUCKETS;
    if (this.epochs[i] !== epoch) {
      this.epochs[i] = epoch;
      this.requests[i] = 0;
      this.failures[i] = 0;
    }
    this.requests[i]!++;
    if (failed) this.failures[i]!++;
  }

  /** Requests and failures in the window ending at `now`. */
  read(now: number): { requests: number; failures: number } {
    const oldest = Math.floor(now / this.bucketMs) - BUCKETS;
    let requests = 0;
    let failures = 0;
    for (let i = 0; i < BUCKETS; i++) {
      if (this.epochs[i]! <= oldest) continue;
      requests += this.requests[i]!;
      failures += this.failures[i]!;
    }
    return { requests, failures };
  }

  clear(): void {
    this.epochs.fill(-Infinity);
  }
}
