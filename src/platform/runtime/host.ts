import type { Server } from 'bun';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { keepRegistered, type RegistrationHandle } from '../discovery/registration';
import type { LocalFetch } from '../http/local-fetch';
import type { Logger } from '../log';
import type { ModuleInstance } from './module';

export interface HostOptions {
  host: string;
  advertisedHost: string;
  discoveryUrl: string;
  /** Discovery's shared secret, sent with every registration call. */
  discoveryToken?: string;
  heartbeatIntervalMs: number;
  maxRequestBodyBytes: number;
  localFetch: LocalFetch;
  log: Logger;
}

export interface HostedModule {
  module: ModuleInstance;
  port: number;
  /** Discovery does not register with itself. */
  register: boolean;
  /** Interface to bind, instead of the host's (the all-in-one keeps modules on loopback). */
  host?: string;
  /** The variable that sets `port`, named when the port is taken. */
  portVariable?: string;
}

/** A port another process (or another system) already listens on: start-up stops, naming it. */
export class PortInUseError extends Error {
  constructor(port: number, variable: string | undefined) {
    super(`port ${port} is in use${variable ? ` (${variable})` : ''}`);
  }
}

export interface Running {
  urls: Record<string, string>;
  stop(): Promise<void>;
}

/**
 * Runs modules: connect all consumers before any relay starts (so no event is published to a bus
 * nobody listens to yet), listen, register with discovery. `stop` reverses it: stop accepting,
 * finish in-flight requests, deregister, flush the relays.
 */
export async function hostModules(hosted: HostedModule[], options: HostOptions): Promise<Running> {
  const { log } = options;
  const servers: { name: string; server: Server<unknown> }[] = [];
  const registrations: RegistrationHandle[] = [];
  const urls: Record<string, string> = {};

  for (const { module } of hosted) await module.connect?.();
  for (const { module, port, portVariable, host } of hosted) {
    // Elysia's own listen, so handlers can see the server (e.g. the client's address). Elysia
    // turns SO_REUSEPORT on by default: a second system started on the same ports would then bind
    // next to the first and the kernel would split connections between the two. A port is ours alone.
    try {
      module.app.listen({ port, hostname: host ?? options.host, reusePort: false, maxRequestBodySize: module.serverMaxRequestBodyBytes ?? options.maxRequestBodyBytes });
    } catch (error) {
      // Those already listening let go of their ports, so the process can exit cleanly.
      await Promise.all(servers.map(({ server }) => server.stop(true)));
      if ((error as { code?: string }).code === 'EADDRINUSE') throw new PortInUseError(port, portVariable);
      throw error;
    }
    const server = module.app.server!;
    servers.push({ name: module.name, server });
    const url = `http://${options.advertisedHost}:${server.port}`;
    urls[module.name] = url;
    // In-process callers reach this module without a socket hop.
    options.localFetch.mount(url, (request) => module.app.handle(request));
    log.info('listening', { service: module.name, url });
  }
  for (const { module } of hosted) module.start?.();
  // Random per start: a restarted container (same host name, pid 1, same port) must not ask for the
  // id its previous life still holds in discovery, whose lease it no longer has.
  const startId = randomBytes(4).toString('hex');
  for (const { module, register } of hosted) {
    if (!register) continue;
    registrations.push(
      keepRegistered({
        fetch: options.localFetch.fetch,
        discoveryUrl: options.discoveryUrl,
        token: options.discoveryToken,
        // The host name too: in containers every process is pid 1, and replicas must not share an id.
        registration: { service: module.name, instanceId: `${module.name}-${hostname().slice(0, 80)}-${process.pid}-${urls[module.name]!.split(':').at(-1)}-${startId}`.slice(0, 128), url: urls[module.name]! },
        heartbeatIntervalMs: options.heartbeatIntervalMs,
        log: log.child({ service: module.name }),
      }),
    );
  }

  let stopping: Promise<void> | undefined;
  return {
    urls,
    stop: () =>
      (stopping ??= (async () => {
        await Promise.all(registrations.map((r) => r.stop()));
        for (const { module } of hosted) module.drain?.();
        // Without `true` Bun lets in-flight requests finish.
        await Promise.all(servers.map(({ server }) => server.stop()));
        for (const { module } of [...hosted].reverse()) await module.stop?.();
        log.info('stopped');
      })()),
  };
}

/** SIGINT/SIGTERM run `shutdown` once; a second signal forces the exit. */
export function onShutdownSignal(shutdown: () => Promise<void>, log: Logger): void {
  let started = false;
  const handler = (signal: string) => {
    if (started) {
      log.warn('second signal, exiting now', { signal });
      process.exit(1);
    }
    started = true;
    log.info('shutting down', { signal });
    shutdown().then(
      () => process.exit(0),
      (error) => {
        log.error('shutdown failed', { error });
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => handler('SIGINT'));
  process.on('SIGTERM', () => handler('SIGTERM'));
}
