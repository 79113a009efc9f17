import { existsSync, readFileSync } from 'node:fs';

/** Reads `export NAME=value` lines written by `bun run infra:up` (quotes optional). */
export function readInfraEnv(path = '.infra/env'): Record<string, string> {
  if (!existsSync(path)) return {};
  const env: Record<string, string> = {};
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const match = /^\s*(?:export\s+)?([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line);
    if (match) env[match[1]!] = match[2]!.trim().replace(/^(['"])(.*)\1$/, '$2');
  }
  return env;
}
