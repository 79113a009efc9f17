import { decodeProtectedHeader, errors, jwtVerify, type JWTVerifyGetKey, type JWSAlgorithm } from 'jose';
import { systemClock, type Clock } from '../../../platform/clock';
import type { Fetch } from '../../../platform/http/local-fetch';
import type { Logger } from '../../../platform/log';
import { KeysUnavailable, remoteKeySet } from './jwks';
import { MAX_ID } from '../../../platform/ids';

export interface TokenVerifierOptions {
  /** HS256 shared secret (at least 32 bytes; the configuration checks). */
  secret?: string;
  /** Where the identity provider publishes its public keys, for asymmetric tokens. */
  jwksUrl?: string;
  /** When set, the token's `iss` must equal it. */
  issuer?: string;
  /** When set, the token's `aud` must contain it. */
  audience?: string;
  /** Leeway for `exp`, `nbf` and `iat` between clocks. Default 30 s. */
  clockToleranceSec?: number;
  /**
   * Longest lifetime a token may have, in seconds (default 24 h). A token whose `exp` lies further
   * ahead, or whose `exp - iat` is longer, is refused: a leaked one must not stay good for years.
   */
  maxTtlSec?: number;
  /** See remoteKeySet. */
  jwksMinRefetchMs?: number;
  jwksMaxAgeMs?: number;
}

/** How the gateway authenticates: not at all (the original, open API), or by bearer JWT. */
export type GatewayAuth = { mode: 'off' } | ({ mode: 'jwt' } & TokenVerifierOptions);

export interface TokenVerifierDeps {
  log: Logger;
  /** Reaches the JWKS URL. Default: global fetch. */
  fetch?: Fetch;
  clock?: Clock;
}

export type Verification = { ok: true; userId: string } | { ok: false; status: 401 | 503; detail: string };

/**
 * The algorithms each kind of key accepts, pinned rather than read from the token: a token saying
 * `alg: none`, or `HS256` signed with an RSA public key as the "secret" (algorithm confusion), is
 * refused before any key is looked at.
 */
export const HMAC_ALGORITHMS: readonly JWSAlgorithm[] = ['HS256'];
export const PUBLIC_KEY_ALGORITHMS: readonly JWSAlgorithm[] = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384'];

/** Three base64url parts; the signature of an `alg: none` token is empty, and is refused later. */
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

/** User ids are positive 32-bit integers, written plainly (no sign, no leading zero). */
const USER_ID = /^[1-9][0-9]{0,9}$/;

const invalid = (detail: string): Verification => ({ ok: false, status: 401, detail });

/** Token header values end up in a problem detail: short, and nothing but plain characters. */
const shown = (value: unknown) => JSON.stringify(String(value).slice(0, 32).replace(/[^\w.+-]/g, '?'));

/**
 * Verifies a bearer token: signature (HS256 with the secret, or a key from the JWKS), `exp` and
 * `nbf` with some clock leeway, `iss` and `aud` when configured, and a `sub` that is a user id.
 * HS256 needs one imported key, made once: per request only the signature is computed.
 */
