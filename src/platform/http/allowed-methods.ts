/**
 * The methods an app serves on a path, for the `Allow` header of a 405 (RFC 9110 §15.5.6): a path
 * that exists answers an undeclared method with 405, not the 404 of a path that does not.
 */

interface DeclaredRoute {
  method: string;
  path: string;
}

/** Whether a route template (`/v1/users/:id`, `/assets/*`) matches a concrete path. */
function matches(template: string, path: string): boolean {
  const want = template.split('/');
  const got = path.split('/');
  for (let i = 0; i < want.length; i++) {
    const segment = want[i]!;
    if (segment === '*') return true;
    if (i >= got.length) return false;
    if (segment.startsWith(':')) {
      if (got[i] === '') return false;
    } else if (segment !== got[i]) return false;
  }
  return want.length === got.length;
}

/**
 * Methods declared for `path`, sorted, with HEAD wherever GET is (Elysia answers it). Empty when
 * no route matches the path. `ALL` routes (any method) make every request routable, so they never
 * end up here.
 */
export function allowedMethods(routes: readonly DeclaredRoute[], path: string): string[] {
  const trimmed = path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
  const methods = new Set<string>();
  for (const route of routes) {
    if (!matches(route.path, trimmed)) continue;
    methods.add(route.method);
    if (route.method === 'GET') methods.add('HEAD');
  }
  return [...methods].sort();
}
