import type { Logger } from '../../../platform/log';

export interface PollLoopOptions {
  /** One read; a failure is logged and the next one comes at the usual time, asking the same again. */
  work: () => Promise<unknown>;
  /** Pause between the end of one read and the start of the next; a function when it depends on state. */
  everyMs: number | (() => number);
  log: Logger;
  /** Logged (warn) at the first failure of a run of them, not at each: a long outage is one line. */
  failing: string;
  /** Logged (info) at the first read that works after failures. */
  working: string;
  /** `wake()` never starts a read sooner than this after the previous one ended: bounds the reads under load. */
  minGapMs?: number;
}

/**
 * Reads again and again, one read at a time, each a pause after the previous one ended (so a slow
 * read never has another start beside it). What the log replica and the durable feed share.
 * `wake()` brings the next read forward when there is news (a notification), so the pause can be
 * long when nothing happens and a read still follows each write closely.
 */
export class PollLoop {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  private failing = false;
  /** When the pending timer fires (performance.now()); Infinity when none is pending. */
  private dueAt = Infinity;
  private lastEndedAt = -Infinity;
  private wokenDuringRead = false;

  constructor(private readonly options: PollLoopOptions) {}

  /** The first read comes after `firstMs` (by default, the usual pause), or sooner if woken. Nothing once stopped. */
  start(firstMs = this.pause()): void {
    if (this.running || performance.now() + firstMs >= this.dueAt) return;
    this.schedule(firstMs);
  }

  /**
   * A read as soon as allowed: now, or `minGapMs` after the previous one ended. During a read,
   * another follows it (what woke us may have committed after that read's snapshot).
   */
  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.wokenDuringRead = true;
      return;
    }
    const now = performance.now();
    const at = Math.max(now, this.lastEndedAt + (this.options.minGapMs ?? 0));
    if (at < this.dueAt) this.schedule(at - now);
  }

  /** Resolves once the read under way, if any, has ended. */
  async idle(): Promise<void> {
    await this.running;
  }

  /** No read starts from now on; resolves once the one under way has ended. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private pause(): number {
    const { everyMs } = this.options;
    return typeof everyMs === 'number' ? everyMs : everyMs();
  }

  private schedule(ms: number): void {
    clearTimeout(this.timer);
    this.dueAt = Infinity;
    if (this.stopped) return;
    const { work, log, failing, working } = this.options;
    this.dueAt = performance.now() + ms;
    this.timer = setTimeout(() => {
      this.dueAt = Infinity;
      this.running = work()
        .then(() => {
          if (this.failing) log.info(working);
          this.failing = false;
        })
        .catch((error) => {
          if (!this.failing) log.warn(failing, { error });
          this.failing = true;
        })
        .finally(() => {
          this.running = undefined;
          this.lastEndedAt = performance.now();
          const woken = this.wokenDuringRead;
          this.wokenDuringRead = false;
          this.schedule(woken ? Math.min(this.options.minGapMs ?? 0, this.pause()) : this.pause());
        });
    }, ms);
  }
}
