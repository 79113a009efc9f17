import { readFlags, UsageError } from '../../scripts/lib/flags';
/** Options of `bun run bench` and the sizes each mode implies. */

export const SUITES = ['http', 'writes', 'lag', 'consistency', 'graph', 'memory', 'projection', 'reads'] as const;
export type Suite = (typeof SUITES)[number];

export interface BenchOptions {
  quick: boolean;
  distributed: boolean;
  /** With --distributed: skip the embedded measurements (e.g. to repeat only the distributed ones). */
  distributedOnly?: boolean;
  out?: string;
  /** Only these suites (all by default). */
  only: Suite[];
  tool: 'wrk' | 'bun' | 'auto';
  /** Overrides of the profile, mainly for trying things out. */
  users?: number;
  neo4jUsers?: number;
}

/** How big and how long each measurement is. */
export interface Profile {
  /** Seconds per HTTP throughput measurement, and rounds (interleaved raw/direct/gateway). */
  httpSeconds: number;
  httpRounds: number;
  httpConcurrency: number;
  writeSeconds: number;
  writeConcurrency: number;
  lagProbes: number;
  lagSpacingMs: number;
  /** Write-then-read pairs with a Consistency-Token, per mode. */
  consistencyPairs: number;
  /** The recommendation log the projection suite writes: users and friends each (the log holds users × (1 + degree/2 × 1.1) events). */
  logUsers: number;
  logDegree: number;
  /** asOf queries timed on that log. */
  asOfQueries: number;
  /** Graph sizes of the scale curve; the last is the headline. */
  scale: number[];
  avgDegree: number;
  samples: number;
  /** Users of the graph loaded into the all-in-one for its loaded RSS. */
  loadedUsers: number;
  neo4jUsers: number;
  /** Users of the graph that recommendation reads are timed on, all-in-one against distributed (--distributed). */
  readUsers: number;
}

export const QUICK: Profile = {
  httpSeconds: 1,
  httpRounds: 1,
  httpConcurrency: 32,
  writeSeconds: 2,
  writeConcurrency: 32,
  lagProbes: 20,
  lagSpacingMs: 50,
  consistencyPairs: 50,
  logUsers: 2000,
  logDegree: 10,
  asOfQueries: 100,
  scale: [1000, 5000],
  avgDegree: 50,
  samples: 500,
  loadedUsers: 5000,
  neo4jUsers: 1000,
  readUsers: 2000,
};

export const FULL: Profile = {
  httpSeconds: 3,
  httpRounds: 3,
  httpConcurrency: 32,
  writeSeconds: 6,
  writeConcurrency: 32,
  lagProbes: 100,
  lagSpacingMs: 100,
  consistencyPairs: 300,
  // 100k users, 2.5M friendships, every tenth removed again: 2.85M events.
  logUsers: 100_000,
  logDegree: 50,
  asOfQueries: 500,
  scale: [1000, 10_000, 100_000],
  avgDegree: 50,
  samples: 3000,
  loadedUsers: 100_000,
  // 2.5 million edges through Cypher MERGE takes tens of minutes here; 10k users (250k edges) is
  // enough to see how Neo4j's latency compares, and the report says which size it used.
  neo4jUsers: 10_000,
  // With replicas the instances serve before Neo4j has the log (it is fed in the background); the
  // comparison with reads from Neo4j, which must catch up first, runs only up to 10k users.
  readUsers: 100_000,
};

export const USAGE = `Usage: bun run bench -- [options]

Measures HTTP overhead, command throughput, projection lag, recommendation latency and memory,
prints a table of figures and ratios, and writes a markdown report with charts to bench-results/.

Options:
  --quick            short run (CI): small graphs, 1 s measurements; proves the suite works
  --distributed      also measure Kafka, PostgreSQL and Neo4j (reads .infra/env; bun run infra:up)
  --distributed-only only the distributed variants
  --out FILE         write all figures as JSON
  --only LIST        comma-separated subset of ${SUITES.join(',')}
  --tool T           HTTP load generator: wrk, bun or auto (default: wrk, fetched from Debian's
                     packages into ~/.cache/social-network-tools when not installed; the Bun
                     client if that fails)
  --users N          headline graph size (default 100000, quick 5000)
  --neo4j-users N    graph size loaded into Neo4j (default 10000, quick 1000)
  -h, --help         show this help`;

export { UsageError };

export function parseBenchArgs(argv: readonly string[]): BenchOptions | undefined {
  const read = readFlags(argv, { values: ['out', 'only', 'tool', 'users', 'neo4j-users'], switches: ['quick', 'distributed', 'distributed-only'] });
  if (read.kind === 'help') return undefined;
  const { values, switches } = read;
  const count = (flag: string) => {
    const text = values.get(flag);
    if (text === undefined) return undefined;
    if (!/^\d+$/.test(text) || Number(text) < 2 || Number(text) > 10_000_000) throw new UsageError(`--${flag} must be a whole number from 2 to 10000000, got "${text}"`);
    return Number(text);
  };
  const options: BenchOptions = { quick: switches.has('quick'), distributed: switches.has('distributed') || switches.has('distributed-only'), only: [...SUITES], tool: 'auto' };
  if (switches.has('distributed-only')) options.distributedOnly = true;
  if (values.has('out')) options.out = values.get('out');
  const only = values.get('only');
  if (only !== undefined) {
    const list = only.split(',').map((s) => s.trim());
    const bad = list.filter((s) => !(SUITES as readonly string[]).includes(s));
    if (bad.length) throw new UsageError(`--only: unknown suite ${bad.join(', ')} (known: ${SUITES.join(', ')})`);
    options.only = list as Suite[];
  }
  const tool = values.get('tool');
  if (tool !== undefined) {
    if (tool !== 'wrk' && tool !== 'bun' && tool !== 'auto') throw new UsageError(`--tool must be wrk, bun or auto, got "${tool}"`);
    options.tool = tool;
  }
  const users = count('users');
  if (users !== undefined) options.users = users;
  const neo4jUsers = count('neo4j-users');
  if (neo4jUsers !== undefined) options.neo4jUsers = neo4jUsers;
  return options;
}

/** The profile of a run: quick or full, with --users/--neo4j-users applied. */
export function profileOf(options: BenchOptions): Profile {
  const base = options.quick ? QUICK : FULL;
  const users = options.users ?? base.scale.at(-1)!;
  const scale = [...base.scale.filter((n) => n < users), users];
  return { ...base, scale, loadedUsers: options.users ?? base.loadedUsers, neo4jUsers: options.neo4jUsers ?? base.neo4jUsers };
}
