import { afterAll, afterEach, expect, test } from 'bun:test';
import { Elysia } from 'elysia';
import { createDiscoveryModule } from '../discovery/index';
import { gatewayWorld } from '../../../test/kits/gateway/world';
import type { GatewayProtection } from './protection';
import { LAST_CHUNK, chunk, listen, rawRequest, refusedUrl, resetParserHeaderLimit, serve, stopServers } from '../../../test/kits/gateway/sockets';

/**
 * Every answer the gateway makes up itself, driven over a real socket, says what went wrong in
 * terms of the public API only: no instance address, no stack frame, no error class. The
 * upstreams here do their worst: messages and error pages full of their own addresses.
 */
const stops: (() => Promise<void>)[] = [];
afterEach(() => Promise.all(stops.splice(0).map((stop) => stop())));
afterAll(stopServers);

async function gatewayOnSocket(options: { protection?: Partial<GatewayProtection>; upstreamTimeoutMs?: number; discoveryUrl?: string } = {}) {
  resetParserHeaderLimit();
  const w = gatewayWorld(createDiscoveryModule, { upstreamTimeoutMs: options.upstreamTimeoutMs ?? 1_000, discoveryUrl: options.discoveryUrl, protection: options.protection });
  const socket = listen(w.gateway);
  stops.push(socket.stop);
  return { ...w, ...socket };
}

interface Reply {
  status: number;
  headers: Headers;
  body: string;
}
const replyOf = async (res: Response): Promise<Reply> => ({ status: res.status, headers: res.headers, body: await res.text() });

const CRASH = new TypeError('connect ECONNREFUSED 10.0.3.7:5432 (database at user-db.internal:5432)');

/** An upstream server whose route throws; Elysia's default error handler answers with the message. */
const throwing = () =>
  serve(
    new Elysia().get('/*', () => {
      throw CRASH;
    }),
  );

/** An upstream server answering with a runtime's development error page: message and stack trace. */
const errorPage = () => serve({ handle: () => new Response(`<!doctype html><h1>${CRASH.name}: ${CRASH.message}</h1><pre>${CRASH.stack}</pre>`, { status: 500, headers: { 'content-type': 'text/html' } }) });

const STACK_FRAME = /^\s*at\s|\(\S+:\d+:\d+\)|\S+\.(?:ts|js|zig):\d+/m;
const ERROR_CLASS = /\b(?:[A-Z][a-z0-9]*)+(?:Error|Exception)\b|ECONN[A-Z]+|ConnectionRefused|Unable to connect/;

function expectNothingInternal(what: string, reply: Reply, internals: string[]) {
  const text = [...reply.headers].map(([name, value]) => `${name}: ${value}`).join('\n') + '\n\n' + reply.body;
  const found = [...internals.filter((s) => text.includes(s)), ...(STACK_FRAME.exec(text) ?? []), ...(ERROR_CLASS.exec(text) ?? [])];
  if (found.length) throw new Error(`${what} (${reply.status}) reveals ${JSON.stringify(found)}:\n${text}`);
  expect(reply.headers.get('content-type')).toBe('application/problem+json');
  expect(JSON.parse(reply.body)).toMatchObject({ status: reply.status, title: expect.any(String), detail: expect.any(String) });
}

const hostPort = (url: string) => new URL(url).host;

