import { describe, expect, test } from 'bun:test';
import { usageErrorOf } from '../../test/kits/usage-errors';
import { DEFAULTS, LIMITS, parseArgs, type GenerateOptions } from './args';

const options = (...argv: string[]): GenerateOptions => {
  const result = parseArgs(argv, () => 'random-seed', {});
  if (result.kind !== 'options') throw new Error('expected options');
  return result.options;
};
const failure = (...argv: string[]): string => usageErrorOf(() => parseArgs(argv, undefined, {}));

describe('parseArgs', () => {
  test('defaults', () => {
    expect(options()).toEqual({ ...DEFAULTS, seed: 'random-seed' });
    expect(DEFAULTS).toMatchObject({ users: 100, friendships: 300, concurrency: 8, url: 'http://localhost:9000' });
  });

  test('reads every flag, in both --flag value and --flag=value forms', () => {
    expect(options('--users', '30', '--friendships=60', '--concurrency', '4', '--url', 'http://gw:8080/', '--seed', 'demo')).toEqual({
      users: 30,
      friendships: 60,
      concurrency: 4,
      url: 'http://gw:8080',
      seed: 'demo',
    });
  });

  test('takes the gateway from BASE_URL (as the k6 scripts do) unless --url is given', () => {
    const env = { BASE_URL: 'http://gw.example:8080/' };
    const parse = (...argv: string[]) => parseArgs(argv, () => 'seed', env);
    expect(parse()).toMatchObject({ options: { url: 'http://gw.example:8080' } });
    expect(parse('--url', 'http://127.0.0.1:9001')).toMatchObject({ options: { url: 'http://127.0.0.1:9001' } });
    expect(() => parseArgs([], () => 'seed', { BASE_URL: 'gw:8080' })).toThrow('BASE_URL must use http or https');
  });

  test('ignores a forwarded "--" separator', () => {
    expect(options('--', '--users', '5').users).toBe(5);
  });

  test('zero friendships is allowed (users only)', () => {
    expect(options('--friendships', '0').friendships).toBe(0);
  });

  test('--help and -h win over everything else', () => {
    expect(parseArgs(['--users', '5', '--help'])).toEqual({ kind: 'help' });
    expect(parseArgs(['-h'])).toEqual({ kind: 'help' });
  });

  test.each([
    [['--users', 'ten'], '--users must be a whole number, got "ten"'],
    [['--users', '1e3'], '--users must be a whole number'],
    [['--users', '-5'], '--users must be a whole number, got "-5"'],
    [['--users=-5'], '--users must be a whole number, got "-5"'],
    [['--users', '2.5'], '--users must be a whole number'],
    [['--users', '0'], '--users must be between 1 and'],
    [['--users', String(LIMITS.users + 1)], `--users must be between 1 and ${LIMITS.users}`],
    [['--concurrency', '0'], '--concurrency must be between 1 and'],
    [['--friendships='], '--friendships must be a whole number, got ""'],
    [['--users'], '--users needs a value'],
    [['--users', '--friendships', '3'], '--users needs a value'],
    [['--users', '3', '--users', '4'], '--users given more than once'],
    [['--frendships', '3'], 'unknown option "--frendships"'],
    [['users', '3'], 'unexpected argument "users"'],
    [['--url', 'localhost:9000'], '--url must use http or https'],
    [['--url', 'not a url'], '--url must be an absolute URL'],
    [['--url', 'http://x/?a=1'], '--url must not have a query'],
    [['--seed', '  '], '--seed must not be empty'],
  ])('rejects %j', (argv, message) => {
    expect(failure(...argv)).toContain(message);
  });
});
