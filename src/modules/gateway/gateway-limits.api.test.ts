import { afterAll, afterEach, describe, expect, test } from 'bun:test';
import { BUN_DEFAULT_MAX_HEADER_SIZE, LAST_CHUNK, chunk, countingUpstream, hostedGateway, rawRequest, serve, stopServers, type Counted } from '../../../test/kits/gateway/sockets';

/**
 * Head and body limits over real sockets, the gateway hosted as the entrypoints host it. What
 * must hold: past a limit the client gets a problem document (not Bun's bare status line), the
 * upstream is never reached, and the gateway stops reading what it will not use.
 */
const stops: (() => Promise<void>)[] = [];
afterEach(() => Promise.all(stops.splice(0).map((stop) => stop())));
afterAll(stopServers);

async function gatewayWith(options: Parameters<typeof hostedGateway>[0]) {
  const hosted = await hostedGateway(options);
  stops.push(hosted.stop);
  return hosted;
}

const problemOf = (reply: { headers: Headers; body: string }) => {
  expect(reply.headers.get('content-type')).toBe('application/problem+json');
  return JSON.parse(reply.body) as { status: number; title: string; detail: string };
};

describe('request head size: 431 problem', () => {
  /** A GET whose request line plus header names and values total exactly `size`. */
  function headOf(size: number, path = '/user/v1/users/1'): string {
    const line = `GET ${path} HTTP/1.1`;
    const fixed = [['host', 'gw.test'], ['connection', 'close']];
    const used = line.length + fixed.reduce((n, [k, v]) => n + k!.length + v!.length, 0) + 'x-pad'.length;
    return [line, ...fixed.map(([k, v]) => `${k}: ${v}`), `x-pad: ${'a'.repeat(size - used)}`].join('\r\n');
  }

  test("with the default 16 KiB limit, a head just over it gets the gateway's problem, though Bun's own parser limit is the same 16 KiB", async () => {
    const user = countingUpstream();
    const { port } = await gatewayWith({ upstreams: { user, friend: user, recommendation: user } });
    const limit = 16 * 1024;
    expect((await rawRequest(port, headOf(limit))).status).toBe(200);
    const over = await rawRequest(port, headOf(limit + 1));
    expect(over.status).toBe(431);
    expect(problemOf(over)).toMatchObject({ status: 431, title: 'Request Header Fields Too Large', detail: `the request line and headers exceed the limit of ${limit} bytes` });
    expect(user.calls).toBe(1);
  });

  test("a smaller limit, well below Bun's: just over it is refused with a problem, at it passes", async () => {
    const user = countingUpstream();
    const { port } = await gatewayWith({ upstreams: { user, friend: user, recommendation: user }, protection: { maxHeaderBytes: 2_000 } });
    expect((await rawRequest(port, headOf(2_000))).status).toBe(200);
    const over = await rawRequest(port, headOf(2_001));
    expect(problemOf(over)).toMatchObject({ status: 431, detail: 'the request line and headers exceed the limit of 2000 bytes' });
    // The gateway's own paths are covered too.
    expect((await rawRequest(port, headOf(2_001, '/swagger/json'))).status).toBe(431);
    expect(user.calls).toBe(1);
  });

  test("far beyond (twice the limit), Bun's parser answers a bare 431 before any handler runs", async () => {
    const { port } = await gatewayWith({ upstreams: { user: countingUpstream(), friend: 'http://127.0.0.1:9', recommendation: 'http://127.0.0.1:9' } });
    const reply = await rawRequest(port, headOf(4 * BUN_DEFAULT_MAX_HEADER_SIZE));
    expect(reply.status).toBe(431);
  });
});

/** The body limit, with the upstream in-process (all-in-one: LocalFetch) or behind its own socket (distributed). */
describe.each([['in-process', false], ['over a socket', true]] as const)('request body size: 413 problem, upstream %s', (_, overSocket) => {
  const limit = 64 * 1024;

  async function setUp() {
    const upstream = countingUpstream();
    const target = overSocket ? serve(upstream) : upstream;
    const { port } = await gatewayWith({ upstreams: { user: target, friend: target, recommendation: target }, maxRequestBodyBytes: limit });
    return { port, upstream: upstream as Counted };
  }

  test('a Content-Length over the limit is refused before a byte of the body is read', async () => {
    const { port, upstream } = await setUp();
    for (const length of [limit + 1, 10 * limit]) {
      // Only the head is sent: an answer proves the gateway did not wait for the body.
      const reply = await rawRequest(port, `POST /user/v1/users HTTP/1.1\r\nhost: gw.test\r\ncontent-type: application/json\r\ncontent-length: ${length}`);
      expect(reply.status).toBe(413);
      expect(problemOf(reply)).toMatchObject({ status: 413, title: 'Content Too Large', detail: `the request body exceeds the limit of ${limit} bytes` });
      expect(reply.closedByServer).toBe(true);
    }
    expect(upstream.calls).toBe(0);
  });

  test('a chunked body that grows past the limit is refused while it streams, and never reaches the upstream', async () => {
    const { port, upstream } = await setUp();
    const parts = [...Array.from({ length: 64 }, () => chunk('x'.repeat(4 * 1024))), LAST_CHUNK]; // 256 KiB in all
    const head = 'POST /friend/v1/users/1/commands/addFriend?friendId=2 HTTP/1.1\r\nhost: gw.test\r\ntransfer-encoding: chunked';
    const reply = await rawRequest(port, head, parts, { gapMs: 10 });
    expect(reply.status).toBe(413);
    expect(problemOf(reply).detail).toBe(`the request body exceeds the limit of ${limit} bytes`);
    // The gateway stopped reading and closed: the client could not send the rest.
    expect(reply.closedByServer).toBe(true);
    expect(reply.written).toBeLessThan(head.length + 4 + parts.join('').length);
    await Bun.sleep(50);
    expect(upstream.calls).toBe(0);
  });

  test('a chunked body within the limit is forwarded whole', async () => {
    const { port, upstream } = await setUp();
    const parts = Array.from({ length: 15 }, () => chunk('x'.repeat(4 * 1024)));
    const reply = await rawRequest(port, 'PUT /user/v1/users/1 HTTP/1.1\r\nhost: gw.test\r\nconnection: close\r\ntransfer-encoding: chunked', [...parts, LAST_CHUNK]);
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.body)).toEqual({ bytes: 15 * 4 * 1024 });
    expect(upstream.bodies).toEqual([15 * 4 * 1024]);
  });

  test('a body of exactly the limit, with Content-Length, is forwarded whole', async () => {
    const { port, upstream } = await setUp();
    const res = await fetch(`http://127.0.0.1:${port}/user/v1/users`, { method: 'POST', body: 'x'.repeat(limit) });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ bytes: limit });
    expect(upstream.calls).toBe(1);
  });
});
