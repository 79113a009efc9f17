// Mints a development bearer token for a gateway running with AUTH_MODE=jwt and an HS256 secret:
// what an identity provider would hand a user after sign-in.
//
//   bun run token -- --user 5 [--ttl 1h] [--secret S] [--issuer I] [--audience A]
//
// The secret, issuer and audience default to AUTH_JWT_SECRET, AUTH_JWT_ISSUER and AUTH_JWT_AUDIENCE,
// the gateway's own settings, so a token minted in the same environment is accepted. Prefer the
// variable to --secret, which ends up in the shell history.
// Prints the token alone on stdout: `curl -H "Authorization: Bearer $(bun run --silent token -- --user 5)"`.
// Exit code: 0 ok, 2 bad arguments or no secret.
import { MAX_ID } from '../src/platform/ids';
import { optionsOrExitCode, readFlags, UsageError } from './lib/flags';
import { SignJWT } from 'jose';

export const USAGE = `Usage: bun run token -- --user ID [options]

Prints an HS256 JWT whose subject is the user id, for a gateway with AUTH_MODE=jwt.

Options:
  --user ID        the user id the token is for (required; a positive integer)
  --ttl T          lifetime: 30s, 15m, 1h, 7d or plain seconds (default 1h, at most 365d)
  --secret S       HS256 secret, at least 32 bytes (default: AUTH_JWT_SECRET)
  --issuer I       "iss" claim (default: AUTH_JWT_ISSUER, else none)
  --audience A     "aud" claim (default: AUTH_JWT_AUDIENCE, else none)
  -h, --help       show this help`;

export { UsageError };

export interface TokenOptions {
  user: string;
  ttlSeconds: number;
  secret: string;
  issuer?: string;
  audience?: string;
}

type Flag = 'user' | 'ttl' | 'secret' | 'issuer' | 'audience';
const FLAGS: readonly Flag[] = ['user', 'ttl', 'secret', 'issuer', 'audience'];
const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3_600, d: 86_400 };
const MAX_TTL_SECONDS = 365 * 86_400;

function ttl(value: string): number {
  const match = /^(\d{1,9})([smhd]?)$/.exec(value);
  const seconds = match ? Number(match[1]) * UNIT_SECONDS[match[2] || 's']! : NaN;
  if (!(seconds >= 1 && seconds <= MAX_TTL_SECONDS)) throw new UsageError(`--ttl must be like 30s, 15m, 1h or 7d (at most 365d), got "${value}"`);
  return seconds;
}

/** Parses argv (without the runtime and script path); undefined means help was asked for. */
export function parseTokenArgs(argv: readonly string[], env: Record<string, string | undefined> = process.env): TokenOptions | undefined {
  const read = readFlags(argv, { values: FLAGS });
  if (read.kind === 'help') return undefined;
  const raw = read.values as Map<Flag, string>;

  const user = raw.get('user');
  if (user === undefined) throw new UsageError('--user is required');
  // The gateway accepts only this form as a subject; minting anything else would just fail later.
  if (!/^[1-9][0-9]{0,9}$/.test(user) || Number(user) > MAX_ID) throw new UsageError(`--user must be a positive integer user id, got "${user}"`);
  const secret = raw.get('secret') ?? env.AUTH_JWT_SECRET?.trim();
  if (!secret) throw new UsageError('no secret: set AUTH_JWT_SECRET (the gateway\'s HS256 secret) or pass --secret');
  if (new TextEncoder().encode(secret).length < 32) throw new UsageError('the secret must be at least 32 bytes long, as the gateway requires');
  const issuer = raw.get('issuer') ?? (env.AUTH_JWT_ISSUER?.trim() || undefined);
  const audience = raw.get('audience') ?? (env.AUTH_JWT_AUDIENCE?.trim() || undefined);
  return { user, ttlSeconds: ttl(raw.get('ttl') ?? '1h'), secret, ...(issuer ? { issuer } : {}), ...(audience ? { audience } : {}) };
}

export async function mintToken({ user, ttlSeconds, secret, issuer, audience }: TokenOptions, nowSeconds = Math.floor(Date.now() / 1000)): Promise<string> {
  const jwt = new SignJWT({}).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).setSubject(user).setIssuedAt(nowSeconds).setExpirationTime(nowSeconds + ttlSeconds);
  if (issuer) jwt.setIssuer(issuer);
  if (audience) jwt.setAudience(audience);
  return jwt.sign(new TextEncoder().encode(secret));
}

async function main(argv: readonly string[]): Promise<number> {
  const options = optionsOrExitCode('token', USAGE, () => parseTokenArgs(argv));
  if (typeof options === 'number') return options;
  console.log(await mintToken(options));
  return 0;
}

if (import.meta.main) process.exit(await main(Bun.argv.slice(2)));
