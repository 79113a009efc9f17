import { readAuthMode } from '../../platform/config';
import { ConfigError, duration, fraction, integer, oneOf, url, type Env } from '../../platform/config-readers';
import type { GatewayAuth } from './auth/verifier';
import type { CorsPolicy } from './cors';
import { defaultProtection, type GatewayProtection } from './protection';

/**
 * The gateway's own settings: its protections (GATEWAY_*), fixed upstreams, CORS and how it verifies
 * user tokens (AUTH_JWT_*, AUTH_JWKS_URL). The protection defaults
 * are protection.ts's; this file only says which variable sets what, and within which bounds.
 */
export interface GatewaySettings {
  /** Each limit set to 0 switches that protection off; the body limit is every module's (MAX_REQUEST_BODY_BYTES). */
  protection: Omit<GatewayProtection, 'maxBodyBytes'>;
  /** Fixed upstream origin per service (e.g. Kubernetes Services) instead of discovery look-ups. */
  upstreams?: Record<string, string>;
  /** Cross-origin access for browser apps; unset: off. */
  cors?: CorsPolicy;
  /** With AUTH_MODE=jwt: an HS256 secret or a JWKS URL, the optional issuer and audience, the longest lifetime accepted. */
  auth: GatewayAuth;
  /** How long one attempt at a service may take before the gateway answers 504 (GATEWAY_UPSTREAM_TIMEOUT_MS). */
  upstreamTimeoutMs: number;
}

export function readGatewaySettings(env: Env): GatewaySettings {
  const d = defaultProtection;
  const upstreamTable = upstreams(env, 'GATEWAY_UPSTREAMS');
  const cors = corsPolicy(env);
  return {
    auth: tokenVerification(env),
    upstreamTimeoutMs: integer(env, 'GATEWAY_UPSTREAM_TIMEOUT_MS', 10_000, 1, 600_000),
    protection: {
      maxHeaderBytes: integer(env, 'GATEWAY_MAX_HEADER_BYTES', d.maxHeaderBytes, 0, 1024 * 1024),
      rateLimitPerSecond: integer(env, 'GATEWAY_RATE_LIMIT_PER_SECOND', d.rateLimitPerSecond, 0, 1_000_000),
      rateLimitBurst: integer(env, 'GATEWAY_RATE_LIMIT_BURST', d.rateLimitBurst, 1, 10_000_000),
      trustedProxyHops: integer(env, 'GATEWAY_TRUSTED_PROXY_HOPS', d.trustedProxyHops, 0, 10),
      bodyTimeoutMs: integer(env, 'GATEWAY_REQUEST_BODY_TIMEOUT_MS', d.bodyTimeoutMs, 100, 600_000),
      breakerFailures: integer(env, 'GATEWAY_BREAKER_FAILURES', d.breakerFailures, 0, 10_000),
      breakerFailureRatio: fraction(env, 'GATEWAY_BREAKER_FAILURE_RATIO', d.breakerFailureRatio),
      breakerMinRequests: integer(env, 'GATEWAY_BREAKER_MIN_REQUESTS', d.breakerMinRequests, 1, 1_000_000),
      breakerWindowMs: integer(env, 'GATEWAY_BREAKER_WINDOW_MS', d.breakerWindowMs, 100, 600_000),
      breakerOpenMs: integer(env, 'GATEWAY_BREAKER_OPEN_MS', d.breakerOpenMs, 100, 600_000),
    },
    ...(upstreamTable ? { upstreams: upstreamTable } : {}),
    ...(cors ? { cors } : {}),
  };
}

/** `user=http://user:8081,friend=http://friend:8082`: a service name and an http(s) origin each. */
function upstreams(env: Env, name: string): Record<string, string> | undefined {
  const raw = env[name]?.trim();
  if (!raw) return undefined;
  const table: Record<string, string> = {};
  for (const entry of raw.split(',').map((e) => e.trim()).filter(Boolean)) {
    const match = /^([a-z][a-z0-9-]{0,62})=(https?:\/\/[^\s/]+)\/?$/.exec(entry);
    if (!match) throw new ConfigError(`${name} must list service=http://host:port entries, got "${entry}"`);
    if (table[match[1]!]) throw new ConfigError(`${name} names service "${match[1]}" twice`);
    table[match[1]!] = url({ [name]: match[2] }, name, '');
  }
  return table;
}

/**
 * CORS_ORIGINS: `*`, or comma-separated exact origins as browsers send them in `Origin`
 * (scheme://host[:port], no path, no wildcard in a host name). CORS_ALLOW_CREDENTIALS=true needs
 * exact origins: browsers refuse a credentialed answer that says `*`, and echoing any origin with
 * credentials would hand every site on the web the user's session.
 */
function corsPolicy(env: Env): CorsPolicy | undefined {
  const raw = env.CORS_ORIGINS?.trim();
  const allowCredentials = oneOf(env, 'CORS_ALLOW_CREDENTIALS', 'false', ['true', 'false'] as const) === 'true';
  if (!raw) {
    if (allowCredentials) throw new ConfigError('CORS_ALLOW_CREDENTIALS=true needs CORS_ORIGINS listing exact origins');
    return undefined;
  }
  if (raw === '*') {
    if (allowCredentials) throw new ConfigError('CORS_ALLOW_CREDENTIALS=true cannot go with CORS_ORIGINS=*: list the exact origins instead');
    return { origins: '*', allowCredentials };
  }
  const origins: string[] = [];
  for (const entry of raw.split(',').map((e) => e.trim()).filter(Boolean)) {
    // A trailing slash is tolerated (a pasted address); any other path, a query or user info is not.
    const match = /^(https?):\/\/([^\s/?#@*]+)\/?$/i.exec(entry);
    let origin: string | undefined;
    try {
      origin = match ? new URL(entry).origin : undefined;
    } catch {
      origin = undefined;
    }
    if (!origin) throw new ConfigError(`CORS_ORIGINS must be * or list exact origins like https://app.example or http://localhost:5173 (no path, no wildcard), got "${entry}"`);
    if (!origins.includes(origin)) origins.push(origin);
  }
  if (!origins.length) throw new ConfigError('CORS_ORIGINS lists no origin');
  return { origins, allowCredentials };
}


/** Keys are ignored while authentication is off: turning it off must not need them removed. */
function tokenVerification(env: Env): GatewayAuth {
  const mode = readAuthMode(env);
  if (mode === 'off') return { mode };
  const secret = env.AUTH_JWT_SECRET?.trim() || undefined;
  const jwksUrl = env.AUTH_JWKS_URL?.trim() || undefined;
  if (!secret === !jwksUrl) throw new ConfigError('AUTH_MODE=jwt needs exactly one of AUTH_JWT_SECRET (HS256) or AUTH_JWKS_URL');
  if (secret && new TextEncoder().encode(secret).length < 32) throw new ConfigError('AUTH_JWT_SECRET must be at least 32 bytes long');
  if (jwksUrl && !/^https?:\/\/\S+$/.test(jwksUrl)) throw new ConfigError(`AUTH_JWKS_URL must be an http(s) URL, got "${jwksUrl}"`);
  const issuer = env.AUTH_JWT_ISSUER?.trim() || undefined;
  const audience = env.AUTH_JWT_AUDIENCE?.trim() || undefined;
  const maxTtlSec = duration(env, 'AUTH_JWT_MAX_TTL', 24 * 3600, 60, 366 * 24 * 3600);
  return { mode, maxTtlSec, ...(secret ? { secret } : {}), ...(jwksUrl ? { jwksUrl } : {}), ...(issuer ? { issuer } : {}), ...(audience ? { audience } : {}) };
}