export function createTokenVerifier(options: TokenVerifierOptions, { log, fetch = (request) => globalThis.fetch(request), clock = systemClock }: TokenVerifierDeps) {
  if (!options.secret === !options.jwksUrl) throw new Error('token verifier needs exactly one of secret or jwksUrl');
  const algorithms = options.secret ? HMAC_ALGORITHMS : PUBLIC_KEY_ALGORITHMS;
  const claims = {
    algorithms: [...algorithms],
    clockTolerance: options.clockToleranceSec ?? 30,
    // Tokens that never expire are refused: a leaked one would be good forever.
    requiredClaims: ['exp', 'sub'],
    ...(options.issuer ? { issuer: options.issuer } : {}),
    ...(options.audience ? { audience: options.audience } : {}),
  };
  const tolerance = options.clockToleranceSec ?? 30;
  const maxTtl = options.maxTtlSec ?? 24 * 3600;
  const check = options.secret ? withSecret(options.secret) : withKeySet(remoteKeySet({ url: options.jwksUrl!, fetch, clock, log, minRefetchMs: options.jwksMinRefetchMs, maxAgeMs: options.jwksMaxAgeMs }).getKey);

  function withSecret(secret: string) {
    const key = crypto.subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']);
    return async (token: string) => jwtVerify(token, await key, { ...claims, currentDate: clock.now() });
  }

  function withKeySet(getKey: JWTVerifyGetKey) {
    return (token: string) => jwtVerify(token, getKey, { ...claims, currentDate: clock.now() });
  }

  function explain(error: unknown): Verification {
    if (error instanceof KeysUnavailable) return { ok: false, status: 503, detail: 'the signing keys of the identity provider are unavailable' };
    if (error instanceof errors.JWTExpired) return invalid('token expired');
    if (error instanceof errors.JWTClaimValidationFailed) {
      if (error.reason === 'missing') return invalid(`token lacks the "${error.claim}" claim`);
      if (error.claim === 'nbf') return invalid('token not valid yet (nbf)');
      if (error.claim === 'iss') return invalid('token issuer (iss) not accepted');
      if (error.claim === 'aud') return invalid('token audience (aud) not accepted');
      return invalid(`token claim "${error.claim}" is invalid`);
    }
    if (error instanceof errors.JWSSignatureVerificationFailed) return invalid('bad token signature');
    if (error instanceof errors.JOSEAlgNotAllowed || error instanceof errors.JOSENotSupported) return invalid('unsupported token algorithm');
    if (error instanceof errors.JWKSNoMatchingKey) return invalid('no published signing key matches the token (kid)');
    if (error instanceof errors.JWKSMultipleMatchingKeys) return invalid('several published signing keys match the token; it needs a kid');
    if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid) return invalid('malformed token');
    log.warn('token verification failed unexpectedly', { error });
    return invalid('invalid token');
  }

  return {
    async verify(token: string): Promise<Verification> {
      if (!COMPACT_JWS.test(token)) return invalid('malformed token: expected a compact JWS, three base64url parts');
      let alg: unknown;
      try {
        alg = decodeProtectedHeader(token).alg;
      } catch {
        return invalid('malformed token: its header is not base64url JSON');
      }
      if (!algorithms.includes(alg as JWSAlgorithm)) {
        return invalid(`unsupported token algorithm ${shown(alg)}; accepted: ${algorithms.join(', ')}`);
      }
      try {
        const { payload } = await check(token);
        const lifetime = lifetimeIssue(payload, clock.now().getTime() / 1000, tolerance, maxTtl);
        if (lifetime) return invalid(lifetime);
        const sub = payload.sub;
        if (typeof sub !== 'string' || !USER_ID.test(sub) || Number(sub) > MAX_ID) return invalid('token subject (sub) must be a user id, a positive decimal integer');
        return { ok: true, userId: sub };
      } catch (error) {
        return explain(error);
      }
    },
  };
}

/**
 * jose checks that `exp` has not passed, not how far ahead it lies, and reads `iat` only when asked
 * for a maximum age. Both bounds are checked here: a lifetime over the maximum (`exp: 1e300`, or
 * `exp - iat` beyond it) and a token issued in the future are refused.
 */
function lifetimeIssue(payload: { exp?: unknown; iat?: unknown }, now: number, tolerance: number, maxTtl: number): string | undefined {
  const { exp, iat } = payload;
  if (typeof exp === 'number' && exp - now > maxTtl + tolerance) return `token lifetime exceeds the maximum of ${maxTtl} s (exp too far ahead)`;
  if (iat === undefined) return undefined;
  if (typeof iat !== 'number' || !Number.isFinite(iat)) return 'token claim "iat" is invalid';
  if (iat - now > tolerance) return 'token issued in the future (iat)';
  if (typeof exp === 'number' && exp - iat > maxTtl) return `token lifetime exceeds the maximum of ${maxTtl} s (exp - iat)`;
  return undefined;
}

export type TokenVerifier = ReturnType<typeof createTokenVerifier>;
