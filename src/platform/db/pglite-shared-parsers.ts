import { types, type PGlite } from '@electric-sql/pglite';

/**
 * drizzle passes these parsers with every PGlite query (dates, intervals and their arrays as
 * strings; drizzle's own column mappers turn them into Dates), and PGlite answers a query that
 * brings parsers by copying its whole parser table (about 140 entries with the array types) and
 * merging them in: measured ~70 µs of the ~100 µs a simple query costs here, on every statement
 * of every command. Installing the same parsers once on the client and dropping them from each
 * query gives the same results without the copy.
 */
const DRIZZLE_PARSED_AS_TEXT = [types.TIMESTAMP, types.TIMESTAMPTZ, types.INTERVAL, types.DATE, 1231, 1115, 1185, 1187, 1182];
const asText = (value: string) => value;
const installed = new Set(DRIZZLE_PARSED_AS_TEXT.map(String));

type QueryOptions = { parsers?: Record<string, unknown> } & Record<string, unknown>;
type Query = (text: string, params?: unknown[], options?: QueryOptions) => Promise<unknown>;

/** Options without `parsers` when the client already applies exactly those types the same way. */
function withoutInstalledParsers(options: QueryOptions | undefined): QueryOptions | undefined {
  if (!options?.parsers) return options;
  for (const oid in options.parsers) if (!installed.has(oid)) return options;
  const { parsers: _, ...rest } = options;
  return rest;
}

/** Wraps `query` (and the `query` of transactions) of an object; everything else passes through. */
function stripping<T extends object>(target: T): T {
  return new Proxy(target, {
    get(object, property) {
      const value = Reflect.get(object, property, object);
      if (property === 'query') return (text: string, params?: unknown[], options?: QueryOptions) => (value as Query).call(object, text, params, withoutInstalledParsers(options));
      if (property === 'transaction') return (fn: (tx: object) => Promise<unknown>) => (value as (fn: (tx: object) => Promise<unknown>) => Promise<unknown>).call(object, (tx) => fn(stripping(tx)));
      return typeof value === 'function' ? value.bind(object) : value;
    },
  });
}

/** The client to hand to drizzle. Call after `waitReady`: PGlite sets up its array parsers at start. */
export function withSharedParsers(client: PGlite): PGlite {
  for (const oid of DRIZZLE_PARSED_AS_TEXT) client.parsers[oid] = asText;
  return stripping(client);
}
