import { describe, expect, test } from 'bun:test';
import { isDatabaseUnavailable, isUniqueViolation } from './database';

describe('isDatabaseUnavailable', () => {
  const wrapped = (cause: object) => Object.assign(new Error('Failed query: select 1'), { cause });

  test.each(['ECONNREFUSED', 'ECONNRESET', 'CONNECT_TIMEOUT', 'CONNECTION_CLOSED', '08006', '57P01', '57P03', '53300'])('%s, also wrapped by drizzle', (code) => {
    expect(isDatabaseUnavailable(Object.assign(new Error(code), { code }))).toBe(true);
    expect(isDatabaseUnavailable(wrapped({ code }))).toBe(true);
  });

  test('errors of the query itself are not unavailability', () => {
    for (const code of ['23505', '42P01', '22P02', '40001']) expect(isDatabaseUnavailable(wrapped({ code }))).toBe(false);
    expect(isDatabaseUnavailable(new Error('boom'))).toBe(false);
    expect(isDatabaseUnavailable(undefined)).toBe(false);
    expect(isUniqueViolation(wrapped({ code: '23505' }))).toBe(true);
  });
});
