import { DeadLetterError } from './bus';

export interface Backoff {
  /** Wait before the first retry; doubles with every failed attempt. */
  initialMs: number;
  /** Cap on one wait: a handler's dependency coming back is noticed within this long. */
  maxMs: number;
}

export const backoffDelay = (attempt: number, b: Backoff): number =>
  Math.min(b.maxMs, b.initialMs * 2 ** Math.min(attempt, 30));

/** What a batch loop may check and do while it works: kafkajs' isRunning/isStale and heartbeat. */
export interface BatchControl {
  /** False once the consumer is stopping or the partition was re-positioned: stop, commit nothing. */
  active(): boolean;
  heartbeat(): Promise<void>;
}

/**
 * Waits in short slices so that a stop is noticed quickly and the group keeps hearing from us
 * (kafkajs only sends a heartbeat when its interval has passed). A heartbeat that reports a
 * rebalance throws: the error leaves eachBatch, kafkajs re-joins the group and the batch is
 * dropped uncommitted, to be fetched again by whoever owns the partition now.
 */
export async function pause(ms: number, control: BatchControl): Promise<boolean> {
  const until = Date.now() + ms;
  for (;;) {
    if (!control.active()) return false;
    const left = until - Date.now();
    if (left <= 0) return true;
    await new Promise((resolve) => setTimeout(resolve, Math.min(left, 200)));
    if (control.active()) await control.heartbeat();
  }
}

export type Outcome = { kind: 'done' } | { kind: 'stopped' } | { kind: 'dead'; error: DeadLetterError };

/**
 * Runs `work` until it succeeds, backing off between attempts. There is no attempt limit on
 * purpose: skipping an event a handler could not apply yet would lose it, so only a
 * `DeadLetterError` (never applicable) or a stop ends the loop early.
 */
export async function persist(
  work: () => Promise<void>,
  control: BatchControl,
  backoff: Backoff,
  onRetry: (attempt: number, error: unknown, delayMs: number) => void,
): Promise<Outcome> {
  for (let attempt = 0; ; attempt++) {
    if (!control.active()) return { kind: 'stopped' };
    try {
      await work();
      return { kind: 'done' };
    } catch (error) {
      if (error instanceof DeadLetterError) return { kind: 'dead', error };
      const delay = backoffDelay(attempt, backoff);
      onRetry(attempt + 1, error, delay);
      if (!(await pause(delay, control))) return { kind: 'stopped' };
    }
  }
}
