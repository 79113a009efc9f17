import { createLocalJWKSet, errors, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose';
import type { Clock } from '../../../platform/clock';
import type { Fetch } from '../../../platform/http/local-fetch';
import type { Logger } from '../../../platform/log';
import { TIMED_OUT, raceTimeout } from '../deadline';

/** The identity provider's keys could not be had: not the client's fault, so a 503, never a 401. */
export class KeysUnavailable extends Error {
  override name = 'KeysUnavailable';
}

export interface RemoteKeySetOptions {
  url: string;
  fetch: Fetch;
  clock: Clock;
  log: Logger;
  /** Keys older than this are fetched again before use (providers rotate). Default 10 minutes. */
  maxAgeMs?: number;
  /**
   * No fetch starts sooner than this after the previous one, whatever caused it: an unknown `kid`
   * (a rotation, or a client making kids up), stale keys, a failed fetch. Bounds what clients can
   * make the gateway send to the identity provider. Default 10 s.
   */
  minRefetchMs?: number;
  /** Bounds the whole fetch, body included. Default 5 s. */
  timeoutMs?: number;
}

/**
 * The key resolver for tokens signed by an identity provider that publishes its keys as a JWKS.
 * Keys are cached; a token naming an unknown `kid` fetches the set again (rate-bounded); stale keys
 * are kept while the provider cannot be reached. Key selection (by `alg`, `kid`, `use`, key type)
 * and import are jose's: an RSA key is never used for an HMAC algorithm.
 */
export function remoteKeySet({ url, fetch, clock, log, maxAgeMs = 600_000, minRefetchMs = 10_000, timeoutMs = 5_000 }: RemoteKeySetOptions) {
  let keys: ReturnType<typeof createLocalJWKSet> | undefined;
  let fetchedAt = -Infinity;
  let attemptedAt = -Infinity;
  let lastFailure = 'not fetched yet';
  let pending: Promise<void> | undefined;
  let fetches = 0;
  const now = () => clock.now().getTime();

  async function load(signal: AbortSignal): Promise<void> {
    const response = await fetch(new Request(url, { headers: { accept: 'application/jwk-set+json, application/json' }, redirect: 'manual', signal }));
    if (response.status !== 200) throw new KeysUnavailable(`key set answered ${response.status}`);
    const body = await response.json().catch(() => undefined);
    try {
      // jose checks the shape and throws on anything that is not a key set.
      keys = createLocalJWKSet(body as JSONWebKeySet);
    } catch {
      throw new KeysUnavailable('key set is not a JWKS document');
    }
    fetchedAt = now();
  }

  /** One fetch at a time; everyone who needs keys meanwhile waits for it. A failure keeps old keys. */
  function refresh(): Promise<void> {
    pending ??= (async () => {
      attemptedAt = now();
      fetches++;
      const controller = new AbortController();
      try {
        const done = await raceTimeout(load(controller.signal), timeoutMs, () => controller.abort());
        if (done === TIMED_OUT) throw new KeysUnavailable(`key set did not answer within ${timeoutMs} ms`);
      } catch (error) {
        lastFailure = error instanceof KeysUnavailable ? error.message : 'key set could not be fetched';
        log.warn('could not fetch the token signing keys', { url, error, keptOldKeys: keys !== undefined });
      }
    })().finally(() => (pending = undefined));
    return pending;
  }

  const mayFetch = () => now() - attemptedAt >= minRefetchMs;

  const getKey: JWTVerifyGetKey = async (header, token) => {
    if (pending) await pending;
    else if ((!keys || now() - fetchedAt >= maxAgeMs) && mayFetch()) await refresh();
    if (!keys) throw new KeysUnavailable(lastFailure);
    try {
      return await keys(header, token);
    } catch (error) {
      if (!(error instanceof errors.JWKSNoMatchingKey) || !mayFetch()) throw error;
      await refresh();
      return keys(header, token);
    }
  };

  return {
    getKey,
    /** How many fetches were started: for tests of the rate bound. */
    get fetches() {
      return fetches;
    },
  };
}
