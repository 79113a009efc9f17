import { describe, expect, test } from 'bun:test';
import { runPool } from './pool';

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/** A task that records how many tasks run at once, and takes a varying, short time. */
function tracked() {
  let inFlight = 0;
  const seen = { max: 0, processed: [] as number[] };
  const task = async (item: number) => {
    inFlight++;
    seen.max = Math.max(seen.max, inFlight);
    await Bun.sleep(item % 3);
    seen.processed.push(item);
    inFlight--;
  };
  return { seen, task };
}

describe('runPool', () => {
  test.each([1, 3, 8])('never runs more than %i tasks at once, and reaches that limit', async (concurrency) => {
    const { seen, task } = tracked();
    await runPool(range(50), { concurrency }, task);
    expect(seen.max).toBe(concurrency);
  });

  test('processes every item exactly once', async () => {
    const { seen, task } = tracked();
    await runPool(range(100), { concurrency: 7 }, task);
    expect(seen.processed.sort((a, b) => a - b)).toEqual(range(100));
  });

  test('more workers than items, and no items at all', async () => {
    const { seen, task } = tracked();
    await runPool(range(3), { concurrency: 10 }, task);
    expect(seen.processed.sort()).toEqual([0, 1, 2]);
    expect(seen.max).toBeLessThanOrEqual(3);
    await runPool([], { concurrency: 4 }, task);
  });

  test('pulls lazily from the iterator: never more than the limit ahead of completed work', async () => {
    let produced = 0;
    let completed = 0;
    function* items() {
      for (let i = 0; i < 20; i++) {
        produced++;
        expect(produced - completed).toBeLessThanOrEqual(2);
        yield i;
      }
    }
    await runPool(items(), { concurrency: 2 }, async () => {
      await Bun.sleep(1);
      completed++;
    });
    expect(completed).toBe(20);
  });

  test('an abort stops new work but lets running tasks finish', async () => {
    const stop = new AbortController();
    const { seen, task } = tracked();
    await runPool(range(100), { concurrency: 4, signal: stop.signal }, async (item) => {
      if (item === 10) stop.abort();
      await task(item);
    });
    expect(seen.processed.length).toBeGreaterThanOrEqual(11);
    expect(seen.processed.length).toBeLessThan(20);
  });

  test('a throwing task rejects the pool after running tasks settle', async () => {
    let started = 0;
    const run = runPool(range(100), { concurrency: 3 }, async (item) => {
      started++;
      await Bun.sleep(1);
      if (item === 5) throw new Error('boom');
    });
    await expect(run).rejects.toThrow('boom');
    expect(started).toBeLessThan(12);
  });

  test('rejects a bad concurrency', async () => {
    await expect(runPool([1], { concurrency: 0 }, async () => {})).rejects.toThrow(RangeError);
  });
});
