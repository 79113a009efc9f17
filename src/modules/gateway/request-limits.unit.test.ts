import { describe, expect, test } from 'bun:test';
import http from 'node:http';
import { TOO_LARGE, declaredLength, headerBytes, raiseParserHeaderLimit, readWithin, serverBodyLimit } from './request-limits';

describe('headerBytes', () => {
  test('counts the request line and every header name and value, not the separators', () => {
    const request = new Request('http://gw.test/user/v1/users?x=1', { headers: { accept: 'application/json', 'x-a': 'bc' } });
    // "GET /user/v1/users?x=1 HTTP/1.1" is 31 characters; headers: 6 + 16 + 3 + 2.
    expect(headerBytes(request)).toBe(31 + 6 + 16 + 3 + 2);
  });

  test('leaves out traceparent, which the gateway has rewritten to its own span by then', () => {
    const without = headerBytes(new Request('http://gw.test/a'));
    expect(headerBytes(new Request('http://gw.test/a', { headers: { traceparent: `00-${'1'.repeat(32)}-${'2'.repeat(16)}-01` } }))).toBe(without);
  });

  test('grows with each header, and by the length of the path', () => {
    const base = headerBytes(new Request('http://gw.test/a'));
    expect(headerBytes(new Request('http://gw.test/a', { headers: { 'x-big': 'v'.repeat(1000) } }))).toBe(base + 5 + 1000);
    expect(headerBytes(new Request('http://gw.test/abc'))).toBe(base + 2);
  });
});

test('declaredLength: a sane Content-Length, else unknown', () => {
  const of = (value?: string) => declaredLength(new Headers(value === undefined ? {} : { 'content-length': value }));
  expect(of('0')).toBe(0);
  expect(of('1048577')).toBe(1048577);
  expect(of()).toBeUndefined();
  expect(of('abc')).toBeUndefined();
  expect(of('-1')).toBeUndefined();
});

describe('readWithin', () => {
  /** A stream of `chunks` chunks of `size` bytes that counts how many were pulled. */
  function chunked(chunks: number, size: number) {
    const seen = { pulled: 0, cancelled: false };
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (seen.pulled === chunks) return controller.close();
        seen.pulled++;
        controller.enqueue(new Uint8Array(size).fill(seen.pulled));
      },
      cancel() {
        seen.cancelled = true;
      },
    }, { highWaterMark: 0 });
    return { stream, seen };
  }

  test('joins a body within the limit, the limit itself included', async () => {
    const { stream } = chunked(3, 100);
    const bytes = await readWithin(stream, 300);
    expect(bytes).toBeInstanceOf(Uint8Array);
    expect((bytes as Uint8Array).byteLength).toBe(300);
    expect([...(bytes as Uint8Array).subarray(99, 101)]).toEqual([1, 2]);
  });

  test('stops at the chunk that crosses the limit and cancels the rest', async () => {
    const { stream, seen } = chunked(1_000, 100);
    expect(await readWithin(stream, 250)).toBe(TOO_LARGE);
    expect(seen.pulled).toBe(3);
    await Bun.sleep(0);
    expect(seen.cancelled).toBe(true);
  });

  test('rejects when the stream fails', async () => {
    const stream = new ReadableStream<Uint8Array>({ pull: (controller) => controller.error(new Error('client went away')) });
    await expect(readWithin(stream, 100)).rejects.toThrow('client went away');
  });
});

test("the parser's limits stay above ours, as backstops", () => {
  const before = http.maxHeaderSize;
  try {
    raiseParserHeaderLimit(before); // twice the current value
    expect(http.maxHeaderSize).toBe(before * 2);
    raiseParserHeaderLimit(16); // never lowered
    expect(http.maxHeaderSize).toBe(before * 2);
  } finally {
    // Process-wide: other test files must find Bun's own value.
    (http as { maxHeaderSize: number }).maxHeaderSize = before;
  }
  expect(serverBodyLimit(1024)).toBeGreaterThan(1024);
});
