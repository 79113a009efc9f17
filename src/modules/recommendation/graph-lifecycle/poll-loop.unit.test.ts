import { expect, test } from 'bun:test';
import { createLogger } from '../../../platform/log';
import { PollLoop } from './poll-loop';

const until = async (what: () => boolean) => {
  for (let i = 0; i < 500 && !what(); i++) await Bun.sleep(2);
  expect(what()).toBe(true);
};

test('reads again and again; a run of failures is logged once, and so is the recovery; stop waits for the read under way', async () => {
  const lines: { level: string; msg: string }[] = [];
  const log = createLogger({}, 'info', (line) => void lines.push(JSON.parse(line)));
  // Reads 3 to 5 fail, then they work again.
  let reads = 0;
  let inFlight = 0;
  let overlapped = false;
  let release: (() => void) | undefined;
  const loop = new PollLoop({
    work: async () => {
      const n = ++reads;
      overlapped ||= ++inFlight > 1;
      try {
        if (n === 8) await new Promise<void>((resolve) => (release = resolve));
        else await Bun.sleep(1);
        if (n >= 3 && n <= 5) throw new Error(`read ${n} failed`);
      } finally {
        inFlight--;
      }
    },
    everyMs: 1,
    log,
    failing: 'cannot read; retrying',
    working: 'reads again',
  });
  loop.start(0);
  await until(() => release !== undefined);
  expect(lines.map((l) => [l.level, l.msg])).toEqual([
    ['warn', 'cannot read; retrying'],
    ['info', 'reads again'],
  ]);

  // Read 8 is under way: stop resolves only once it ended, and no read comes after it.
  let stopped = false;
  const stopping = loop.stop().then(() => (stopped = true));
  await Bun.sleep(10);
  expect(stopped).toBe(false);
  release!();
  await stopping;
  await Bun.sleep(20);
  expect(reads).toBe(8);
  expect(overlapped).toBe(false);
});

test('a pause given as a function is asked before each read; a loop stopped before it starts never reads', async () => {
  let reads = 0;
  const pauses: number[] = [];
  const loop = new PollLoop({
    work: async () => void reads++,
    everyMs: () => {
      pauses.push(reads);
      return 1;
    },
    log: createLogger({}, 'error', () => {}),
    failing: 'failing',
    working: 'working',
  });
  loop.start();
  await until(() => reads >= 3);
  await loop.stop();
  // Once for the first read, then after each read.
  expect(pauses.slice(0, 3)).toEqual([0, 1, 2]);

  const never = new PollLoop({ work: async () => void reads++, everyMs: 1, log: createLogger({}, 'error', () => {}), failing: 'f', working: 'w' });
  const before = reads;
  await never.stop();
  never.start(0);
  await Bun.sleep(10);
  expect(reads).toBe(before);
});

test('wake brings the next read forward, never sooner than minGapMs after the last one; a wake during a read asks for one more', async () => {
  const startedAt: number[] = [];
  let release: (() => void) | undefined;
  let hold = false;
  const loop = new PollLoop({
    work: async () => {
      startedAt.push(performance.now());
      if (hold) await new Promise<void>((resolve) => (release = resolve));
    },
    everyMs: 60_000,
    minGapMs: 50,
    log: createLogger({}, 'error', () => {}),
    failing: 'f',
    working: 'w',
  });
  loop.start(0);
  await until(() => startedAt.length === 1);
  await loop.idle();
  // Woken at once after a read: the read waits out the gap, then comes long before the pause.
  const woken = performance.now();
  loop.wake();
  loop.wake(); // a second wake before the read adds nothing
  await until(() => startedAt.length === 2);
  expect(startedAt[1]! - woken).toBeGreaterThanOrEqual(40);
  await Bun.sleep(80);
  expect(startedAt.length).toBe(2);

  // Woken while a read is under way: one more read follows it, not two.
  hold = true;
  loop.wake();
  await until(() => release !== undefined);
  loop.wake();
  loop.wake();
  hold = false;
  release!();
  await until(() => startedAt.length === 4);
  await Bun.sleep(120);
  expect(startedAt.length).toBe(4);
  await loop.stop();
  loop.wake();
  await Bun.sleep(60);
  expect(startedAt.length).toBe(4);
});

test('a wake never sets a timer with a negative delay (the runtime would print a warning for each)', async () => {
  const delays: number[] = [];
  const original = globalThis.setTimeout;
  globalThis.setTimeout = Object.assign((handler: () => void, ms?: number) => (delays.push(ms ?? 0), original(handler, ms)), original) as typeof setTimeout;
  let reads = 0;
  const loop = new PollLoop({ work: async () => void reads++, everyMs: 60_000, minGapMs: 1, log: createLogger({}, 'error', () => {}), failing: 'f', working: 'w' });
  try {
    loop.start(0);
    for (let i = 1; i <= 20; i++) {
      await until(() => reads === i);
      await loop.idle();
      await Bun.sleep(3); // the gap has passed: the read is due at once
      loop.wake();
    }
  } finally {
    globalThis.setTimeout = original;
    await loop.stop();
  }
  expect(delays.filter((ms) => ms < 0)).toEqual([]);
});
