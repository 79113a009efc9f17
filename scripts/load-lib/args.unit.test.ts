import { describe, expect, test } from 'bun:test';
import { usageErrorOf } from '../../test/kits/usage-errors';
import { DEFAULTS, parseDuration, parseLoadArgs, UsageError } from './args';

describe('parseDuration', () => {
  test('reads s, m, ms, h and bare seconds', () => {
    expect(parseDuration('30s')).toBe(30_000);
    expect(parseDuration('2m')).toBe(120_000);
    expect(parseDuration('500ms')).toBe(500);
    expect(parseDuration('1.5s')).toBe(1500);
    expect(parseDuration('1h')).toBe(3_600_000);
    expect(parseDuration('7')).toBe(7000);
  });
  test('refuses nonsense and zero', () => {
    for (const bad of ['', 's', '10x', '-1s', '1e3', '0s']) expect(() => parseDuration(bad)).toThrow(UsageError);
  });
});

describe('parseLoadArgs', () => {
  test('defaults', () => {
    expect(parseLoadArgs([], {})).toEqual({ scenario: DEFAULTS.scenario, rate: 100, durationMs: 30_000, concurrency: 32, url: DEFAULTS.url, users: 200, seed: 1 });
  });
  test('the documented command line, with and without the -- separator', () => {
    const argv = ['--scenario', 'mixed', '--rate', '200', '--duration', '30s', '--concurrency', '32', '--url', 'http://127.0.0.1:9000/'];
    const expected = { scenario: 'mixed', rate: 200, durationMs: 30_000, concurrency: 32, url: 'http://127.0.0.1:9000' };
    expect(parseLoadArgs(argv)).toMatchObject(expected);
    expect(parseLoadArgs(['--', ...argv])).toMatchObject(expected);
  });
  test('takes the gateway from BASE_URL (as the k6 scripts do) unless --url is given', () => {
    const env = { BASE_URL: 'http://gw.example:8080/' };
    expect(parseLoadArgs([], env)).toMatchObject({ url: 'http://gw.example:8080' });
    expect(parseLoadArgs(['--url', 'http://127.0.0.1:9001'], env)).toMatchObject({ url: 'http://127.0.0.1:9001' });
    expect(() => parseLoadArgs([], { BASE_URL: 'gw:8080' })).toThrow('BASE_URL must use http or https');
  });
  test('--flag=value, rate max, fractional rate, --json', () => {
    expect(parseLoadArgs(['--rate=max', '--json=out.json'])).toMatchObject({ rate: 'max', json: 'out.json' });
    expect(parseLoadArgs(['--rate', '0.5'])).toMatchObject({ rate: 0.5 });
  });
  test('help', () => {
    expect(parseLoadArgs(['--help'])).toBeUndefined();
    expect(parseLoadArgs(['-h'])).toBeUndefined();
  });
  test('each bad input gets a message naming the flag', () => {
    const message = (argv: string[]) => usageErrorOf(() => parseLoadArgs(argv));
    expect(message(['--scenario', 'nap'])).toContain('--scenario');
    expect(message(['--rate', '0'])).toContain('--rate');
    expect(message(['--rate', 'fast'])).toContain('--rate');
    expect(message(['--concurrency', '0'])).toContain('--concurrency');
    expect(message(['--duration'])).toContain('--duration needs a value');
    expect(message(['--rate', '--duration', '1s'])).toContain('--rate needs a value');
    expect(message(['--url', 'localhost:9000'])).toContain('--url');
    expect(message(['--users', '1'])).toContain('--users');
    expect(message(['--bogus', '1'])).toContain('unknown option');
    expect(message(['--rate', '1', '--rate', '2'])).toContain('more than once');
    expect(message(['mixed'])).toContain('unexpected argument');
  });
});
