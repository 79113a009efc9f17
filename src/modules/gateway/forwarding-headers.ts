import { AUTHENTICATED_USER_HEADER } from '../../platform/http/internal-auth';
import { INTERNAL_CREDENTIAL_HEADER } from '../../platform/http/internal-credential';
import { saneId } from '../../platform/http/request-id';

/**
 * Header rules of a forwarding proxy (RFC 9110 §7.6.1): hop-by-hop headers describe one connection
 * and must not be passed on, in either direction; the client's view of the request travels in
 * `x-forwarded-*`; one request id follows the request upstream and back to the client.
 */
const HOP_BY_HOP = [
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
];

function dropHopByHop(headers: Headers): void {
  // Headers the sender named in `Connection` are hop-by-hop too.
  const named = headers.get('connection');
  if (named) for (const name of named.split(',')) headers.delete(name.trim());
  for (const name of HOP_BY_HOP) headers.delete(name);
}

/** The caller's request id when it is a sane token, else a fresh one (never echo arbitrary bytes back). */
export function requestIdOf(headers: Headers): string {
  return saneId(headers.get('x-request-id')) ?? crypto.randomUUID();
}

export interface ClientView {
  /** Peer address of the client, when the server exposes it. */
  ip: string | undefined;
  proto: 'http' | 'https';
  host: string;
  /** The user the gateway verified the request's token for; unset when authentication is off. */
  user?: string;
  /**
   * Authentication is on: the client's Authorization is for the gateway alone. Upstreams trust the
   * gateway's credential instead, so a user's token never reaches (nor is logged by) a service.
   */
  authenticating?: boolean;
  /** The gateway's internal credential for this request's upstream, vouching for `user`. */
  credential?: Record<string, string>;
}

/**
 * Who the gateway authenticated. The client's own copy is always dropped, with authentication on or
 * off; modules believe it only beside the gateway's internal credential, which says the same.
 */
export const AUTHENTICATED_USER = AUTHENTICATED_USER_HEADER;

/** Headers for the upstream request; `prefix` is the route's, which the upstream puts in a problem's `instance`. */
export function upstreamHeaders(incoming: Headers, client: ClientView, requestId: string, prefix?: string): Headers {
  const headers = new Headers(incoming);
  dropHopByHop(headers);
  // The upstream's Host is its own address, which fetch derives from the URL.
  headers.delete('host');
  // Bun's fetch inflates compressed bodies but keeps `content-encoding`, so a compressed upstream
  // reply would reach the client mislabelled; the injected `fetch(request)` cannot opt out of that.
  // Asking upstreams for identity is the safe choice (they sit on the same network anyway).
  headers.delete('accept-encoding');
  if (client.ip) {
    const chain = headers.get('x-forwarded-for');
    headers.set('x-forwarded-for', chain ? `${chain}, ${client.ip}` : client.ip);
  }
  // This gateway is the public edge: what the client claimed about proto and host is overwritten.
  headers.set('x-forwarded-proto', client.proto);
  headers.set('x-forwarded-host', client.host);
  if (prefix) headers.set('x-forwarded-prefix', prefix);
  else headers.delete('x-forwarded-prefix');
  headers.set('x-request-id', requestId);
  headers.delete(AUTHENTICATED_USER);
  // Never the client's: a credential seen elsewhere must not be replayed through the gateway.
  headers.delete(INTERNAL_CREDENTIAL_HEADER);
  if (client.authenticating) headers.delete('authorization');
  if (client.user) headers.set(AUTHENTICATED_USER, client.user);
  if (client.credential) for (const [name, value] of Object.entries(client.credential)) headers.set(name, value);
  return headers;
}

/**
 * Turns the upstream's response headers into the client's, in place. A relative `Location` from the
 * upstream (`/v1/users/5`) is only right behind the prefix (`/user/v1/users/5`), and an absolute
 * one must not reveal the instance address.
 */
export function rewriteDownstreamHeaders(headers: Headers, requestId: string, prefix: string, upstreamOrigin: string): void {
  dropHopByHop(headers);
  headers.set('x-request-id', requestId);
  const location = headers.get('location');
  if (location) {
    if (location.startsWith(upstreamOrigin + '/')) headers.set('location', prefix + location.slice(upstreamOrigin.length));
    else if (location.startsWith('/') && !location.startsWith('//')) headers.set('location', prefix + location);
  }
}