test('502, 503 (no instance, discovery down, open circuit), 504, 500 from a throwing upstream: nothing internal', async () => {
  const replies: [string, Reply, string[]][] = [];

  // 502: the only instance refuses connections; and an in-process upstream that throws.
  {
    const { url, register } = await gatewayOnSocket();
    const dead = await refusedUrl();
    await register('user', 'user-dead-7', dead);
    replies.push(['refused', await replyOf(await fetch(`${url}/user/v1/users/1`)), [hostPort(dead), 'user-dead-7']]);
    await register('friend', 'friend-throws-7', { handle: () => { throw new TypeError('fetch to http://friend-throws-7.test failed: ECONNREFUSED 10.0.3.8:8082'); } });
    replies.push(['in-process upstream throws', await replyOf(await fetch(`${url}/friend/v1/friends/1`, { method: 'POST' })), ['friend-throws-7', '10.0.3.8']]);
  }

  // 503: no live instance; discovery unreachable.
  {
    const { url } = await gatewayOnSocket();
    replies.push(['no instance', await replyOf(await fetch(`${url}/recommendation/v1/x`)), []]);
    const down = await gatewayOnSocket({ discoveryUrl: 'http://127.0.0.1:9' });
    replies.push(['discovery down', await replyOf(await fetch(`${down.url}/user/v1/users/1`)), ['127.0.0.1:9']]);
  }

  // 500 from an upstream server that throws, then 503 once its circuit is open.
  {
    const { url, register } = await gatewayOnSocket({ protection: { breakerFailures: 2, breakerMinRequests: 2 } });
    const crashing = throwing();
    await register('user', 'user-crash-7', crashing);
    const paging = errorPage();
    await register('friend', 'friend-page-7', paging);
    const internals = [hostPort(crashing), 'user-crash-7', hostPort(paging), 'friend-page-7', '10.0.3.7', 'user-db.internal'];
    replies.push(['upstream throws', await replyOf(await fetch(`${url}/user/v1/users/1`)), internals]);
    replies.push(['upstream error page', await replyOf(await fetch(`${url}/friend/v1/friends/1`)), internals]);
    await fetch(`${url}/user/v1/users/1`).then((r) => r.text());
    const open = await replyOf(await fetch(`${url}/user/v1/users/1`));
    expect(open.status).toBe(503);
    replies.push(['open circuit', open, internals]);
  }

  // 504: the upstream is too slow.
  {
    const { url, register } = await gatewayOnSocket({ upstreamTimeoutMs: 100 });
    const slow = serve({ handle: async () => (await Bun.sleep(1_000), new Response('late from 10.0.3.9')) });
    await register('recommendation', 'rec-slow-7', slow);
    replies.push(['timeout', await replyOf(await fetch(`${url}/recommendation/v1/x`)), [hostPort(slow), 'rec-slow-7']]);
  }

  expect(replies.map(([what, reply]) => `${what} ${reply.status}`)).toEqual([
    'refused 502',
    'in-process upstream throws 502',
    'no instance 503',
    'discovery down 503',
    'upstream throws 500',
    'upstream error page 500',
    'open circuit 503',
    'timeout 504',
  ]);
  for (const [what, reply, internals] of replies) expectNothingInternal(what, reply, internals);
});

test('413 (declared and streamed), 431, 429: nothing internal', async () => {
  const { port, url, register } = await gatewayOnSocket({ protection: { maxBodyBytes: 4_096, maxHeaderBytes: 2_048, rateLimitPerSecond: 1, rateLimitBurst: 6 } });
  const upstream = serve({ handle: () => new Response('never reached') });
  await register('user', 'user-a-7', upstream);
  const internals = [hostPort(upstream), 'user-a-7'];
  const replies: [string, Reply][] = [
    ['declared', await rawRequest(port, `POST /user/v1/users HTTP/1.1\r\nhost: gw.test\r\ncontent-length: 5000`)],
    ['streamed', await rawRequest(port, 'POST /user/v1/users HTTP/1.1\r\nhost: gw.test\r\ntransfer-encoding: chunked', [chunk('x'.repeat(3_000)), chunk('x'.repeat(3_000)), LAST_CHUNK])],
    ['head', await replyOf(await fetch(`${url}/user/v1/users/1`, { headers: { 'x-pad': 'a'.repeat(3_000) } }))],
  ];
  let limited: Reply | undefined;
  for (let i = 0; i < 10 && !limited; i++) {
    const res = await fetch(`${url}/user/v1/users/1`);
    if (res.status === 429) limited = await replyOf(res);
    else await res.text();
  }
  replies.push(['rate', limited!]);
  expect(replies.map(([what, reply]) => `${what} ${reply?.status}`)).toEqual(['declared 413', 'streamed 413', 'head 431', 'rate 429']);
  for (const [what, reply] of replies) expectNothingInternal(what, reply, internals);
});
