import { describe, expect, test } from 'bun:test';
import { ProgressBar, renderProgress } from './progress';

describe('renderProgress', () => {
  test('shows done/total, percent, rate and elapsed time', () => {
    const line = renderProgress({ label: 'users', done: 50, total: 200, elapsedMs: 2000, errors: 0 }, true);
    expect(line).toContain('[######..................]');
    expect(line).toContain('50/200');
    expect(line).toContain(' 25%');
    expect(line).toContain('25.0/s');
    expect(line).toContain('2.0s');
    expect(line).not.toContain('errors');
  });

  test('plain form has no bar; errors show when present; zero total is complete', () => {
    const line = renderProgress({ label: 'friendships', done: 0, total: 0, elapsedMs: 0, errors: 2 }, false);
    expect(line).not.toContain('[');
    expect(line).toContain('100%');
    expect(line).toContain('0.0/s');
    expect(line).toContain('errors 2');
  });
});

describe('ProgressBar', () => {
  const make = (isTTY: boolean) => {
    let clock = 0;
    const out: string[] = [];
    const bar = new ProgressBar({ label: 'users', total: 100, isTTY, write: (t) => void out.push(t), now: () => clock });
    return { bar, out, advance: (ms: number) => (clock += ms) };
  };

  test('on a TTY redraws in place at most every 100 ms, then ends the line', () => {
    const { bar, out, advance } = make(true);
    for (let i = 0; i < 100; i++) {
      advance(5); // 100 ticks over 500 ms
      bar.tick();
    }
    bar.finish();
    bar.finish(); // idempotent
    expect(out.length).toBeLessThanOrEqual(1 + 5 + 2); // initial, ~10/s, final, newline
    expect(out.every((t) => t === '\n' || t.startsWith('\r'))).toBe(true);
    expect(out.at(-2)).toContain('100/100');
    expect(out.at(-1)).toBe('\n');
  });

  test('without a TTY prints plain lines at most once a second', () => {
    const { bar, out, advance } = make(false);
    for (let i = 0; i < 100; i++) {
      advance(25); // 2.5 s total
      bar.tick(i % 10 === 0);
    }
    bar.finish();
    expect(out.length).toBeLessThanOrEqual(1 + 3 + 1);
    expect(out.every((t) => !t.includes('\r') && t.endsWith('\n'))).toBe(true);
    expect(out.at(-1)).toContain('100/100');
    expect(out.at(-1)).toContain('errors 10');
  });
});

test('without a TTY an unchanged state is not printed twice', () => {
  const out: string[] = [];
  const bar = new ProgressBar({ label: 'friendships', total: 0, isTTY: false, write: (t) => void out.push(t), now: () => 0 });
  bar.finish();
  expect(out).toEqual([expect.stringContaining('0/0')]);
});
