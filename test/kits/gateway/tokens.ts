import { SignJWT, base64url, importJWK, type JWK, type JWTPayload } from 'jose';

/**
 * Tokens and keys for the authentication tests: an HS256 secret, key pairs made with WebCrypto,
 * and hand-built tokens that a well-behaved signer would never produce (`alg: none`, tampered).
 * Test support only; not exported from the module's index.
 */
export const SECRET = 'a-test-secret-that-is-long-enough-for-hs256';
export const OTHER_SECRET = 'another-secret-that-is-long-enough-for-hs256';

const encoder = new TextEncoder();
export const nowSeconds = () => Math.floor(Date.now() / 1000);

export interface SignOptions {
  sub?: string;
  /** Seconds from now; negative is in the past. */
  expIn?: number | null;
  nbfIn?: number;
  iss?: string;
  aud?: string;
  kid?: string;
  /** Claims set as is, also non-standard ones or wrong types. */
  extra?: JWTPayload;
}

function build(alg: string, { sub = '1', expIn = 600, nbfIn, iss, aud, kid, extra = {} }: SignOptions, at: number) {
  const jwt = new SignJWT({ ...extra }).setProtectedHeader({ alg, typ: 'JWT', ...(kid ? { kid } : {}) }).setIssuedAt(at);
  if (sub) jwt.setSubject(sub);
  if (expIn !== null) jwt.setExpirationTime(at + expIn);
  if (nbfIn !== undefined) jwt.setNotBefore(at + nbfIn);
  if (iss) jwt.setIssuer(iss);
  if (aud) jwt.setAudience(aud);
  return jwt;
}

export const hs256 = (options: SignOptions = {}, secret = SECRET, at = nowSeconds()) => build('HS256', options, at).sign(encoder.encode(secret));

/** What a forger sends: the header says `none` and there is no signature. */
export function unsignedToken(payload: JWTPayload = { sub: '1', exp: nowSeconds() + 600 }): string {
  const part = (value: object) => base64url.encode(JSON.stringify(value));
  return `${part({ alg: 'none', typ: 'JWT' })}.${part(payload)}.`;
}

/** The token with its payload swapped for another, signature kept. */
export function tamperedToken(token: string, payload: JWTPayload): string {
  const [header, , signature] = token.split('.');
  return `${header}.${base64url.encode(JSON.stringify(payload))}.${signature}`;
}

export interface KeyPair {
  alg: 'RS256' | 'ES256';
  kid: string;
  privateKey: CryptoKey;
  /** The public half as published in a JWKS. */
  jwk: JWK;
  sign(options?: SignOptions, at?: number): Promise<string>;
}

export async function keyPair(alg: 'RS256' | 'ES256', kid: string): Promise<KeyPair> {
  const params = alg === 'RS256'
    ? { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' }
    : { name: 'ECDSA', namedCurve: 'P-256' };
  const { privateKey, publicKey } = (await crypto.subtle.generateKey(params, true, ['sign', 'verify'])) as CryptoKeyPair;
  const exported = (await crypto.subtle.exportKey('jwk', publicKey)) as JWK;
  const { key_ops: _ops, ext: _ext, ...jwk } = exported;
  return {
    alg,
    kid,
    privateKey,
    jwk: { ...jwk, kid, alg, use: 'sig' },
    sign: (options = {}, at = nowSeconds()) => build(alg, { kid, ...options }, at).sign(privateKey),
  };
}

/**
 * Algorithm confusion: an HS256 token whose HMAC secret is the RSA public key, which a verifier
 * that takes `alg` from the token and the key from the JWKS would accept.
 */
export async function confusedToken(pair: KeyPair, options: SignOptions = {}): Promise<string> {
  const publicKey = (await importJWK(pair.jwk, 'RS256', { extractable: true })) as CryptoKey;
  const spki = Buffer.from(await crypto.subtle.exportKey('spki', publicKey)).toString('base64');
  const pem = `-----BEGIN PUBLIC KEY-----\n${spki.match(/.{1,64}/g)!.join('\n')}\n-----END PUBLIC KEY-----\n`;
  return build('HS256', { kid: pair.kid, ...options }, nowSeconds()).sign(encoder.encode(pem));
}
