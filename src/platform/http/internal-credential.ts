import { SignJWT, errors, jwtVerify } from 'jose';
import { systemClock, type Clock } from '../clock';

/**
 * The credential one of our own processes gives another: a short-lived HS256 JWT signed with the
 * secret they share (INTERNAL_AUTH_SECRET), whose audience is the service called. Either the
 * gateway vouches for a user it verified (`iss: gateway`, `sub: <user id>`), or a service speaks
 * for itself (`iss: friend`, `sub: service:friend`). A client never holds that secret, so nothing
 * a client sends can pass for either.
 */
export const INTERNAL_CREDENTIAL_HEADER = 'x-internal-credential';
export const GATEWAY_ISSUER = 'gateway';
const SERVICE_SUBJECT = 'service:';

/** Who a verified credential speaks for. */
export type Caller = { kind: 'user'; userId: string } | { kind: 'service'; service: string };
export type CredentialCheck = { ok: true; caller: Caller } | { ok: false; detail: string };

/** Short: a credential seen in a log or a captured request is useless a minute later. */
const LIFETIME_SEC = 60;
/** Refused whatever `exp` says: a signer with a wrong setting must not mint long-lived passes. */
const MAX_AGE_SEC = 120;
const CLOCK_TOLERANCE_SEC = 30;
const USER_ID = /^[1-9][0-9]{0,9}$/;
const SERVICE_NAME = /^[a-z][a-z0-9-]{0,62}$/;

const keyOf = (secret: string) => new TextEncoder().encode(secret);

/** Map insertion order as recency: a hit moves to the back, the front is dropped when full. */
function bounded<V>(max: number) {
  const map = new Map<string, V>();
  return {
    get(key: string): V | undefined {
      const value = map.get(key);
      if (value !== undefined) {
        map.delete(key);
        map.set(key, value);
      }
      return value;
    },
    set(key: string, value: V) {
      map.delete(key);
      if (map.size >= max) map.delete(map.keys().next().value!);
      map.set(key, value);
    },
    delete: (key: string) => void map.delete(key),
    get size() {
      return map.size;
    },
  };
}

export interface SignerOptions {
  secret: string;
  /** The signing service's name: `iss`, and `service:<name>` as the subject of its own calls. */
  issuer: string;
  clock?: Clock;
  /** How long a signed credential is handed out again; it then still has most of its minute left. */
  reuseMs?: number;
  maxEntries?: number;
}

/**
 * Signs credentials. An HMAC per request costs more than the proxying around it, so one credential
 * per (audience, subject) is reused for a few seconds; concurrent misses share one signature.
 */
export function createCredentialSigner({ secret, issuer, clock = systemClock, reuseMs = 10_000, maxEntries = 10_000 }: SignerOptions) {
  const key = keyOf(secret);
  const cache = bounded<{ token: Promise<string>; until: number }>(maxEntries);

  function credential(audience: string, subject: string): Promise<string> {
    const now = clock.now().getTime();
    const cacheKey = `${audience} ${subject}`;
    const hit = cache.get(cacheKey);
    if (hit && now < hit.until) return hit.token;
    const at = Math.floor(now / 1000);
    const token = new SignJWT({}).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).setIssuer(issuer).setAudience(audience).setSubject(subject).setIssuedAt(at).setExpirationTime(at + LIFETIME_SEC).sign(key);
    token.catch(() => cache.delete(cacheKey));
    cache.set(cacheKey, { token, until: now + reuseMs });
    return token;
  }

  return {
    /** The gateway's word, to `audience`, that the request comes from the user it verified. */
    forUser: (audience: string, userId: string) => credential(audience, userId),
    /** This service's own call to `audience`. */
    forService: (audience: string) => credential(audience, SERVICE_SUBJECT + issuer),
  };
}

export type CredentialSigner = ReturnType<typeof createCredentialSigner>;

export interface VerifierOptions {
  secret: string;
  /** The service verifying: credentials must be addressed to it. */
  audience: string;
  clock?: Clock;
  maxEntries?: number;
}

/**
 * Verifies credentials addressed to `audience`. A verified credential is remembered until it
 * expires (bounded, least recently used dropped first), so each is checked by HMAC once, not on
 * each of the requests that reuse it.
 */
export function createCredentialVerifier({ secret, audience, clock = systemClock, maxEntries = 10_000 }: VerifierOptions) {
  const key = keyOf(secret);
  const verified = bounded<{ caller: Caller; untilMs: number }>(maxEntries);
  const options = { algorithms: ['HS256'], audience, requiredClaims: ['exp', 'iat', 'iss', 'sub'], maxTokenAge: MAX_AGE_SEC, clockTolerance: CLOCK_TOLERANCE_SEC };

  function callerOf(iss: unknown, sub: unknown): Caller | undefined {
    if (typeof iss !== 'string' || typeof sub !== 'string') return undefined;
    if (iss === GATEWAY_ISSUER && USER_ID.test(sub)) return { kind: 'user', userId: sub };
    if (SERVICE_NAME.test(iss) && sub === SERVICE_SUBJECT + iss) return { kind: 'service', service: iss };
    return undefined;
  }

  return {
    async verify(token: string): Promise<CredentialCheck> {
      const now = clock.now().getTime();
      const hit = verified.get(token);
      if (hit) {
        if (now < hit.untilMs) return { ok: true, caller: hit.caller };
        verified.delete(token);
      }
      try {
        const { payload } = await jwtVerify(token, key, { ...options, currentDate: new Date(now) });
        const caller = callerOf(payload.iss, payload.sub);
        if (!caller) return { ok: false, detail: 'internal credential names no user vouched for by the gateway, nor a service' };
        // Never past what the checks above allow, whichever comes first.
        const untilMs = Math.min(payload.exp! * 1000, (payload.iat! + MAX_AGE_SEC) * 1000);
        verified.set(token, { caller, untilMs });
        return { ok: true, caller };
      } catch (error) {
        if (error instanceof errors.JWTExpired) return { ok: false, detail: 'internal credential expired' };
        if (error instanceof errors.JWTClaimValidationFailed) return { ok: false, detail: `internal credential claim "${error.claim}" not accepted` };
        if (error instanceof errors.JWSSignatureVerificationFailed) return { ok: false, detail: 'internal credential has a bad signature' };
        return { ok: false, detail: 'malformed internal credential' };
      }
    },
    /** Verified credentials remembered: for tests of the bound. */
    get remembered() {
      return verified.size;
    },
  };
}

export type CredentialVerifier = ReturnType<typeof createCredentialVerifier>;
