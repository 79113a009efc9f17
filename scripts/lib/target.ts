import { httpUrl, UsageError } from './flags';
// The gateway a tool drives (generate, load): `--url`, else `BASE_URL`, the variable the k6 scripts
// read (deploy/k6), so one export points every load tool at the same system; else the default.
// This is the one place these tools read the environment: parsers take it as an argument, and
// tests pass their own.

export type Env = Readonly<Record<string, string | undefined>>;

/** The environment the tools run with. */
export const toolEnv = (): Env => process.env;

/** The base URL to use: absolute http(s), no query or fragment, no trailing slash. A flag wins. */
export function targetUrl(flag: string | undefined, env: Env, fallback: string): string {
  // An empty BASE_URL counts as unset, as in the k6 scripts (`__ENV.BASE_URL || default`).
  const fromEnv = env.BASE_URL?.trim() ? env.BASE_URL : undefined;
  const [value, source] = flag !== undefined ? [flag, '--url'] : fromEnv !== undefined ? [fromEnv, 'BASE_URL'] : [fallback, '--url'];
  const url = httpUrl(value, fallback, source);
  if (url.search || url.hash) throw new UsageError(`${source} must not have a query or fragment, got "${value}"`);
  // Paths are appended as `${url}/user/v1/...`, so drop trailing slashes to avoid `//user`.
  return url.href.replace(/\/+$/, '');
}
