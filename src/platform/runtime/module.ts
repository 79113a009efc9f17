import type { AnyElysia } from 'elysia';

/** What every module factory returns; the entrypoints only ever see this. */
export interface ModuleInstance {
  /** Service name in discovery and the gateway's route prefix. */
  readonly name: string;
  readonly app: AnyElysia;
  /**
   * The HTTP server's body limit for this module, instead of the host's. A module that enforces a
   * limit itself (answering with a problem document) raises the server's, which Bun applies first
   * with a bare 413; it then only remains a backstop.
   */
  readonly serverMaxRequestBodyBytes?: number;
  /** Subscribes consumers (after rebuilding whatever read model lives in memory). */
  connect?(): Promise<void>;
  /**
   * What the module still waits for before it can serve every request (the gateway: a live instance
   * of each service it routes to); empty once it can. The process logs `ready` only then.
   */
  pending?(): Promise<string[]>;
  /** Starts background work, e.g. the outbox relay. Called once every module is connected. */
  start?(): void;
  /**
   * Ends long-lived answers (event streams) at shutdown, before the HTTP server stops: its graceful
   * stop waits for every open answer, and a stream never ends by itself.
   */
  drain?(): void;
  /** Stops background work, flushing what it can. The database is closed by the caller. */
  stop?(): Promise<void>;
}
