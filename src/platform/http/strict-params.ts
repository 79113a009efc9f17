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

const decode = (s: string): string => {
  if (!s.includes('%') && !s.includes('+')) return s;
  try {
    return decodeURIComponent(s.replaceAll('+', ' '));
  } catch {
    return s;
  }
};

/**
 * The raw query string's parameters, decoded as a form does (`+` is a space); undecodable ones
 * kept raw. Runs on every request: no URL object, and decoding only where there is an escape.
 */
function queryPairs(url: string): [string, string][] | undefined {
  const start = url.indexOf('?');
  if (start === -1) return undefined;
  const end = url.indexOf('#', start);
  const query = end === -1 ? url.slice(start + 1) : url.slice(start + 1, end);
  if (!query) return undefined;
  const pairs: [string, string][] = [];
  for (const part of query.split('&')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    pairs.push(eq === -1 ? [decode(part), ''] : [decode(part.slice(0, eq)), decode(part.slice(eq + 1))]);
  }
  return pairs;
}

/** The first name given twice. A few parameters are compared pairwise (no Set to allocate); many, through a Set. */
function repeatedName(pairs: [string, string][]): string | undefined {
  if (pairs.length <= 8) {
    for (let i = 1; i < pairs.length; i++) {
      const name = pairs[i]![0];
      for (let j = 0; j < i; j++) if (pairs[j]![0] === name) return name;
    }
    return undefined;
  }
  const seen = new Set<string>();
  for (const [name] of pairs) {
    if (seen.has(name)) return name;
    seen.add(name);
  }
  return undefined;
}

/**
 * Builds the check for an app's routes (read lazily: routes are added after the hook). Throws
 * BadParameter naming the parameter: a repeated query parameter, or an integer that is not written
 * as a plain decimal (no sign but `-`, no leading zero, no exponent, no hex, no spaces).
 */
export function strictParameters(routes: () => readonly RouteSchemas[]) {
  /** Shapes by path template, then method; built again should a route be added later. */
  let shapes: Map<string, Record<string, RouteShape>> | undefined;
  let known = -1;
  const shapeOf = (method: string, path: string): RouteShape | undefined => {
    const all = routes();
    if (!shapes || known !== all.length) {
      shapes = new Map();
      known = all.length;
      for (const r of all) {
        let byMethod = shapes.get(r.path);
        if (!byMethod) shapes.set(r.path, (byMethod = {}));
        byMethod[r.method] = { integerParams: integerNames(r.hooks?.params), integerQuery: integerNames(r.hooks?.query) };
      }
    }
    return shapes.get(path)?.[method === 'HEAD' ? 'GET' : method];
  };

  return (request: Request, route: string | undefined, params: Record<string, string | undefined> | undefined): void => {
    const pairs = queryPairs(request.url);
    if (pairs) {
      const repeated = repeatedName(pairs);
      if (repeated !== undefined) throw new BadParameter(`query parameter ${repeated.slice(0, 50)} is repeated; send it once`);
    }
    if (!route) return;
    const shape = shapeOf(request.method, route);
    if (!shape) return;
    for (const name of shape.integerParams) {
      const value = params?.[name];
      if (value !== undefined && !DECIMAL.test(value)) throw new BadParameter(`parameter ${name}: expected a plain decimal integer (got ${JSON.stringify(value.slice(0, 50))})`);
    }
    if (!pairs || !shape.integerQuery.length) return;
    for (const [name, value] of pairs) {
      if (shape.integerQuery.includes(name) && !DECIMAL.test(value)) throw new BadParameter(`query ${name}: expected a plain decimal integer (got ${JSON.stringify(value.slice(0, 50))})`);
    }
  };
}
