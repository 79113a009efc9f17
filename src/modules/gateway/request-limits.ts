import http from 'node:http';
import { TIMED_OUT, raceTimeout } from './deadline';

/**
 * Limits on what a client sends: the request head (431), the body's size (413) and time (408), all checked
 * before anything reaches an upstream, and the refusal is a problem document rather than the bare
 * answer Bun's HTTP parser gives when one of its own, process-wide limits is hit.
 */

let counted = 0;
const count = (value: string, name: string) => {
  if (name !== 'traceparent') counted += name.length + value.length;
};

/**
 * Request line plus header names and values, in characters (bytes, for the ASCII headers are made
 * of). Separators and line ends are left out, so the limit reads the same whatever the framing.
 * `traceparent` is left out too: by the time this runs the gateway has replaced the client's (or
 * set one where there was none) with its own span, of fixed size.
 * A module-level callback: no closure per request on this hot path.
 */
export function headerBytes(request: Request): number {
  const url = request.url;
  const scheme = url.indexOf('://');
  const pathStart = scheme === -1 ? 0 : url.indexOf('/', scheme + 3);
  // "GET /path?query HTTP/1.1": method, target, version and the two spaces.
  counted = request.method.length + (pathStart === -1 ? 1 : url.length - pathStart) + 10;
  request.headers.forEach(count);
  return counted;
}

/**
 * Bun's parser answers a bare 431 past a process-wide limit (16 KiB by default, counted over the
 * raw bytes), before any handler runs: with a limit of ours at or near it, ours would never be the
 * one to answer. Raised to twice ours, it stays the backstop for heads far too large to be worth
 * reading. Never lowered: other servers in this process may rely on the larger value.
 */
export function raiseParserHeaderLimit(maxHeaderBytes: number): void {
  if (maxHeaderBytes <= 0) return;
  const wanted = maxHeaderBytes * 2;
  if (http.maxHeaderSize < wanted) (http as { maxHeaderSize: number }).maxHeaderSize = wanted;
}

/**
 * The limit the HTTP server itself should apply for a gateway enforcing `maxBodyBytes`. Bun refuses
 * a larger Content-Length with a bare 413 before any handler runs, so its limit sits well above
 * ours: the gateway answers with a problem document, and Bun still bounds how much of a body it
 * would read and discard for a request that never looks at it.
 */
export function serverBodyLimit(maxBodyBytes: number): number {
  return maxBodyBytes * 16;
}

/** The declared Content-Length, or undefined when the body's length is not known up front (chunked). */
export function declaredLength(headers: Headers): number | undefined {
  const raw = headers.get('content-length');
  if (raw === null) return undefined;
  const length = Number(raw);
  return Number.isSafeInteger(length) && length >= 0 ? length : undefined;
}

export const TOO_LARGE: unique symbol = Symbol('too large');
export const TOO_SLOW: unique symbol = Symbol('too slow');

/**
 * Reads a whole request body, stopping (and cancelling the rest) as soon as it grows past `max` or
 * takes longer than `timeoutMs`. Nothing is forwarded until the whole body is in: an upstream
 * never sees half a request it might already have acted on, and never waits on a slow client (its
 * wait would look like the instance timing out). Rejects when the stream fails (the client went away).
 */
export async function readWithin(body: ReadableStream<Uint8Array>, max: number, timeoutMs = Infinity): Promise<Uint8Array | typeof TOO_LARGE | typeof TOO_SLOW> {
  const reader = body.getReader();
  const readAll = async (): Promise<Uint8Array | typeof TOO_LARGE> => {
    const chunks: Uint8Array[] = [];
    let total = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > max) {
        reader.cancel().catch(() => undefined);
        return TOO_LARGE;
      }
      chunks.push(value);
    }
    if (chunks.length === 1) return chunks[0]!;
    const bytes = new Uint8Array(total);
    let offset = 0;
    for (const chunk of chunks) {
      bytes.set(chunk, offset);
      offset += chunk.byteLength;
    }
    return bytes;
  };
  if (timeoutMs === Infinity) return readAll();
  const result = await raceTimeout(readAll(), timeoutMs, () => reader.cancel().catch(() => undefined));
  return result === TIMED_OUT ? TOO_SLOW : result;
}
