import { httpUrl, UsageError } from './flags';
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

export function parseProjectionArgs(argv: readonly string[], env: Env): ProjectionOptions | 'help' {
  let command: ProjectionOptions['command'] | undefined;
  let url: string | undefined;
  let token = env.ADMIN_TOKEN?.trim() || undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') return 'help';
    if (arg === '--url' || arg === '--token') {
      const value = argv[++i];
      if (value === undefined) throw new UsageError(`${arg} needs a value`);
      if (arg === '--url') url = value;
      else token = value;
    } else if (arg === 'status' || arg === 'rebuild' || arg === 'audit') {
      if (command) throw new UsageError(`one command at a time, got ${command} and ${arg}`);
      command = arg;
    } else throw new UsageError(`unknown argument "${arg}"`);
  }
  if (!command) throw new UsageError('say what to do: status, rebuild or audit');
  const base = httpUrl(url ?? env.RECOMMENDATION_ADMIN_URL ?? DEFAULT_URL, DEFAULT_URL).href.replace(/\/+$/, '');
  return { command, url: base, ...(token ? { token } : {}) };
}
