import type { Server } from 'bun';
import http from 'node:http';
import { connect } from 'node:net';
import { createLocalFetch } from '../../../src/platform/http/local-fetch';
import { silentLogger } from '../../../src/platform/log';
import { hostModules } from '../../../src/platform/runtime/host';
import type { ModuleInstance } from '../../../src/platform/runtime/module';
import type { Handler } from '../http';
import { createGatewayModule, type GatewayModuleDeps } from '../../../src/modules/gateway/index';

/**
 * Test support for what only a real socket shows: the gateway hosted exactly as the entrypoints
 * host it (hostModules: Bun.serve with the host's body limit unless the module sets its own),
 * upstreams mounted in-process on its LocalFetch (the all-in-one) or reached over sockets
 * (distributed), and a raw HTTP/1.1 client for what fetch will not send (chunked uploads that grow
 * while the server answers, oversized heads). Not exported from index.ts.
 */

/** Bun's own parser limit for a request head, as a fresh process has it. */
export const BUN_DEFAULT_MAX_HEADER_SIZE = 16 * 1024;

/** Bun's parser limit is process-wide: a test that depends on it starts from the default, as a fresh process would. */
export function resetParserHeaderLimit(): void {
  (http as { maxHeaderSize: number }).maxHeaderSize = BUN_DEFAULT_MAX_HEADER_SIZE;
}

/** Serves a gateway app on a real port, with the body limit its host would give it. */
export function listen(gateway: Pick<ModuleInstance, 'app' | 'serverMaxRequestBodyBytes'>) {
  gateway.app.listen({ port: 0, hostname: '127.0.0.1', maxRequestBodySize: gateway.serverMaxRequestBodyBytes });
  const port = gateway.app.server!.port!;
  return { port, url: `http://127.0.0.1:${port}`, stop: async () => void (await gateway.app.stop(true)) };
}

/** Calls to an upstream, and the bodies it read. */
export interface Counted {
  calls: number;
  bodies: number[];
}

/** An upstream that reads and counts every request, answering 200 `{ bytes }`. */
export function countingUpstream(): Handler & Counted {
  const counted: Handler & Counted = {
    calls: 0,
    bodies: [],
    async handle(request) {
      counted.calls++;
      const bytes = (await request.arrayBuffer()).byteLength;
      counted.bodies.push(bytes);
      return Response.json({ bytes });
    },
  };
  return counted;
}

const servers: Server<unknown>[] = [];

/** A real upstream server on an ephemeral port. */
export function serve(app: Handler): string {
  const server = Bun.serve({ port: 0, hostname: '127.0.0.1', fetch: (request) => app.handle(request) });
  servers.push(server);
  return `http://127.0.0.1:${server.port}`;
}

/** An address nothing listens on: a server's port right after it stopped. */
export async function refusedUrl(): Promise<string> {
  const server = Bun.serve({ port: 0, hostname: '127.0.0.1', fetch: () => new Response() });
  const url = `http://127.0.0.1:${server.port}`;
  await server.stop(true);
  return url;
}

export async function stopServers(): Promise<void> {
  await Promise.all(servers.splice(0).map((server) => server.stop(true)));
}

/**
 * The gateway on a real port through hostModules, with fixed upstreams: a Handler is mounted
 * in-process (as the all-in-one reaches its modules), a URL is reached over its socket.
 */
export async function hostedGateway(options: {
  upstreams: Record<'user' | 'friend' | 'recommendation', Handler | string>;
  protection?: GatewayModuleDeps['protection'];
  cors?: GatewayModuleDeps['cors'];
  upstreamTimeoutMs?: number;
  /** The host's limit, MAX_REQUEST_BODY_BYTES. */
  maxRequestBodyBytes?: number;
}) {
  resetParserHeaderLimit();
  const localFetch = createLocalFetch();
  const upstreams: Record<string, string> = {};
  for (const [service, target] of Object.entries(options.upstreams)) {
    if (typeof target === 'string') upstreams[service] = target;
    else {
      upstreams[service] = `http://${service}.test`;
      localFetch.mount(upstreams[service], async (request) => target.handle(request));
    }
  }
  const maxRequestBodyBytes = options.maxRequestBodyBytes ?? 1024 * 1024;
  const gateway = createGatewayModule({
    fetch: localFetch.fetch,
    discoveryUrl: 'http://127.0.0.1:9',
    upstreamTimeoutMs: options.upstreamTimeoutMs ?? 2_000,
    refreshMs: 1_000,
    upstreams,
    log: silentLogger,
    protection: { maxBodyBytes: maxRequestBodyBytes, ...options.protection },
    ...(options.cors ? { cors: options.cors } : {}),
  });
  const running = await hostModules([{ module: gateway, port: 0, register: false }], {
    host: '127.0.0.1',
    advertisedHost: '127.0.0.1',
    discoveryUrl: 'http://127.0.0.1:9',
    heartbeatIntervalMs: 1_000,
    maxRequestBodyBytes,
    localFetch,
    log: silentLogger,
  });
  const url = running.urls.gateway!;
  return { url, port: Number(new URL(url).port), upstreams, stop: () => running.stop() };
}

export interface RawReply {
  status: number;
  headers: Headers;
  body: string;
  /** The raw bytes of the reply, head included. */
  raw: string;
  /** The server closed the connection (rather than the client after `waitMs`). */
  closedByServer: boolean;
  /** Bytes of the request the client managed to write before the server closed. */
  written: number;
}

/**
 * One request over a fresh TCP connection: `head` (request line and headers, without the blank
 * line), then each body part with `gapMs` between them, stopping as soon as the server has
 * closed. Reads until the server closes or `waitMs` passed without it.
 */
export function rawRequest(port: number, head: string, parts: string[] = [], options: { gapMs?: number; waitMs?: number } = {}): Promise<RawReply> {
  const { gapMs = 5, waitMs = 3_000 } = options;
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let raw = '';
    let written = 0;
    let finished = false;
    const finish = (closedByServer: boolean) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ ...parseReply(raw), raw, closedByServer, written });
    };
    const timer = setTimeout(() => finish(false), waitMs);
    socket.setEncoding('latin1');
    socket.on('data', (data: string) => (raw += data));
    socket.on('close', () => finish(true));
    socket.on('error', () => undefined); // writes after the server closed: the reply is what counts
    socket.on('connect', async () => {
      const first = `${head}\r\n\r\n`;
      socket.write(first);
      written += first.length;
      for (const part of parts) {
        if (gapMs) await Bun.sleep(gapMs);
        if (finished || socket.destroyed || !socket.writable) break;
        socket.write(part);
        written += part.length;
      }
    });
  });
}

/** One chunk of a chunked body. */
export const chunk = (data: string) => `${data.length.toString(16)}\r\n${data}\r\n`;
export const LAST_CHUNK = '0\r\n\r\n';

function parseReply(raw: string): { status: number; headers: Headers; body: string } {
  const end = raw.indexOf('\r\n\r\n');
  if (end === -1) return { status: 0, headers: new Headers(), body: '' };
  const [statusLine, ...lines] = raw.slice(0, end).split('\r\n');
  const headers = new Headers();
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers.append(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
  }
  let body = raw.slice(end + 4);
  const length = headers.get('content-length');
  if (length !== null) body = body.slice(0, Number(length));
  return { status: Number(statusLine!.split(' ')[1]), headers, body };
}
