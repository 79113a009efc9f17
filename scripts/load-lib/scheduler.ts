// Open-loop arrivals: request k is due at k / rate seconds after the start, whatever happened to
// the requests before it. A closed loop (send, wait, send) slows down with the server and hides
// its queueing ("coordinated omission"); a fixed schedule does not.

/** How many arrivals are due by `elapsedMs` (arrival 0 is due at 0), at `rate` per second. */
export function arrivalsDue(elapsedMs: number, rate: number): number {
  if (elapsedMs < 0) return 0;
  // The epsilon absorbs float error: at 3/s, arrival 3 is due at exactly 1000 ms.
  return Math.floor((elapsedMs * rate) / 1000 + 1e-9) + 1;
}

/** When arrival `k` is due, in ms after the start. */
export function dueAt(k: number, rate: number): number {
  return (k * 1000) / rate;
}

export interface OpenLoopDeps {
  rate: number;
  durationMs: number;
  concurrency: number;
  /** Starts one request; the promise settles when it is done (it must not reject). */
  fire: (k: number) => Promise<void>;
  /** Called for an arrival that found every slot busy. */
  drop: (k: number) => void;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  signal?: AbortSignal;
}

/**
 * Fires arrivals on schedule for `durationMs`, then waits for those in flight. Timers are coarse
 * (a millisecond or more), so each wake-up fires every arrival that became due since the last one.
 */
export async function runOpenLoop({ rate, durationMs, concurrency, fire, drop, now = () => performance.now(), sleep = Bun.sleep, signal }: OpenLoopDeps) {
  const start = now();
  const total = arrivalsDue(durationMs - 1e-6, rate);
  const inFlight = new Set<Promise<void>>();
  let k = 0;
  while (k < total && !signal?.aborted) {
    const due = Math.min(total, arrivalsDue(now() - start, rate));
    for (; k < due; k++) {
      if (inFlight.size >= concurrency) {
        drop(k);
        continue;
      }
      const p = fire(k).finally(() => inFlight.delete(p));
      inFlight.add(p);
    }
    if (k < total) await sleep(Math.max(0, Math.min(dueAt(k, rate) - (now() - start), 50)));
  }
  await Promise.all(inFlight);
  return { scheduled: k };
}

/** Closed loop: `concurrency` workers back to back until the time is up. */
export async function runClosedLoop({ durationMs, concurrency, fire, now = () => performance.now(), signal }: Omit<OpenLoopDeps, 'rate' | 'drop' | 'sleep'>) {
  const end = now() + durationMs;
  let k = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (now() < end && !signal?.aborted) await fire(k++);
    }),
  );
  return { scheduled: k };
}
