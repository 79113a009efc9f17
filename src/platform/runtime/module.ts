import type { AnyElysia } from 'elysia';

/** What every module factory returns; the entrypoints only ever see this. */
export interface ModuleInstance {
  /** Service name in discovery and the gateway's route prefix. */
  readonly name: string;
  readonly app: AnyElysia;
  /** Subscribes consumers (after rebuilding whatever read model lives in memory). */
  connect?(): Promise<void>;
  /** Starts background work, e.g. the outbox relay. Called once every module is connected. */
  start?(): void;
  /** Stops background work, flushing what it can. The database is closed by the caller. */
  stop?(): Promise<void>;
}
