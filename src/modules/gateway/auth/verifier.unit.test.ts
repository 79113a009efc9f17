import { beforeAll, describe, expect, test } from 'bun:test';
import { silentLogger } from '../../../platform/log';
import { confusedToken, hs256, keyPair, nowSeconds, OTHER_SECRET, SECRET, tamperedToken, unsignedToken, type KeyPair } from '../../../../test/kits/gateway/tokens';
import { createTokenVerifier, type TokenVerifierOptions } from './verifier';

const hmac = (options: Partial<TokenVerifierOptions> = {}) => createTokenVerifier({ secret: SECRET, ...options }, { log: silentLogger });

const refused = (detail: string | RegExp) => ({ ok: false as const, status: 401 as const, detail: expect.stringMatching(detail) });

describe('HS256 with a shared secret', () => {
  test('a well-formed token gives its subject as the user id', async () => {
    expect(await hmac().verify(await hs256({ sub: '42' }))).toEqual({ ok: true, userId: '42' });
  });

  test('exp and nbf are checked with 30 s of leeway', async () => {
    const v = hmac();
    expect(await v.verify(await hs256({ expIn: -20 }))).toMatchObject({ ok: true });
    expect(await v.verify(await hs256({ expIn: -60 }))).toEqual(refused(/^token expired$/));
    expect(await v.verify(await hs256({ nbfIn: 20 }))).toMatchObject({ ok: true });
    expect(await v.verify(await hs256({ nbfIn: 120 }))).toEqual(refused(/not valid yet \(nbf\)/));
  });

  test('a lifetime over the maximum, or a token issued in the future, is refused', async () => {
    const v = hmac({ maxTtlSec: 3600 });
    expect(await v.verify(await hs256({ expIn: 3500 }))).toMatchObject({ ok: true });
    expect(await v.verify(await hs256({ expIn: 7200 }))).toEqual(refused(/lifetime exceeds the maximum of 3600 s/));
    // exp: 1e300 would otherwise be a token good forever.
    expect(await v.verify(await hs256({ expIn: null, extra: { exp: 1e300 } }))).toEqual(refused(/lifetime exceeds the maximum/));
    // Issued 50 min ago with 30 min to run: within bounds from now, but its lifetime is 80 min.
    expect(await v.verify(await hs256({ expIn: 4800 }, SECRET, nowSeconds() - 3000))).toEqual(refused(/exp - iat/));
    expect(await v.verify(await hs256({ expIn: 600 }, SECRET, nowSeconds() + 20))).toMatchObject({ ok: true });
    expect(await v.verify(await hs256({ expIn: 600 }, SECRET, nowSeconds() + 120))).toEqual(refused(/issued in the future \(iat\)/));
    expect(await hmac().verify(await hs256({ expIn: 23 * 3600 }))).toMatchObject({ ok: true });
    expect(await hmac().verify(await hs256({ expIn: 25 * 3600 }))).toEqual(refused(/maximum of 86400 s/));
  });

  test('a token without exp or sub is refused: a leaked one would be good forever, or for nobody', async () => {
    expect(await hmac().verify(await hs256({ expIn: null }))).toEqual(refused('lacks the "exp" claim'));
    expect(await hmac().verify(await hs256({ sub: '' }))).toEqual(refused('lacks the "sub" claim'));
  });

  test('the subject must be a plain positive user id', async () => {
    for (const sub of ['0', '-1', '007', '1.5', 'alice', '2147483648', ' 1']) {
      expect(await hmac().verify(await hs256({ sub }))).toEqual(refused('token subject (sub) must be a user id'));
    }
    expect(await hmac().verify(await hs256({ sub: '', extra: { sub: 7 as unknown as string } }))).toMatchObject({ ok: false, status: 401 });
    expect(await hmac().verify(await hs256({ sub: '2147483647' }))).toEqual({ ok: true, userId: '2147483647' });
  });

  test('iss and aud are checked when configured', async () => {
    const v = hmac({ issuer: 'https://id.example', audience: 'social-network' });
    expect(await v.verify(await hs256({ iss: 'https://id.example', aud: 'social-network' }))).toMatchObject({ ok: true });
    expect(await v.verify(await hs256({ iss: 'https://evil.example', aud: 'social-network' }))).toEqual(refused('issuer (iss) not accepted'));
    expect(await v.verify(await hs256({ iss: 'https://id.example', aud: 'other-app' }))).toEqual(refused('audience (aud) not accepted'));
    expect(await v.verify(await hs256({ aud: 'social-network' }))).toEqual(refused('lacks the "iss" claim'));
    // Not configured: not checked.
    expect(await hmac().verify(await hs256({ iss: 'anyone', aud: 'anything' }))).toMatchObject({ ok: true });
  });

  test('alg none, another secret and a tampered payload are refused', async () => {
    const v = hmac();
    expect(await v.verify(unsignedToken())).toEqual(refused('unsupported token algorithm "none"; accepted: HS256'));
    expect(await v.verify(await hs256({}, OTHER_SECRET))).toEqual(refused(/^bad token signature$/));
    const mine = await hs256({ sub: '1' });
    expect(await v.verify(tamperedToken(mine, { sub: '2', exp: nowSeconds() + 600 }))).toEqual(refused(/^bad token signature$/));
  });

  test('malformed tokens say so', async () => {
    const v = hmac();
    for (const token of ['', 'abc', 'a.b', 'a.b.c.d', 'a b.c.d', '!!!.e30.x']) expect(await v.verify(token)).toEqual(refused(/^malformed token/));
    expect(await v.verify('bm90IGpzb24.e30.c2ln')).toEqual(refused(/^malformed token/));
    const [header, , signature] = (await hs256()).split('.');
    expect(await v.verify(`${header}.bm90IGpzb24.${signature}`)).toEqual(refused(/^malformed token$|^bad token signature$/));
  });

  test('an attacker-chosen alg is shown only in plain characters', async () => {
    const token = `${Buffer.from(JSON.stringify({ alg: 'x"\r\n<script>' })).toString('base64url')}.e30.`;
    expect(await hmac().verify(token)).toEqual(refused(/^unsupported token algorithm "x\?{4}script\?"; accepted: HS256$/));
  });
});

