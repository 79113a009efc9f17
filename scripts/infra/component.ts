// What up/down/status need from each engine, and the command-line choice of engines.

/** Our server's pid when it runs (started by this checkout, data in this .infra/). */
export type Running = { pid: number } | undefined;

export interface Component {
  name: ComponentName;
  endpoint: string;
  port: number;
  log: string;
  readyTimeoutS: number;
  running(): Running;
  /** Whether a pid (e.g. one found listening on our port) is this checkout's server. */
  ownsPid(pid: number): boolean;
  /** Installs what is missing (packages, jars, data dir); does not start anything. */
  prepare(): Promise<void>;
  /** Starts the server detached; returns without waiting for it to answer. */
  start(): Promise<void>;
  /** One quick real request: true, or what went wrong. */
  probe(): Promise<true | string>;
  /** Bounded wait until the server answers, then any set-up that needs it up. */
  ready(timeoutS: number): Promise<void>;
  /** Stops it cleanly within a bounded time; says how it went. */
  stop(): Promise<string>;
  version(): Promise<string>;
  /** Why our running server must be restarted to apply the current settings; undefined when it need not. */
  outdated?(): string | undefined;
}

export const COMPONENT_NAMES = ['postgres', 'kafka', 'neo4j'] as const;
export type ComponentName = (typeof COMPONENT_NAMES)[number];

const ALIASES: Record<string, ComponentName> = { pg: 'postgres', postgresql: 'postgres', broker: 'kafka', graph: 'neo4j' };

/**
 * The engines named on the command line, in the canonical order; all of them when none is named.
 * `bun run infra:up -- kafka` may or may not forward the `--`, so it is skipped.
 */
export function parseComponents(argv: readonly string[]): ComponentName[] {
  const named = new Set<ComponentName>();
  for (const raw of argv) {
    if (raw === '--') continue;
    const arg = raw.toLowerCase();
    const name = (COMPONENT_NAMES as readonly string[]).includes(arg) ? (arg as ComponentName) : ALIASES[arg];
    if (!name) throw new Error(`unknown component "${raw}": expected ${COMPONENT_NAMES.join(', ')} (or none for all)`);
    named.add(name);
  }
  return named.size === 0 ? [...COMPONENT_NAMES] : COMPONENT_NAMES.filter((n) => named.has(n));
}
