import { expect, test } from 'bun:test';
import { openStreams } from './open-streams';

/** An upstream event stream that sends one event and then never ends; says when it is cancelled. */
function endlessUpstream() {
  const state = { cancelled: false };
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(new TextEncoder().encode('id: 1\ndata: {}\n\n'));
    },
    cancel() {
      state.cancelled = true;
    },
  });
  return { state, response: new Response(body, { headers: { 'content-type': 'text/event-stream' } }) };
}

test('endAll ends every relayed event stream cleanly and lets go of the upstream', async () => {
  const streams = openStreams();
  const upstreams = [endlessUpstream(), endlessUpstream()];
  const readers = upstreams.map((u) => streams.relay(u.response).body!.getReader());
  for (const reader of readers) expect(new TextDecoder().decode((await reader.read()).value)).toBe('id: 1\ndata: {}\n\n');
  expect(streams.size).toBe(2);
  const waiting = readers.map((reader) => reader.read());
  streams.endAll();
  // A clean end (done), not an error: the client's EventSource or fetch sees a finished response.
  expect(await Promise.all(waiting)).toEqual([{ done: true, value: undefined }, { done: true, value: undefined }]);
  expect(upstreams.map((u) => u.state.cancelled)).toEqual([true, true]);
  expect(streams.size).toBe(0);
});

test('a client that hangs up is forgotten, and its upstream cancelled', async () => {
  const streams = openStreams();
  const upstream = endlessUpstream();
  const reader = streams.relay(upstream.response).body!.getReader();
  await reader.read();
  await reader.cancel();
  expect({ open: streams.size, cancelled: upstream.state.cancelled }).toEqual({ open: 0, cancelled: true });
});

test('answers other than event streams pass as they are', () => {
  const streams = openStreams();
  const json = Response.json({ ok: true });
  expect(streams.relay(json)).toBe(json);
  expect(streams.size).toBe(0);
});
