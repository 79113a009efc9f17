import { describe, expect, test } from 'bun:test';
import { DomainError } from '../errors';
import { decodeToken, encodeToken, MAX_TOKEN_BYTES, parseTokens } from './token';

const refused = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(DomainError);
    expect((e as DomainError).kind).toBe('invalid');
    return (e as Error).message;
  }
  throw new Error('accepted');
};

describe('consistency token', () => {
  test('round-trips stream positions and is URL-safe', () => {
    const token = encodeToken([['user-42', 3]]);
    expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
    expect([...decodeToken(token)]).toEqual([['user-42', 3]]);
  });

  test('several tokens, comma-separated or repeated, keep the highest version per stream', () => {
    const header = [encodeToken([['user-1', 2]]), encodeToken([['user-1', 5], ['friendship-1-2', 1]]), ' '].join(', ');
    expect(Object.fromEntries(parseTokens(header))).toEqual({ 'user-1': 5, 'friendship-1-2': 1 });
  });

  test('no header means no wait', () => expect(parseTokens(null).size).toBe(0));

  test('garbage, truncated, empty and oversized tokens are refused, saying so', () => {
    const token = encodeToken([['friendship-10-20', 7]]);
    expect(refused(() => parseTokens('not a token!'))).toContain('not a token');
    for (let cut = 1; cut < token.length; cut++) expect(refused(() => parseTokens(token.slice(0, token.length - cut)))).toContain('Consistency-Token');
    const signed = (text: string) => Buffer.from(`${text};${Bun.hash.crc32(text).toString(16).padStart(8, '0')}`).toString('base64url');
    expect(refused(() => parseTokens(signed('c1;user-1:x')))).toContain('malformed');
    expect(refused(() => parseTokens(signed('c9;user-1:1')))).toContain('not a token');
    expect(refused(() => parseTokens(Buffer.from('c1;user-1:1;00000000').toString('base64url')))).toContain('truncated or altered');
    expect(refused(() => parseTokens(' , '))).toContain('empty');
    expect(refused(() => parseTokens('A'.repeat(MAX_TOKEN_BYTES + 1)))).toContain('longer than 512');
  });
});
