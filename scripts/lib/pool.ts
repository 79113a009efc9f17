// A fixed-size worker pool over a shared queue.
//
// Why not Promise.all(items.map(...)): that starts every request at once, which for 100k users
// means 100k open sockets and a gateway under a thundering herd. Here exactly `concurrency`
// workers pull from one iterator, so at most that many tasks are in flight, and items (e.g. lazily
// drawn friend pairs) are produced only when a worker is ready for them.

export interface PoolOptions {
  concurrency: number;
  /** When aborted (e.g. Ctrl-C), workers take no new items; tasks already running finish. */
  signal?: AbortSignal;
}

/**
 * Runs `task` for every item with at most `concurrency` tasks in flight.
 * A task that throws stops the pool from taking new items; runPool then rejects with that error
 * once the running tasks have settled (tasks are expected to handle their own expected failures).
 */
export async function runPool<T>(
  items: Iterable<T>,
  options: PoolOptions,
  task: (item: T, index: number) => Promise<void>,
): Promise<void> {
  if (!Number.isInteger(options.concurrency) || options.concurrency < 1) {
    throw new RangeError(`concurrency must be a positive integer, got ${options.concurrency}`);
  }
  // One iterator shared by all workers is the queue: JavaScript runs one worker at a time between
  // awaits, so next() is never called concurrently and each item goes to exactly one worker.
  const queue = items[Symbol.iterator]();
  let index = 0;
  let failure: { error: unknown } | undefined;

  const worker = async () => {
    while (!failure && !options.signal?.aborted) {
      const next = queue.next();
      if (next.done) return;
      try {
        await task(next.value, index++);
      } catch (error) {
        failure ??= { error };
      }
    }
  };

  await Promise.all(Array.from({ length: options.concurrency }, worker));
  if (failure) throw failure.error;
}
