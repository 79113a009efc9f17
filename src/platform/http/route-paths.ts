/**
 * A route is written once, as its Elysia template (`/v1/users/:userId/friends`). Callers build
 * concrete paths from it and the gateway matches paths against it, so a renamed route cannot leave
 * a stale copy behind in a script or an access rule.
 */

/** The template with each `:name` replaced by `params[name]`. */
export function fillRoute(route: string, params: Readonly<Record<string, string | number>>): string {
  return route.replace(/:(\w+)/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`route ${route} needs a value for :${name}`);
    return String(value);
  });
}

/** Matches exactly the paths the template serves; each `:name` is one captured path segment. */
export function routePattern(route: string): RegExp {
  const escaped = route.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\\?\/:\w+/g, '/([^/]+)');
  return new RegExp(`^${escaped}$`);
}
