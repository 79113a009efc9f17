import { readFlags, UsageError, wholeNumber } from './flags';
import { targetUrl, toolEnv, type Env } from './target';
// Command-line parsing for scripts/generate.ts.
//
// node:util's parseArgs reads the flags (readFlags); the checks here give every bad value a
// specific message (the caller prints it and exits 2) instead of a generic one.

export interface GenerateOptions {
  users: number;
  friendships: number;
  concurrency: number;
  /** Send each command's Consistency-Token with the read that follows it. */
  consistent?: boolean;
  url: string;
  /** The seed as typed (kept for the summary so a run can be repeated), or a random one. */
  seed: string;
}

export type ParseResult = { kind: 'help' } | { kind: 'options'; options: GenerateOptions };

export { UsageError };

export const DEFAULTS = { users: 100, friendships: 300, concurrency: 8, url: 'http://localhost:9000' } as const;

// Upper bounds keep a typo (an extra zero or three) from hammering the gateway for hours or
// making the pair bookkeeping exhaust memory; they are far beyond what a demo needs.
export const LIMITS = { users: 1_000_000, friendships: 10_000_000, concurrency: 1024 } as const;

export const USAGE = `Usage: bun run generate -- [options]

Fills the social network with users and friendships through the public HTTP API.

Options:
  --users N         users to create (default ${DEFAULTS.users}, at most ${LIMITS.users})
  --friendships M   friendships to add among them (default ${DEFAULTS.friendships}, at most ${LIMITS.friendships});
                    capped at the number of distinct pairs, N*(N-1)/2
  --concurrency C   requests in flight at once (default ${DEFAULTS.concurrency}, at most ${LIMITS.concurrency})
  --url U           gateway base URL (default: $BASE_URL if set, else ${DEFAULTS.url})
  --seed S          seed for names and pairs; the same seed gives the same data (default: random)
  --consistent      after each friendship, read the pair's mutual friends with the command's
                    Consistency-Token; reports how many reads waited for the projection, and how long
  -h, --help        show this help

Exit codes: 0 success, 1 a 5xx or network error happened, 2 bad arguments.`;

type Flag = 'users' | 'friendships' | 'concurrency' | 'url' | 'seed';
const FLAGS: readonly Flag[] = ['users', 'friendships', 'concurrency', 'url', 'seed'];

/** Parses argv (without the runtime and script path) and `BASE_URL` of `env`. Throws UsageError on bad input. */
export function parseArgs(argv: readonly string[], randomSeed: () => string = defaultRandomSeed, env: Env = toolEnv()): ParseResult {
  const read = readFlags(argv, { values: FLAGS, switches: ['consistent'] });
  if (read.kind === 'help') return read;
  const raw = read.values as Map<Flag, string>;
  const consistent = read.switches.has('consistent');
  const options: GenerateOptions = {
    users: integer(raw.get('users'), 'users', DEFAULTS.users, 1, LIMITS.users),
    friendships: integer(raw.get('friendships'), 'friendships', DEFAULTS.friendships, 0, LIMITS.friendships),
    concurrency: integer(raw.get('concurrency'), 'concurrency', DEFAULTS.concurrency, 1, LIMITS.concurrency),
    url: targetUrl(raw.get('url'), env, DEFAULTS.url),
    seed: seed(raw.get('seed')) ?? randomSeed(),
    ...(consistent ? { consistent } : {}),
  };
  return { kind: 'options', options };
}

function integer(value: string | undefined, flag: Flag, fallback: number, min: number, max: number): number {
  return value === undefined ? fallback : wholeNumber(value, flag, min, max);
}

function seed(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (value.trim() === '') throw new UsageError('--seed must not be empty');
  return value;
}

function defaultRandomSeed(): string {
  // Printed in the summary, so a random run can still be reproduced afterwards.
  return String(Math.floor(Math.random() * 2 ** 32));
}
