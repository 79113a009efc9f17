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
}

/**
 * Reads again and again, one read at a time, each a pause after the previous one ended (so a slow
 * read never has another start beside it). What the log replica and the durable feed share.
 */
export class PollLoop {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  private failing = false;

  constructor(private readonly options: PollLoopOptions) {}

  /** The first read comes after `firstMs` (by default, the usual pause). Nothing once stopped. */
  start(firstMs = this.pause()): void {
    this.schedule(firstMs);
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
    if (this.stopped) return;
    const { work, log, failing, working } = this.options;
    this.timer = setTimeout(() => {
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
          this.schedule(this.pause());
        });
    }, ms);
  }
}
