import { friendRoutes } from '../../friend/contracts/http';
import { routePattern } from '../../../platform/http/route-paths';

/**
 * Who may do what, once the token is verified. Paths are the upstream's (prefix stripped, query
 * dropped) and the service is the route's service name.
 *
 * Reads (GET, HEAD, OPTIONS: safe methods, RFC 9110 §9.2.1) are open to every verified user: the
 * social graph is public to members. Anything else is denied unless a rule below allows it: a
 * route added to a service later, or a spelling the rules do not know (`/v1/users/5/`, `//v1/..`,
 * `%35`), is refused rather than slipping past an ownership check. Such a route is added here with
 * its owner rule when it is published.
 */
export type Decision = { allowed: true } | { allowed: false; detail: string };

const ALLOWED: Decision = { allowed: true };
const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);

interface Rule {
  service: string;
  method: string;
  path: RegExp;
  /** When set, the first capture is the user the request acts for, and must be the caller. */
  owner?: (path: string) => string;
}

const RULES: readonly Rule[] = [
  // Sign-up: the identity provider mints the token, then the client creates its user.
  { service: 'user', method: 'POST', path: /^\/v1\/users$/ },
  { service: 'user', method: 'PUT', path: /^\/v1\/users\/([^/]+)$/, owner: (id) => `user ${id} may only be updated by that user` },
  { service: 'user', method: 'DELETE', path: /^\/v1\/users\/([^/]+)$/, owner: (id) => `user ${id} may only be erased by that user` },
  ...[friendRoutes.addFriend, friendRoutes.removeFriend].map((route) => ({
    service: 'friend',
    method: 'POST',
    path: routePattern(route),
    owner: (id: string) => `the friendships of user ${id} may only be changed by that user`,
  })),
];

/** What the upstream's router would read as the same id: digits, leading zeros allowed (`007` is 7). */
const sameUser = (segment: string, userId: string) => /^[0-9]{1,12}$/.test(segment) && Number(segment) === Number(userId);

/** Paths end up in a problem detail: short, plain characters only. */
const shown = (text: string, max = 20) => text.slice(0, max).replace(/[^\w./%-]/g, '?');

/** Health probes of each service stay open to load balancers and monitors, which hold no token. */
const PUBLIC_PATHS: ReadonlySet<string> = new Set(['/actuator/health', '/actuator/health/liveness', '/actuator/health/readiness']);

export function isPublic(method: string, path: string): boolean {
  return (method === 'GET' || method === 'HEAD') && PUBLIC_PATHS.has(path);
}

export function authorize(service: string, method: string, path: string, userId: string): Decision {
  if (SAFE_METHODS.has(method)) return ALLOWED;
  for (const rule of RULES) {
    if (rule.service !== service || rule.method !== method) continue;
    const match = rule.path.exec(path);
    if (!match) continue;
    if (!rule.owner) return ALLOWED;
    const segment = match[1]!;
    return sameUser(segment, userId) ? ALLOWED : { allowed: false, detail: `${rule.owner(shown(segment))}; the token is for user ${userId}` };
  }
  return { allowed: false, detail: `no rule lets users send ${method} ${shown(path, 100)} to service ${service}` };
}

/** The path part of an upstream path (`/v1/users/5?x=1` -> `/v1/users/5`). */
export function pathOnly(upstreamPath: string): string {
  const query = upstreamPath.indexOf('?');
  return query === -1 ? upstreamPath : upstreamPath.slice(0, query);
}
