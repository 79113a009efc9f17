import type { Metrics } from '../metrics/metrics';
import { CONSISTENCY_TOKEN_HEADER, parseTokens, type StreamPositions } from './token';

/** Where a read model stands: the applied version of each stream asked about (0 when none), in order. */
export type VersionsOf = (streamIds: readonly string[]) => Promise<number[]>;

export interface ConsistencyGateOptions {
  versionsOf: VersionsOf;
  /** Only streams this read model is built from count; a token for any other stream is satisfied by definition. */
  covers(streamId: string): boolean;
  /** How long a read may wait for its tokens (CONSISTENCY_WAIT_MS). */
  waitMs: number;
  /** Reads that may wait at once; one more is refused with 503 at once (CONSISTENCY_MAX_WAITERS). */
  maxWaiters: number;
  /**
   * Re-check even without a local wake-up, at most this often. Needed when the read model is
   * shared and written by others (Neo4j behind several instances, a database behind several
   * service instances): the write this read waits for may be applied by another instance, which
   * cannot wake us. One re-check serves every waiter at once, so its cost does not grow with them.
   */
  recheckMs?: number;
  /**
   * For a read model kept in memory and fed from a table (the user name index): brings it up to
   * date on demand. Called once before a read starts to wait, and before each timed re-check, so a
   * write made through another instance is seen at once instead of at the next periodic refresh.
   */
  catchUp?: () => Promise<void>;
  metrics: Metrics;
}

/** Not a DomainError: the answer carries Retry-After, and a 503 here is expected, not a fault. */
export class ConsistencyError extends Error {
  constructor(
    readonly status: 429 | 503,
    message: string,
    readonly headers: Record<string, string>,
  ) {
    super(message);
    this.name = 'ConsistencyError';
  }
}

interface Waiter {
  wanted: StreamPositions;
  wake(): void;
}

/**
 * Makes a read wait until the read model reflects every write its tokens stand for, or refuses it.
 * No polling per request: waiters sleep until `notify()` (the projection applied something) or the
 * shared re-check timer, then all of them are checked against one batched version look-up.
 */
export class ConsistencyGate {
  private readonly waiters = new Set<Waiter>();
  private checking: Promise<void> | undefined;
  private again = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly waits;
  private readonly seconds;

  constructor(private readonly options: ConsistencyGateOptions) {
    this.waits = options.metrics.counter('consistency_waits_total', 'Reads that carried a Consistency-Token, by outcome', ['outcome']);
    for (const outcome of ['immediate', 'waited', 'timeout', 'refused']) this.waits.inc({ outcome }, 0);
    this.seconds = options.metrics.histogram('consistency_wait_seconds', 'Time a read with a Consistency-Token waited for the read model', []);
  }

  /** Waiting reads now, for tests and the gauge. */
  get waiting(): number {
    return this.waiters.size;
  }

  /**
   * Resolves when the read may be answered; throws 400 (malformed token, from parseTokens), 503
   * after CONSISTENCY_WAIT_MS, or 503 at once when too many reads wait already. Both 503s carry
   * Retry-After.
   */
  async ensure(header: string | null | undefined, answer?: { headers: Record<string, string | number> }): Promise<void> {
    // Most reads carry no token: nothing to parse or filter (a few percent of a cheap read's CPU).
    if (header === null || header === undefined) return;
    const all = parseTokens(header);
    const wanted = new Map([...all].filter(([stream]) => this.options.covers(stream)));
    if (all.size === 0) return;
    if (wanted.size === 0 || (await this.reached(wanted)) || (await this.reachedAfterCatchUp(wanted))) {
      this.waits.inc({ outcome: 'immediate' });
      return;
    }
    if (this.waiters.size >= this.options.maxWaiters) {
      this.waits.inc({ outcome: 'refused' });
      throw new ConsistencyError(503, `too many reads are waiting for their ${CONSISTENCY_TOKEN_HEADER}; retry later`, { 'retry-after': '1' });
    }
    const started = performance.now();
    const caughtUp = await this.wait(wanted);
    const seconds = (performance.now() - started) / 1000;
    this.seconds.observe({}, seconds);
    // The standard way to tell a client where its time went; `bun run generate --consistent` reads it.
    if (answer) answer.headers['server-timing'] = `consistency;dur=${(seconds * 1000).toFixed(1)}`;
    if (caughtUp) {
      this.waits.inc({ outcome: 'waited' });
      return;
    }
    this.waits.inc({ outcome: 'timeout' });
    throw new ConsistencyError(
      503,
      `the read model has not caught up with the ${CONSISTENCY_TOKEN_HEADER} within ${this.options.waitMs} ms; retry later`,
      { 'retry-after': String(Math.max(1, Math.ceil(this.options.waitMs / 1000))) },
    );
  }

  /** The projection applied events: re-check the waiters (once, however many they are). */
  notify(): void {
    if (this.waiters.size > 0) void this.checkAll();
  }

  private wait(wanted: StreamPositions): Promise<boolean> {
    return new Promise<boolean>((resolve) => {
      const waiter: Waiter = {
        wanted,
        wake: () => {
          clearTimeout(deadline);
          this.waiters.delete(waiter);
          resolve(true);
        },
      };
      const deadline = setTimeout(() => {
        this.waiters.delete(waiter);
        resolve(false);
      }, this.options.waitMs);
      this.waiters.add(waiter);
      this.schedule();
      // Applied between the first look and joining the waiters: look once more.
      void this.checkAll();
    });
  }

  private schedule(): void {
    const every = this.options.recheckMs;
    if (every === undefined || this.timer || this.waiters.size === 0) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const caughtUp = this.options.catchUp?.().catch(() => undefined) ?? Promise.resolve();
      void caughtUp.then(() => this.checkAll()).finally(() => this.schedule());
    }, every);
  }

  /** One look-up for the union of every waiter's streams; a wake-up during a look-up runs another after it. */
  private checkAll(): Promise<void> {
    if (this.checking) {
      this.again = true;
      return this.checking;
    }
    this.checking = (async () => {
      do {
        this.again = false;
        const waiters = [...this.waiters];
        if (waiters.length === 0) break;
        const streams = [...new Set(waiters.flatMap((w) => [...w.wanted.keys()]))];
        let versions: number[];
        try {
          versions = await this.options.versionsOf(streams);
        } catch {
          break; // the store is down: the next wake-up or the deadline decides
        }
        const applied = new Map(streams.map((s, i) => [s, versions[i] ?? 0]));
        for (const w of waiters) if ([...w.wanted].every(([s, v]) => (applied.get(s) ?? 0) >= v)) w.wake();
      } while (this.again);
    })().finally(() => (this.checking = undefined));
    return this.checking;
  }

  private async reachedAfterCatchUp(wanted: StreamPositions): Promise<boolean> {
    if (!this.options.catchUp) return false;
    await this.options.catchUp().catch(() => undefined);
    return this.reached(wanted);
  }

  private async reached(wanted: StreamPositions): Promise<boolean> {
    const streams = [...wanted.keys()];
    const versions = await this.options.versionsOf(streams);
    return streams.every((s, i) => (versions[i] ?? 0) >= wanted.get(s)!);
  }
}
