import { describe, expect, test } from 'bun:test';
import { SignJWT, base64url } from 'jose';
import { createCredentialSigner, createCredentialVerifier } from './internal-credential';

const SECRET = 'an-internal-secret-that-is-long-enough-for-hs256';
const OTHER = 'another-internal-secret-long-enough-for-hs256!!';
const key = (secret: string) => new TextEncoder().encode(secret);

/** A clock the test moves by hand. */
function handClock(start = Date.parse('2030-01-01T00:00:00Z')) {
  let now = start;
  return { now: () => new Date(now), advance: (ms: number) => void (now += ms), at: () => now };
}

/** What a forger with the wrong secret, or a careless signer, would produce. */
async function forge(claims: { iss?: string; aud?: string; sub?: string; iat?: number; exp?: number | null }, secret = SECRET, at = Math.floor(Date.now() / 1000)) {
  const jwt = new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setIssuedAt(claims.iat ?? at);
  if (claims.iss) jwt.setIssuer(claims.iss);
  if (claims.aud) jwt.setAudience(claims.aud);
  if (claims.sub) jwt.setSubject(claims.sub);
  if (claims.exp !== null) jwt.setExpirationTime(claims.exp ?? at + 60);
  return jwt.sign(key(secret));
}

describe('internal credentials', () => {
  test("the gateway's word for a user and a service's own credential are verified by their audience only", async () => {
    const gateway = createCredentialSigner({ secret: SECRET, issuer: 'gateway' });
    const friend = createCredentialSigner({ secret: SECRET, issuer: 'friend' });
    const user = createCredentialVerifier({ secret: SECRET, audience: 'user' });
    expect(await user.verify(await gateway.forUser('user', '42'))).toEqual({ ok: true, caller: { kind: 'user', userId: '42' } });
    expect(await user.verify(await friend.forService('user'))).toEqual({ ok: true, caller: { kind: 'service', service: 'friend' } });
    // Addressed to another service: useless here.
    expect(await user.verify(await gateway.forUser('friend', '42'))).toEqual({ ok: false, detail: 'internal credential claim "aud" not accepted' });
    // Only the gateway vouches for users.
    expect(await user.verify(await friend.forUser('user', '42'))).toMatchObject({ ok: false, detail: expect.stringContaining('names no user') });
  });

  test('refused: expired, too old whatever its exp says, wrongly signed, unsigned, without exp, malformed', async () => {
    const user = createCredentialVerifier({ secret: SECRET, audience: 'user' });
    const now = Math.floor(Date.now() / 1000);
    const cases: [string, string, RegExp][] = [
      ['expired', await forge({ iss: 'gateway', aud: 'user', sub: '1', iat: now - 100, exp: now - 40 }), /expired/],
      ['issued long ago, exp far ahead', await forge({ iss: 'gateway', aud: 'user', sub: '1', iat: now - 3600, exp: now + 3600 }), /expired|"iat"/],
      ['another secret', await forge({ iss: 'gateway', aud: 'user', sub: '1' }, OTHER), /bad signature/],
      ['no exp', await forge({ iss: 'gateway', aud: 'user', sub: '1', exp: null }), /"exp"/],
      ['alg none', `${base64url.encode(JSON.stringify({ alg: 'none' }))}.${base64url.encode(JSON.stringify({ iss: 'gateway', aud: 'user', sub: '1', iat: now, exp: now + 60 }))}.`, /malformed|not accepted/],
      ['garbage', 'not-a-token', /malformed/],
      ['subject neither user nor service', await forge({ iss: 'gateway', aud: 'user', sub: 'admin' }), /names no user/],
      ['service speaking for another', await forge({ iss: 'friend', aud: 'user', sub: 'service:gateway' }), /names no user/],
    ];
    for (const [name, token, detail] of cases) {
      const result = await user.verify(token);
      expect({ name, ok: result.ok }).toEqual({ name, ok: false });
      if (!result.ok) expect({ name, detail: result.detail }).toEqual({ name, detail: expect.stringMatching(detail) });
    }
  });

  test('the signer reuses a credential for a few seconds, then signs a fresh one', async () => {
    const clock = handClock();
    const signer = createCredentialSigner({ secret: SECRET, issuer: 'gateway', clock, reuseMs: 5_000 });
    const first = await signer.forUser('user', '1');
    expect(await signer.forUser('user', '1')).toBe(first);
    expect(await signer.forUser('friend', '1')).not.toBe(first);
    clock.advance(5_000);
    expect(await signer.forUser('user', '1')).not.toBe(first);
  });

  test('the verifier remembers a credential until it expires, within its bound', async () => {
    const clock = handClock(Date.now());
    const verifier = createCredentialVerifier({ secret: SECRET, audience: 'user', clock, maxEntries: 2 });
    const signer = createCredentialSigner({ secret: SECRET, issuer: 'gateway', clock });
    const token = await signer.forUser('user', '1');
    expect((await verifier.verify(token)).ok).toBe(true);
    expect((await verifier.verify(token)).ok).toBe(true);
    expect(verifier.remembered).toBe(1);
    for (const id of ['2', '3', '4']) await verifier.verify(await signer.forUser('user', id));
    expect(verifier.remembered).toBe(2);
    // Past its exp a remembered credential is no longer good.
    const remembering = createCredentialVerifier({ secret: SECRET, audience: 'user', clock });
    expect((await remembering.verify(token)).ok).toBe(true);
    clock.advance(61_000 + 30_000);
    expect(await remembering.verify(token)).toEqual({ ok: false, detail: 'internal credential expired' });
  });
});
