import type { Socket, TCPSocketListener } from 'bun';

/**
 * How a cut looks to the client. `refuse`: the port is closed, as when the server is down (a
 * connection attempt fails at once). `blackhole`: connections are accepted and never answered, as
 * behind a dead route (only the client's own timeout ends the wait).
 */
export type CutMode = 'refuse' | 'blackhole';

export interface TcpProxy {
  readonly port: number;
  /** Connections the proxy currently forwards. */
  readonly forwarding: number;
  /** Resets every open connection (both sides), then treats new ones as `mode` says. */
  cut(mode: CutMode): void;
  /** Forwards new connections again; connections held by a blackhole are reset. */
  restore(): void;
  close(): void;
}

interface Pipe {
  client: Socket<Pipe>;
  upstream?: Socket<Pipe>;
  /** Bytes waiting for the upstream to open or to drain. */
  toUpstream: Uint8Array[];
  toClient: Uint8Array[];
  closed: boolean;
}

/** Writes what the socket takes now; the rest waits in `queue` for the socket's drain event. */
function flush(socket: Socket<Pipe> | undefined, queue: Uint8Array[]): void {
  while (socket && queue.length > 0) {
    const head = queue[0]!;
    const written = socket.write(head);
    if (written < 0) return;
    if (written < head.length) {
      queue[0] = head.subarray(written);
      return;
    }
    queue.shift();
  }
}

/**
 * A TCP proxy on 127.0.0.1 in front of `target`, which a test puts between one process and a
 * shared server (PostgreSQL) to take the server away from that process alone and give it back,
 * while every other client of the server carries on.
 */
export function startTcpProxy(target: { host: string; port: number }): TcpProxy {
  const pipes = new Set<Pipe>();
  const held = new Set<Socket<Pipe>>();
  let mode: CutMode | 'forward' = 'forward';
  let listener: TCPSocketListener<Pipe> | undefined;

  const reset = (pipe: Pipe) => {
    if (pipe.closed) return;
    pipe.closed = true;
    pipes.delete(pipe);
    pipe.client.terminate();
    pipe.upstream?.terminate();
  };

  const connectUpstream = (pipe: Pipe) =>
    Bun.connect<Pipe>({
      hostname: target.host,
      port: target.port,
      data: pipe,
      socket: {
        open(upstream) {
          if (pipe.closed) return upstream.terminate();
          pipe.upstream = upstream;
          flush(upstream, pipe.toUpstream);
        },
        data(_upstream, chunk) {
          pipe.toClient.push(new Uint8Array(chunk));
          flush(pipe.client, pipe.toClient);
        },
        drain: (upstream) => flush(upstream, pipe.toUpstream),
        close: () => reset(pipe),
        error: () => reset(pipe),
      },
    }).catch(() => reset(pipe));

  const listen = (port: number) =>
    Bun.listen<Pipe>({
      hostname: '127.0.0.1',
      port,
      socket: {
        open(client) {
          if (mode === 'blackhole') {
            held.add(client);
            return;
          }
          const pipe: Pipe = { client, toUpstream: [], toClient: [], closed: false };
          client.data = pipe;
          pipes.add(pipe);
          void connectUpstream(pipe);
        },
        data(client, chunk) {
          const pipe = client.data;
          if (!pipe) return; // held by the blackhole: swallowed
          pipe.toUpstream.push(new Uint8Array(chunk));
          flush(pipe.upstream, pipe.toUpstream);
        },
        drain(client) {
          if (client.data) flush(client, client.data.toClient);
        },
        close(client) {
          held.delete(client);
          if (client.data) reset(client.data);
        },
        error(client) {
          if (client.data) reset(client.data);
        },
      },
    });

  listener = listen(0);
  const port = listener.port;

  return {
    port,
    get forwarding() {
      return pipes.size;
    },
    cut(next) {
      mode = next;
      for (const pipe of [...pipes]) reset(pipe);
      if (next === 'refuse') {
        listener?.stop(true);
        listener = undefined;
      }
    },
    restore() {
      mode = 'forward';
      for (const client of [...held]) client.terminate();
      held.clear();
      // The same port again: the clients' configuration names it.
      listener ??= listen(port);
    },
    close() {
      mode = 'refuse';
      for (const pipe of [...pipes]) reset(pipe);
      for (const client of held) client.terminate();
      listener?.stop(true);
      listener = undefined;
    },
  };
}