describe('public keys from a JWKS', () => {
  let rsa: KeyPair;
  let ec: KeyPair;
  let unpublished: KeyPair;
  beforeAll(async () => {
    [rsa, ec, unpublished] = await Promise.all([keyPair('RS256', 'rsa-1'), keyPair('ES256', 'ec-1'), keyPair('RS256', 'rsa-2')]);
  });

  /** A JWKS endpoint in a function: what it serves can change, and fetches are counted. */
  function provider(initial: () => object[]) {
    const state = { keys: initial, fetches: 0, down: false };
    const fetch = async (request: Request) => {
      state.fetches++;
      expect(request.url).toBe('https://id.example/jwks.json');
      if (state.down) throw new TypeError('connection refused');
      return Response.json({ keys: state.keys() });
    };
    return { state, fetch };
  }

  function jwksVerifier(fetch: (r: Request) => Promise<Response>, options: Partial<TokenVerifierOptions> = {}) {
    let now = Date.now();
    const clock = { now: () => new Date(now) };
    const verifier = createTokenVerifier({ jwksUrl: 'https://id.example/jwks.json', jwksMinRefetchMs: 10_000, ...options }, { log: silentLogger, fetch, clock });
    return { verifier, advance: (ms: number) => void (now += ms) };
  }

  test('RS256 and ES256 tokens signed with published keys are accepted; the key set is fetched once', async () => {
    const { state, fetch } = provider(() => [rsa.jwk, ec.jwk]);
    const { verifier } = jwksVerifier(fetch);
    expect(await verifier.verify(await rsa.sign({ sub: '5' }))).toEqual({ ok: true, userId: '5' });
    expect(await verifier.verify(await ec.sign({ sub: '6' }))).toEqual({ ok: true, userId: '6' });
    expect(await verifier.verify(await rsa.sign({ sub: '7' }))).toEqual({ ok: true, userId: '7' });
    expect(state.fetches).toBe(1);
  });

  test('an HS256 token keyed with the RSA public key is refused (algorithm confusion), as is alg none', async () => {
    const { fetch } = provider(() => [rsa.jwk]);
    const { verifier } = jwksVerifier(fetch);
    expect(await verifier.verify(await confusedToken(rsa))).toEqual(refused(/^unsupported token algorithm "HS256"; accepted: RS256, .*ES256/));
    expect(await verifier.verify(await hs256())).toEqual(refused('unsupported token algorithm "HS256"'));
    expect(await verifier.verify(unsignedToken())).toEqual(refused('unsupported token algorithm "none"'));
  });

  test('a key the provider does not publish: unknown kid, or a published kid with another key', async () => {
    const { fetch } = provider(() => [rsa.jwk]);
    const { verifier } = jwksVerifier(fetch);
    expect(await verifier.verify(await unpublished.sign())).toEqual(refused('no published signing key matches the token (kid)'));
    expect(await verifier.verify(await unpublished.sign({ kid: 'rsa-1' }))).toEqual(refused(/^bad token signature$/));
    expect(await verifier.verify(await rsa.sign({ expIn: -60 }))).toEqual(refused(/^token expired$/));
  });

  test('an unknown kid fetches the set again at most once per jwksMinRefetchMs; a rotated-in key is then found', async () => {
    let published = [rsa.jwk];
    const { state, fetch } = provider(() => published);
    const { verifier, advance } = jwksVerifier(fetch);
    expect(await verifier.verify(await rsa.sign())).toMatchObject({ ok: true });
    expect(state.fetches).toBe(1);
    // Made-up kids, many of them: no fetch inside the bound.
    for (let i = 0; i < 20; i++) expect(await verifier.verify(await unpublished.sign({ kid: `made-up-${i}` }))).toMatchObject({ ok: false, status: 401 });
    expect(state.fetches).toBe(1);
    published = [rsa.jwk, ec.jwk];
    expect(await verifier.verify(await ec.sign())).toMatchObject({ ok: false, status: 401 });
    expect(state.fetches).toBe(1);
    advance(10_000);
    const results = await Promise.all([ec.sign(), ec.sign(), ec.sign()].map(async (t) => verifier.verify(await t)));
    for (const result of results) expect(result).toMatchObject({ ok: true });
    expect(state.fetches).toBe(2);
  });

  test('provider unreachable: 503 (not the client\'s fault); stale keys are kept while it is down', async () => {
    const down = provider(() => [rsa.jwk]);
    down.state.down = true;
    const first = jwksVerifier(down.fetch);
    expect(await first.verifier.verify(await rsa.sign())).toEqual({ ok: false, status: 503, detail: expect.stringContaining('unavailable') });
    // Within the bound, failures do not make the gateway hammer the provider.
    await first.verifier.verify(await rsa.sign());
    expect(down.state.fetches).toBe(1);

    const flaky = provider(() => [rsa.jwk]);
    const second = jwksVerifier(flaky.fetch, { jwksMaxAgeMs: 60_000 });
    expect(await second.verifier.verify(await rsa.sign())).toMatchObject({ ok: true });
    flaky.state.down = true;
    second.advance(61_000);
    expect(await second.verifier.verify(await rsa.sign())).toMatchObject({ ok: true });
    expect(flaky.state.fetches).toBe(2);
  });

  test('a provider answering garbage or an error status is a 503', async () => {
    for (const answer of [() => new Response('nope', { status: 500 }), () => new Response('not json'), () => Response.json({ keys: 'x' })]) {
      const { verifier } = jwksVerifier(async () => answer());
      expect(await verifier.verify(await rsa.sign())).toMatchObject({ ok: false, status: 503 });
    }
  });
});

test('exactly one of secret or jwksUrl', () => {
  expect(() => createTokenVerifier({}, { log: silentLogger })).toThrow('exactly one');
  expect(() => createTokenVerifier({ secret: SECRET, jwksUrl: 'https://x' }, { log: silentLogger })).toThrow('exactly one');
});
