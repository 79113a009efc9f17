import { describe, expect, test } from 'bun:test';
import { usageErrorOf } from '../../test/kits/usage-errors';
import { CHECKS, DEFAULTS, parseArgs, schemathesisArgs } from './args';

const options = (...argv: string[]) => {
  const result = parseArgs(argv);
  if (result.kind !== 'options') throw new Error('expected options');
  return result.options;
};
const failure = (...argv: string[]) => usageErrorOf(() => parseArgs(argv));

describe('parseArgs', () => {
  test('defaults, both flag forms, a forwarded "--", and help', () => {
    expect(options()).toEqual(DEFAULTS);
    expect(options('--', '--max-examples', '5', '--seed=9')).toEqual({ maxExamples: 5, seed: 9 });
    expect(parseArgs(['-h'])).toEqual({ kind: 'help' });
  });

  test('says what is wrong', () => {
    expect(failure('--examples', '5')).toBe('unknown option "--examples"');
    expect(failure('--seed')).toBe('--seed needs a whole number, got nothing');
    expect(failure('--seed', '1e3')).toBe('--seed needs a whole number, got "1e3"');
    expect(failure('--max-examples', '0')).toBe('--max-examples must be between 1 and 10000, got 0');
    expect(failure('--seed', '1', '--seed', '2')).toBe('--seed given more than once');
  });
});

describe('schemathesisArgs', () => {
  test('one reproducible, bounded run of every check asked for, with a JSON report', () => {
    const args = schemathesisArgs('http://127.0.0.1:1/swagger/json', { maxExamples: 7, seed: 3 }, { config: '/c.toml', report: '/r.json' });
    // The config file is a global option: it must come before the subcommand.
    expect(args.slice(0, 4)).toEqual(['--config-file', '/c.toml', 'run', 'http://127.0.0.1:1/swagger/json']);
    const value = (flag: string) => args[args.indexOf(flag) + 1];
    expect(value('--checks')!.split(',')).toEqual([...CHECKS]);
    expect(value('--max-examples')).toBe('7');
    expect(value('--seed')).toBe('3');
    expect(value('--workers')).toBe('1');
    expect(value('--generation-database')).toBe('none');
    expect([value('--report'), value('--report-json-path')]).toEqual(['json', '/r.json']);
  });
});
