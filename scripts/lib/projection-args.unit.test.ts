import { expect, test } from 'bun:test';
import { parseProjectionArgs } from './projection-args';

test('reads the command, --url and --token (ADMIN_TOKEN by default)', () => {
  expect(parseProjectionArgs(['status'], {})).toEqual({ command: 'status', url: 'http://127.0.0.1:8083' });
  expect(parseProjectionArgs(['audit', '--url', 'http://h:1/', '--token', 't'], { ADMIN_TOKEN: 'env' })).toEqual({ command: 'audit', url: 'http://h:1', token: 't' });
  expect(parseProjectionArgs(['rebuild'], { ADMIN_TOKEN: 'env' })).toMatchObject({ token: 'env' });
  expect(parseProjectionArgs(['--help'], {})).toBe('help');
});

test('refuses what it cannot read, saying why', () => {
  expect(() => parseProjectionArgs([], {})).toThrow('status, rebuild or audit');
  expect(() => parseProjectionArgs(['status', 'audit'], {})).toThrow('one command at a time');
  expect(() => parseProjectionArgs(['status', '--url'], {})).toThrow('--url needs a value');
  expect(() => parseProjectionArgs(['status', '--url', 'ftp://x'], {})).toThrow('http or https');
  expect(() => parseProjectionArgs(['stats'], {})).toThrow('unknown argument');
});
