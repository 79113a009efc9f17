/**
 * RFC 6750 on the wire: where the token comes from and how a refusal is announced.
 */
export type Credentials = { kind: 'none' } | { kind: 'other-scheme' } | { kind: 'bearer'; token: string };

/** `Authorization: Bearer <token>`; the scheme name is case-insensitive (RFC 9110 §11.1). */
export function credentialsOf(authorization: string | null): Credentials {
  if (!authorization) return { kind: 'none' };
  const space = authorization.indexOf(' ');
  const scheme = space === -1 ? authorization : authorization.slice(0, space);
  if (scheme.toLowerCase() !== 'bearer') return { kind: 'other-scheme' };
  return { kind: 'bearer', token: space === -1 ? '' : authorization.slice(space + 1).trim() };
}

const REALM = 'Bearer realm="social-network"';

/**
 * The `WWW-Authenticate` challenge of a 401. A request that carried no bearer token gets the bare
 * challenge: RFC 6750 §3.1 says it SHOULD NOT get an error code, as the client may simply not have
 * known that a token was needed. A token that failed gets `error="invalid_token"` and, as the
 * description, the problem's detail with any character a quoted-string cannot hold replaced.
 */
export function challenge(credentials: Credentials, detail: string): string {
  if (credentials.kind !== 'bearer') return REALM;
  return `${REALM}, error="invalid_token", error_description="${detail.replace(/[^\x20\x21\x23-\x5b\x5d-\x7e]/g, "'")}"`;
}
