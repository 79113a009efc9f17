/**
 * Path and query values read once, strictly, before Elysia's schema validation runs.
 *
 * `t.Integer` coerces with `Number()`: `0x1`, `1e3`, `01`, ` 1` and `+1` all passed as ids. And a
 * repeated query parameter (`?friendId=1&friendId=2`) silently became its last value, so a proxy
 * or cache that reads the first one would see another request than this service. Both are 400s.
 */

/** What a route declares: its integer path and query parameters. */
interface RouteShape {
  integerParams: string[];
  integerQuery: string[];
}

export interface RouteSchemas {
  method: string;
  path: string;
  hooks?: { params?: unknown; query?: unknown };
}

export class BadParameter extends Error {
  readonly status = 400;
}

const DECIMAL = /^-?(?:0|[1-9][0-9]*)$/;

/**
 * Names of the integer properties of an object schema. Elysia rewrites an integer of a path or
 * query schema into `anyOf: [numeric string, integer]` to coerce it, so both forms are read.
 */
function integerNames(schema: unknown): string[] {
  const properties = (schema as { properties?: Record<string, any> } | undefined)?.properties ?? {};
  return Object.entries(properties)
    .filter(([, p]) => p?.type === 'integer' || (Array.isArray(p?.anyOf) && p.anyOf.some((s: any) => s?.type === 'integer')))
    .map(([name]) => name);
}

/** The raw query string's parameters, decoded as a form does (`+` is a space); undecodable ones kept raw. */
function queryPairs(url: string): [string, string][] {
  const start = url.indexOf('?');
  if (start === -1) return [];
  const end = url.indexOf('#', start);
  const query = url.slice(start + 1, end === -1 ? undefined : end);
  if (!query) return [];
  const decode = (s: string) => {
    try {
      return decodeURIComponent(s.replaceAll('+', ' '));
    } catch {
      return s;
    }
  };
  return query
    .split('&')
    .filter((part) => part.length > 0)
    .map((part) => {
      const eq = part.indexOf('=');
      return eq === -1 ? [decode(part), ''] : [decode(part.slice(0, eq)), decode(part.slice(eq + 1))];
    });
}

/**
 * Builds the check for an app's routes (read lazily: routes are added after the hook). Throws
 * BadParameter naming the parameter: a repeated query parameter, or an integer that is not written
 * as a plain decimal (no sign but `-`, no leading zero, no exponent, no hex, no spaces).
 */
export function strictParameters(routes: () => readonly RouteSchemas[]) {
  let shapes: Map<string, RouteShape> | undefined;
  let known = -1;
  const shapeOf = (method: string, path: string): RouteShape | undefined => {
    const all = routes();
    if (!shapes || known !== all.length) {
      shapes = new Map(all.map((r) => [`${r.method} ${r.path}`, { integerParams: integerNames(r.hooks?.params), integerQuery: integerNames(r.hooks?.query) }]));
      known = all.length;
    }
    return shapes.get(`${method === 'HEAD' ? 'GET' : method} ${path}`);
  };

  return (request: Request, route: string | undefined, params: Record<string, string | undefined> | undefined): void => {
    const pairs = queryPairs(request.url);
    const seen = new Set<string>();
    for (const [name] of pairs) {
      if (seen.has(name)) throw new BadParameter(`query parameter ${name.slice(0, 50)} is repeated; send it once`);
      seen.add(name);
    }
    if (!route) return;
    const shape = shapeOf(request.method, route);
    if (!shape) return;
    for (const name of shape.integerParams) {
      const value = params?.[name];
      if (value !== undefined && !DECIMAL.test(value)) throw new BadParameter(`parameter ${name}: expected a plain decimal integer (got ${JSON.stringify(value.slice(0, 50))})`);
    }
    for (const [name, value] of pairs) {
      if (shape.integerQuery.includes(name) && !DECIMAL.test(value)) throw new BadParameter(`query ${name}: expected a plain decimal integer (got ${JSON.stringify(value.slice(0, 50))})`);
    }
  };
}
