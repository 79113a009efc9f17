import { readFlags, UsageError, wholeNumber } from '../lib/flags';
import { targetUrl, toolEnv, type Env } from '../lib/target';
// Command-line options of `bun run load`, read like scripts/lib/args.ts (readFlags), so every bad
// input gets a message that names the flag (the caller prints it and exits 2).

export const SCENARIOS = ['signup', 'befriend', 'browse', 'mixed'] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

export interface LoadOptions {
  scenario: ScenarioName;
  /** Arrivals per second (open loop), or 'max': `concurrency` workers back to back (closed loop). */
  rate: number | 'max';
  durationMs: number;
  /** Most requests in flight; an arrival finding none free is dropped and counted, as in k6. */
  concurrency: number;
  url: string;
  /** Users created before the measured phase, for scenarios that need existing users. */
  users: number;
  seed: number;
  /** Also write the summary as JSON to this file. */
  json?: string;
  /** Send the token of the latest command with every read after it (read your writes). */
  consistent?: boolean;
}

export { UsageError };

export const DEFAULTS = { scenario: 'mixed', rate: 100, duration: '30s', concurrency: 32, url: 'http://localhost:9000', users: 200, seed: 1 } as const;

export const USAGE = `Usage: bun run load -- [options]

Drives the public API (through the gateway) at a fixed arrival rate and reports latency.

Options:
  --scenario S      ${SCENARIOS.join(' | ')} (default ${DEFAULTS.scenario})
  --rate R          arrivals per second, open loop (default ${DEFAULTS.rate}); "max" runs
                    --concurrency workers back to back instead (closed loop)
  --duration D      how long to run: 30s, 2m, 500ms (default ${DEFAULTS.duration})
  --concurrency C   most requests in flight (default ${DEFAULTS.concurrency}); an arrival finding
                    none free is dropped and counted
  --url U           gateway base URL (default: $BASE_URL if set, else ${DEFAULTS.url})
  --users N         users created before the run, for befriend/browse/mixed (default ${DEFAULTS.users})
  --seed N          seed for the random choices (default ${DEFAULTS.seed})
  --json FILE       also write the summary as JSON
  --consistent      send the latest command's Consistency-Token with the reads that follow it;
                    reports how many reads waited for the projection, and how long
  -h, --help        show this help`;

const FLAGS = ['scenario', 'rate', 'duration', 'concurrency', 'url', 'users', 'seed', 'json'] as const;
type Flag = (typeof FLAGS)[number];

/** "30s", "2m", "500ms", "1.5s" or bare seconds ("30") to milliseconds. */
export function parseDuration(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!match) throw new UsageError(`--duration must look like 30s, 2m or 500ms, got "${text}"`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(match[2] ?? 's') as 'ms' | 's' | 'm' | 'h'];
  const ms = Number(match[1]) * unit;
  if (ms <= 0) throw new UsageError('--duration must be positive');
  return ms;
}

const whole = (value: string, flag: Flag, min: number, max: number) => wholeNumber(value, flag, min, max);

function rate(value: string): number | 'max' {
  if (value === 'max') return 'max';
  const n = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value) || !(n > 0) || n > 1_000_000) throw new UsageError(`--rate must be a positive number up to 1000000 or "max", got "${value}"`);
  return n;
}

/** Parses argv (without runtime and script) and `BASE_URL` of `env`. Returns undefined for --help. */
export function parseLoadArgs(argv: readonly string[], env: Env = toolEnv()): LoadOptions | undefined {
  const read = readFlags(argv, { values: FLAGS, switches: ['consistent'] });
  if (read.kind === 'help') return undefined;
  const raw = read.values as Map<Flag, string>;
  const consistent = read.switches.has('consistent');
  const scenario = raw.get('scenario') ?? DEFAULTS.scenario;
  if (!(SCENARIOS as readonly string[]).includes(scenario)) throw new UsageError(`--scenario must be one of ${SCENARIOS.join(', ')}, got "${scenario}"`);
  return {
    scenario: scenario as ScenarioName,
    rate: rate(raw.get('rate') ?? String(DEFAULTS.rate)),
    durationMs: parseDuration(raw.get('duration') ?? DEFAULTS.duration),
    concurrency: whole(raw.get('concurrency') ?? String(DEFAULTS.concurrency), 'concurrency', 1, 4096),
    url: targetUrl(raw.get('url'), env, DEFAULTS.url),
    users: whole(raw.get('users') ?? String(DEFAULTS.users), 'users', 2, 1_000_000),
    seed: whole(raw.get('seed') ?? String(DEFAULTS.seed), 'seed', 0, 2 ** 32 - 1),
    ...(raw.has('json') ? { json: raw.get('json')! } : {}),
    ...(consistent ? { consistent } : {}),
  };
}
