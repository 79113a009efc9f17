/** A public path prefix and the service (its name in discovery) that serves everything under it. */
export interface GatewayRoute {
  prefix: string;
  service: string;
}

export const defaultRoutes: readonly GatewayRoute[] = [
  { prefix: '/user', service: 'user' },
  { prefix: '/friend', service: 'friend' },
  { prefix: '/recommendation', service: 'recommendation' },
];

export interface RouteMatch {
  route: GatewayRoute;
  /** The route's label in metrics and logs, `<prefix>/*`: one string per route, not one per request. */
  template: string;
  /** What the upstream sees: the path with the prefix stripped, always starting with `/`, plus the query. */
  upstreamPath: string;
}

const PREFIX = /^\/[a-z0-9][a-z0-9-]*$/;

/**
 * Builds the matcher that runs on every request, so it works on the raw URL string: no `new URL`,
 * no regular expression, just a scan over a handful of prefixes. A prefix matches only at a
 * segment boundary (`/user`, `/user/...`, `/user?...`, never `/users`).
 */
export function createRouteMatcher(routes: readonly GatewayRoute[]): (url: string) => RouteMatch | undefined {
  const seen = new Set<string>();
  for (const { prefix } of routes) {
    if (!PREFIX.test(prefix)) throw new Error(`gateway route prefix "${prefix}" must look like /name`);
    if (seen.has(prefix)) throw new Error(`gateway route prefix "${prefix}" is declared twice`);
    seen.add(prefix);
  }
  const table = routes.map((route) => ({ route, template: `${route.prefix}/*`, length: route.prefix.length }));

  return (url) => {
    const pathStart = pathStartOf(url);
    for (const { route, template, length } of table) {
      if (!url.startsWith(route.prefix, pathStart)) continue;
      const next = url.charCodeAt(pathStart + length); // NaN past the end
      if (next === SLASH) {
        const upstreamPath = url.slice(pathStart + length);
        return isInternal(upstreamPath) ? undefined : { route, template, upstreamPath };
      }
      if (next === QUESTION || next === HASH || Number.isNaN(next)) {
        return { route, template, upstreamPath: '/' + url.slice(pathStart + length) };
      }
    }
    return undefined;
  };
}

const SLASH = 47;
const QUESTION = 63;
const HASH = 35;

/**
 * Paths every module serves for its operators, not for the public: `/metrics` is scraped on each
 * instance's own port, `/admin` (projection operations, stream heads) is used there. Unmatched
 * here, `/user/metrics` gets the gateway's own 404.
 */
const INTERNAL = ['metrics', 'admin'];

function isInternal(upstreamPath: string): boolean {
  let i = 0;
  while (upstreamPath.charCodeAt(i) === SLASH) i++; // `//metrics` reaches `/metrics` on some routers
  return INTERNAL.some((name) => {
    if (!upstreamPath.startsWith(name, i)) return false;
    const next = upstreamPath.charCodeAt(i + name.length);
    return Number.isNaN(next) || next === SLASH || next === QUESTION || next === HASH;
  });
}

/** Index of the path in an absolute URL (`http://host:port/path` -> index of `/path`). */
function pathStartOf(url: string): number {
  const scheme = url.indexOf('://');
  if (scheme === -1) return 0;
  const slash = url.indexOf('/', scheme + 3);
  return slash === -1 ? url.length : slash;
}
