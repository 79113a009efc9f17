import { describe, expect, test } from 'bun:test';
import { arrivalsDue, dueAt, runClosedLoop, runOpenLoop } from './scheduler';

describe('arrivalsDue', () => {
  test('arrival 0 is due at once, then one every 1/rate seconds', () => {
    expect(arrivalsDue(-1, 10)).toBe(0);
    expect(arrivalsDue(0, 10)).toBe(1);
    expect(arrivalsDue(99, 10)).toBe(1);
    expect(arrivalsDue(100, 10)).toBe(2);
    expect(arrivalsDue(1000, 10)).toBe(11);
  });
  test('exact at boundaries despite floating point', () => {
    expect(arrivalsDue(1000, 3)).toBe(4);
    expect(arrivalsDue(dueAt(7, 3), 3)).toBe(8);
  });
  test('fractional rates', () => {
    expect(arrivalsDue(1999, 0.5)).toBe(1);
    expect(arrivalsDue(2000, 0.5)).toBe(2);
  });
});

/** A clock that only moves when the scheduler sleeps, so the test is exact and instant. */
function fakeTime() {
  let now = 0;
  return { now: () => now, sleep: async (ms: number) => void (now += Math.max(ms, 0.001)), advance: (ms: number) => void (now += ms) };
}

describe('runOpenLoop', () => {
  test('fires rate x duration arrivals on schedule, whatever the latency', async () => {
    const time = fakeTime();
    const firedAt: number[] = [];
    const { scheduled } = await runOpenLoop({ rate: 100, durationMs: 1000, concurrency: 1000, now: time.now, sleep: time.sleep, fire: async () => void firedAt.push(time.now()), drop: () => {} });
    expect(scheduled).toBe(100);
    expect(firedAt).toHaveLength(100);
    firedAt.forEach((t, k) => expect(t).toBeCloseTo(dueAt(k, 100), 0));
  });

  test('drops arrivals that find every slot busy, and counts them', async () => {
    const time = fakeTime();
    let release!: () => void;
    const blocked = new Promise<void>((resolve) => (release = resolve));
    const dropped: number[] = [];
    const run = runOpenLoop({ rate: 10, durationMs: 1000, concurrency: 2, now: time.now, sleep: time.sleep, fire: () => blocked, drop: (k) => dropped.push(k) });
    setTimeout(release, 5);
    await run;
    expect(dropped).toEqual([2, 3, 4, 5, 6, 7, 8, 9]);
  });

  test('stops scheduling when aborted', async () => {
    const time = fakeTime();
    const stop = new AbortController();
    let fired = 0;
    await runOpenLoop({ rate: 10, durationMs: 10_000, concurrency: 10, now: time.now, sleep: time.sleep, signal: stop.signal, drop: () => {}, fire: async () => void (++fired === 5 && stop.abort()) });
    expect(fired).toBe(5);
  });
});

describe('runClosedLoop', () => {
  test('keeps exactly `concurrency` requests in flight until the time is up', async () => {
    const time = fakeTime();
    let inFlight = 0;
    let most = 0;
    const { scheduled } = await runClosedLoop({
      durationMs: 100,
      concurrency: 4,
      now: time.now,
      fire: async () => {
        most = Math.max(most, ++inFlight);
        await Bun.sleep(0);
        time.advance(10);
        inFlight--;
      },
    });
    expect(most).toBe(4);
    expect(scheduled).toBeGreaterThanOrEqual(10);
  });
});
