// A live progress line on stderr (stdout stays clean for the summary, so it can be piped or saved).
//
// On a terminal the line is redrawn in place, at most ~10 times a second: redrawing per request
// would spend more time writing to the terminal than the requests take. When stderr is a file or a
// CI log, carriage returns would pile up as garbage, so plain lines are printed instead, once a
// second at most, plus a final one.

export interface ProgressSnapshot {
  label: string;
  done: number;
  total: number;
  elapsedMs: number;
  errors: number;
}

const BAR_WIDTH = 24;

/** Pure rendering, kept separate from timing and I/O so it can be tested. */
export function renderProgress(s: ProgressSnapshot, withBar: boolean): string {
  const fraction = s.total > 0 ? Math.min(1, s.done / s.total) : 1;
  const seconds = s.elapsedMs / 1000;
  const rate = seconds > 0 ? s.done / seconds : 0;
  const parts = [
    s.label.padEnd(12),
    withBar ? `[${'#'.repeat(Math.round(fraction * BAR_WIDTH)).padEnd(BAR_WIDTH, '.')}]` : undefined,
    `${s.done}/${s.total}`,
    `${(fraction * 100).toFixed(0).padStart(3)}%`,
    `${rate.toFixed(1)}/s`,
    `${seconds.toFixed(1)}s`,
    s.errors > 0 ? `errors ${s.errors}` : undefined,
  ];
  return parts.filter((p) => p !== undefined).join('  ');
}

export interface ProgressOptions {
  label: string;
  total: number;
  /** Defaults to process.stderr; injectable for tests. */
  write?: (text: string) => void;
  isTTY?: boolean;
  now?: () => number;
}

export class ProgressBar {
  private done = 0;
  private errors = 0;
  private lastDraw = -Infinity;
  private lastDrawn = ''; // state of the last plain line, to avoid printing the same line twice
  private finished = false;
  private readonly write: (text: string) => void;
  private readonly isTTY: boolean;
  private readonly now: () => number;
  private readonly startedAt: number;
  private readonly interval: number;

  constructor(private readonly options: ProgressOptions) {
    this.write = options.write ?? ((text) => void process.stderr.write(text));
    this.isTTY = options.isTTY ?? Boolean(process.stderr.isTTY);
    this.now = options.now ?? (() => performance.now());
    this.startedAt = this.now();
    this.interval = this.isTTY ? 100 : 1000;
    this.draw(true);
  }

  /** Marks one item done (failed or not); redraws only if enough time passed. */
  tick(failed = false): void {
    this.done++;
    if (failed) this.errors++;
    this.draw(false);
  }

  /** Draws the final state and ends the line, so whatever is printed next starts clean. */
  finish(): void {
    if (this.finished) return;
    this.draw(true);
    if (this.isTTY) this.write('\n');
    this.finished = true;
  }

  private draw(force: boolean): void {
    if (this.finished) return;
    const now = this.now();
    if (!force && now - this.lastDraw < this.interval) return;
    const state = `${this.done}/${this.errors}`;
    if (!this.isTTY && state === this.lastDrawn) return;
    this.lastDraw = now;
    this.lastDrawn = state;
    const line = renderProgress(
      { label: this.options.label, done: this.done, total: this.options.total, elapsedMs: now - this.startedAt, errors: this.errors },
      this.isTTY,
    );
    // \r returns to column 0 and \x1b[K clears leftovers of a longer previous line.
    this.write(this.isTTY ? `\r${line}\x1b[K` : `${line}\n`);
  }
}
