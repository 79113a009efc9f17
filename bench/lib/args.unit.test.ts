import { describe, expect, test } from 'bun:test';
import { FULL, parseBenchArgs, profileOf, QUICK, SUITES, UsageError } from './args';

describe('parseBenchArgs', () => {
  test('defaults: full run, every suite, embedded only', () => {
    expect(parseBenchArgs([])).toEqual({ quick: false, distributed: false, only: [...SUITES], tool: 'auto' });
  });
  test('the documented flags', () => {
    expect(parseBenchArgs(['--', '--quick', '--out', 'r.json', '--distributed', '--only', 'http,graph', '--tool', 'bun', '--users', '20000', '--neo4j-users', '500'])).toEqual({
      quick: true,
      distributed: true,
      out: 'r.json',
      only: ['http', 'graph'],
      tool: 'bun',
      users: 20_000,
      neo4jUsers: 500,
    });
    expect(parseBenchArgs(['--help'])).toBeUndefined();
    expect(parseBenchArgs(['--distributed-only'])).toMatchObject({ distributed: true, distributedOnly: true });
  });
  test('bad input names what is wrong', () => {
    expect(() => parseBenchArgs(['--only', 'http,nap'])).toThrow('unknown suite nap');
    expect(() => parseBenchArgs(['--out'])).toThrow('--out needs a value');
    expect(() => parseBenchArgs(['--users', '1'])).toThrow(UsageError);
    expect(() => parseBenchArgs(['--tool', 'ab'])).toThrow('--tool');
    expect(() => parseBenchArgs(['--fast'])).toThrow('unknown option');
  });
});

describe('profileOf', () => {
  test('quick is small, full has the 1k/10k/100k curve', () => {
    expect(profileOf({ quick: true, distributed: false, only: [], tool: 'auto' }).scale).toEqual(QUICK.scale);
    expect(profileOf({ quick: false, distributed: false, only: [], tool: 'auto' }).scale).toEqual([1000, 10_000, 100_000]);
    expect(FULL.loadedUsers).toBe(100_000);
  });
  test('--users ends the curve at that size and sizes the loaded graph', () => {
    const p = profileOf({ quick: false, distributed: false, only: [], tool: 'auto', users: 20_000 });
    expect(p.scale).toEqual([1000, 10_000, 20_000]);
    expect(p.loadedUsers).toBe(20_000);
  });
});
