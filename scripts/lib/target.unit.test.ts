import { describe, expect, test } from 'bun:test';
import { usageErrorOf } from '../../test/kits/usage-errors';
import { targetUrl } from './target';

const fallback = 'http://localhost:9000';
const rejection = (flag: string | undefined, env: Record<string, string>): string => usageErrorOf(() => targetUrl(flag, env, fallback));

describe('targetUrl: --url, else BASE_URL, else the default', () => {
  test('the default when neither is given', () => {
    expect(targetUrl(undefined, {}, fallback)).toBe(fallback);
  });

  test('BASE_URL, as the k6 scripts read it, when no --url is given', () => {
    expect(targetUrl(undefined, { BASE_URL: 'http://gw.example:8080/' }, fallback)).toBe('http://gw.example:8080');
  });

  test('--url wins over BASE_URL', () => {
    expect(targetUrl('http://127.0.0.1:9001', { BASE_URL: 'http://gw.example:8080' }, fallback)).toBe('http://127.0.0.1:9001');
  });

  test('an empty BASE_URL counts as unset, as in k6', () => {
    expect(targetUrl(undefined, { BASE_URL: '' }, fallback)).toBe(fallback);
    expect(targetUrl(undefined, { BASE_URL: '  ' }, fallback)).toBe(fallback);
  });

  test('a bad value is named by where it came from', () => {
    expect(rejection(undefined, { BASE_URL: 'localhost:9000' })).toContain('BASE_URL must use http or https');
    expect(rejection(undefined, { BASE_URL: 'not a url' })).toContain('BASE_URL must be an absolute URL');
    expect(rejection(undefined, { BASE_URL: 'http://x/?a=1' })).toContain('BASE_URL must not have a query');
    expect(rejection('http://x/#top', { BASE_URL: 'http://ok' })).toContain('--url must not have a query or fragment');
  });
});
