/**
 * Path and query values read once, strictly, before Elysia's schema validation runs; integers are
 * turned into numbers here, so their schemas need no coercing transform (paging.ts).
 *
 * `t.Integer` coerces with `Number()`: `0x1`, `1e3`, `01`, ` 1` and `+1` all passed as ids. And a
 * repeated query parameter (`?friendId=1&friendId=2`) silently became its last value, so a proxy
 * or cache that reads the first one would see another request than this service. Both are 400s.
 */

/** An integer parameter a route declares, with its bounds. */
interface IntegerParameter {
  name: string;
  minimum?: number;
  maximum?: number;
}

/** What a route declares: its integer path and query parameters. */
interface RouteShape {
  integerParams: IntegerParameter[];
  integerQuery: IntegerParameter[];
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
 * The integer properties of an object schema, with their bounds. Elysia's own `t.Integer` is
 * `anyOf: [numeric string, integer]` (it coerces), so both forms are read.
 */
function integersOf(schema: unknown): IntegerParameter[] {
  const properties = (schema as { properties?: Record<string, any> } | undefined)?.properties ?? {};
  const out: IntegerParameter[] = [];
  for (const [name, p] of Object.entries(properties)) {
    const integer = p?.type === 'integer' ? p : Array.isArray(p?.anyOf) ? p.anyOf.find((s: any) => s?.type === 'integer') : undefined;
    if (integer) out.push({ name, minimum: integer.minimum, maximum: integer.maximum });
  }
  return out;
}

/**
 * The parameter's value as a number, or BadParameter. The range messages read as TypeBox's do,
 * which Elysia gave when it coerced the value itself.
 */
function integerValue(where: 'parameter' | 'query', parameter: IntegerParameter, text: string): number {
  if (!DECIMAL.test(text)) throw new BadParameter(`${where} ${parameter.name}: expected a plain decimal integer (got ${JSON.stringify(text.slice(0, 50))})`);
  const value = Number(text);
  const { name, minimum, maximum } = parameter;
  if (minimum !== undefined && value < minimum) throw new BadParameter(`parameter ${name}: Expected integer to be greater or equal to ${minimum} (got ${value})`);
  if (maximum !== undefined && value > maximum) throw new BadParameter(`parameter ${name}: Expected integer to be less or equal to ${maximum} (got ${value})`);
  return value;
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
        byMethod[r.method] = { integerParams: integersOf(r.hooks?.params), integerQuery: integersOf(r.hooks?.query) };
      }
    }
    return shapes.get(path)?.[method === 'HEAD' ? 'GET' : method];
  };

  /** Also replaces each integer's text in `params` and `query` by its number, for the schema to check. */
  return (request: Request, route: string | undefined, params: Record<string, unknown> | undefined, query?: Record<string, unknown>): void => {
    const pairs = queryPairs(request.url);
    if (pairs) {
      const repeated = repeatedName(pairs);
      if (repeated !== undefined) throw new BadParameter(`query parameter ${repeated.slice(0, 50)} is repeated; send it once`);
    }
    if (!route) return;
    const shape = shapeOf(request.method, route);
    if (!shape) return;
    for (const parameter of shape.integerParams) {
      const value = params?.[parameter.name];
      if (typeof value === 'string') params![parameter.name] = integerValue('parameter', parameter, value);
    }
    if (!pairs || !shape.integerQuery.length) return;
    for (const [name, value] of pairs) {
      const parameter = shape.integerQuery.find((p) => p.name === name);
      if (!parameter) continue;
      const number = integerValue('query', parameter, value);
      if (query && typeof query[name] === 'string') query[name] = number;
    }
  };
}
