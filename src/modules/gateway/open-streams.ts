/**
 * Event streams (`text/event-stream`) the gateway relays. An upstream's stream never ends by
 * itself, and a graceful stop waits for every response in flight: without this, SIGTERM with a
 * console open hung until the process manager killed the gateway, and its clients saw the
 * connection cut in the middle of a chunked body. `endAll()` finishes each relayed stream as a
 * complete response (the client sees a clean end and reconnects, to another gateway, with
 * `Last-Event-ID`) and lets go of the upstream's.
 */
export function openStreams() {
  const open = new Set<() => void>();

  function track(upstream: ReadableStream<Uint8Array>): ReadableStream<Uint8Array> {
    const reader = upstream.getReader();
    let end = () => {};
    return new ReadableStream<Uint8Array>({
      start(controller) {
        let ended = false;
        end = () => {
          if (ended) return;
          ended = true;
          open.delete(end);
          reader.cancel().catch(() => undefined);
          controller.close();
        };
        open.add(end);
      },
      async pull(controller) {
        try {
          const { value, done } = await reader.read();
          if (done) end();
          else if (open.has(end)) controller.enqueue(value);
        } catch (error) {
          // Ended by endAll while this read waited, or the upstream broke: the client sees the same as the upstream.
          if (!open.has(end)) return;
          open.delete(end);
          controller.error(error);
        }
      },
      cancel(reason) {
        // The client went away.
        open.delete(end);
        return reader.cancel(reason);
      },
    });
  }

  return {
    /** The response to send the client: an event stream is tracked, anything else passes as it is. */
    relay(response: Response): Response {
      // The type first: reading `body` makes Bun wrap a body it holds whole in a stream, which it
      // then sends through JavaScript chunk by chunk instead of in one write.
      if (!/^text\/event-stream\b/i.test(response.headers.get('content-type') ?? '') || !response.body) return response;
      return new Response(track(response.body), { status: response.status, statusText: response.statusText, headers: response.headers });
    },
    endAll(): void {
      for (const end of [...open]) end();
    },
    get size(): number {
      return open.size;
    },
  };
}

export type OpenStreams = ReturnType<typeof openStreams>;
