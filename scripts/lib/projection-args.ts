import { httpUrl, readFlags, UsageError } from './flags';
import type { Env } from './target';
// Command line of scripts/projection.ts: `status|rebuild|audit [--url URL] [--token T]`.

export interface ProjectionOptions {
  command: 'status' | 'rebuild' | 'audit';
  /** The recommendation module's own port (not the gateway: it never routes `/admin`). */
  url: string;
  token?: string;
}

export const DEFAULT_URL = 'http://127.0.0.1:8083';
export const USAGE = `usage: bun run projection -- status|rebuild|audit [--url ${DEFAULT_URL}] [--token ADMIN_TOKEN]`;

const COMMANDS = ['status', 'rebuild', 'audit'] as const;

export function parseProjectionArgs(argv: readonly string[], env: Env): ProjectionOptions | 'help' {
  const read = readFlags(argv, { values: ['url', 'token'], positionals: true });
  if (read.kind === 'help') return 'help';
  const unknown = read.positionals.find((word) => !(COMMANDS as readonly string[]).includes(word));
  if (unknown !== undefined) throw new UsageError(`unknown argument "${unknown}"`);
  const [command, another] = read.positionals as ProjectionOptions['command'][];
  if (another) throw new UsageError(`one command at a time, got ${command} and ${another}`);
  if (!command) throw new UsageError('say what to do: status, rebuild or audit');
  const token = read.values.get('token') ?? (env.ADMIN_TOKEN?.trim() || undefined);
  const base = httpUrl(read.values.get('url') ?? env.RECOMMENDATION_ADMIN_URL ?? DEFAULT_URL, DEFAULT_URL).href.replace(/\/+$/, '');
  return { command, url: base, ...(token ? { token } : {}) };
}
