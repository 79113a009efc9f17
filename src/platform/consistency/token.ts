/**
 * Consistency tokens: what a command answers in `Consistency-Token`, and what a read may send back
 * to see that command's effect (read your writes).
 *
 * A token names stream positions, `{streamId: version}`: the only position that means the same in
 * every mode and on every instance. (A bus offset would not: it is per partition, and there is no
 * bus at all between a command and its own service's read model.) It is base64url of
 * `c1;stream:version;...;check` so that it is opaque, URL-safe and can be versioned. The check (a
 * CRC-32 of the rest) catches a token cut short or mangled in transit, which could otherwise still
 * decode to a smaller version and be answered as if it were the whole. It is not a signature: a
 * token grants nothing, and the worst a forged one does is make its own read wait, bounded.
 */
import { invalid } from '../errors';

export const CONSISTENCY_TOKEN_HEADER = 'Consistency-Token';
/** A token longer than this is refused (400), as the API promises. */
export const MAX_TOKEN_BYTES = 512;
/** Tokens one request may carry; a read waits for all of them. */
export const MAX_TOKENS_PER_REQUEST = 32;

const PREFIX = 'c1';
const STREAM = /^[a-z][a-z0-9-]{0,99}$/;
const VERSION = /^[1-9]\d{0,8}$/;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

const checkOf = (text: string) => Bun.hash.crc32(text).toString(16).padStart(8, '0');

/** Highest version wanted per stream. */
export type StreamPositions = ReadonlyMap<string, number>;

export function encodeToken(positions: Iterable<readonly [string, number]>): string {
  const parts = [PREFIX];
  for (const [stream, version] of positions) parts.push(`${stream}:${version}`);
  const text = parts.join(';');
  return Buffer.from(`${text};${checkOf(text)}`).toString('base64url');
}

/** One token to its positions; throws 400 (`invalid`) saying what is wrong. */
export function decodeToken(token: string): Map<string, number> {
  if (token.length > MAX_TOKEN_BYTES) throw invalid(`${CONSISTENCY_TOKEN_HEADER} is longer than ${MAX_TOKEN_BYTES} bytes`);
  if (!BASE64URL.test(token)) throw invalid(`${CONSISTENCY_TOKEN_HEADER} is not a token returned by this API (not base64url)`);
  const text = Buffer.from(token, 'base64url').toString('latin1');
  const [prefix, ...parts] = text.split(';');
  if (prefix !== PREFIX || parts.length < 2) throw invalid(`${CONSISTENCY_TOKEN_HEADER} is not a token returned by this API`);
  const check = parts.pop()!;
  if (check !== checkOf(text.slice(0, text.length - check.length - 1))) throw invalid(`${CONSISTENCY_TOKEN_HEADER} is truncated or altered (its check does not match)`);
  const positions = new Map<string, number>();
  for (const part of parts) {
    const [stream, version, extra] = part.split(':');
    if (extra !== undefined || !stream || !version || !STREAM.test(stream) || !VERSION.test(version)) {
      throw invalid(`${CONSISTENCY_TOKEN_HEADER} is malformed or truncated`);
    }
    positions.set(stream, Math.max(positions.get(stream) ?? 0, Number(version)));
  }
  return positions;
}

/**
 * The header's value: one token or several, comma-separated (a repeated header arrives joined by
 * commas too). Empty means no token: the read is answered as it is, without waiting.
 */
export function parseTokens(header: string | null | undefined): StreamPositions {
  const positions = new Map<string, number>();
  if (header === null || header === undefined) return positions;
  const tokens = header.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (tokens.length === 0) throw invalid(`${CONSISTENCY_TOKEN_HEADER} is empty`);
  if (tokens.length > MAX_TOKENS_PER_REQUEST) throw invalid(`${CONSISTENCY_TOKEN_HEADER} carries more than ${MAX_TOKENS_PER_REQUEST} tokens`);
  for (const token of tokens) {
    for (const [stream, version] of decodeToken(token)) positions.set(stream, Math.max(positions.get(stream) ?? 0, version));
  }
  return positions;
}
