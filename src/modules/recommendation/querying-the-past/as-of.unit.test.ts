import { describe, expect, test } from 'bun:test';
import { AS_OF_CLOCK_SKEW_MS, BadAsOf, parseAsOf } from './as-of';

const now = new Date('2026-03-01T12:00:00.000Z');

describe('parseAsOf', () => {
  test.each([
    ['2026-03-01T09:30:00Z', '2026-03-01T09:30:00.000Z'],
    ['2026-03-01T09:30:00.123456Z', '2026-03-01T09:30:00.123Z'],
    ['2026-03-01t09:30:00z', '2026-03-01T09:30:00.000Z'],
    ['2026-03-01 10:30:00+01:00', '2026-03-01T09:30:00.000Z'],
    ['2024-02-29T00:00:00-05:00', '2024-02-29T05:00:00.000Z'],
  ])('accepts %s', (value, instant) => {
    expect(parseAsOf(value, now).toISOString()).toBe(instant);
  });

  test.each([
    '2026-03-01T09:30:00', // no zone: which instant depends on the server
    '2026-03-01',
    '1772357400000',
    'yesterday',
    '',
    '2026-02-30T00:00:00Z',
    '2025-02-29T00:00:00Z',
    '2026-13-01T00:00:00Z',
    '2026-03-01T24:00:00Z',
    '2026-03-01T09:60:00Z',
    '2026-03-01T09:30:00+0100',
  ])('refuses %p with a 400', (value) => {
    expect(() => parseAsOf(value, now)).toThrow(BadAsOf);
    try {
      parseAsOf(value, now);
    } catch (error) {
      expect((error as BadAsOf).status).toBe(400);
      expect((error as Error).message).toStartWith('query asOf:');
    }
  });

  test('refuses the future beyond the allowed clock skew, not within it', () => {
    const within = new Date(now.getTime() + AS_OF_CLOCK_SKEW_MS).toISOString();
    expect(parseAsOf(within, now).toISOString()).toBe(within);
    const beyond = new Date(now.getTime() + AS_OF_CLOCK_SKEW_MS + 1).toISOString();
    expect(() => parseAsOf(beyond, now)).toThrow(/in the future/);
  });
});
