/**
 * A `fetch` that short-circuits requests to apps living in this process. In the all-in-one every
 * module still calls the others through their HTTP contracts, but without a socket hop; in
 * distributed mode nothing is mounted and it is plain `fetch`.
 */
export type Fetch = (request: Request) => Promise<Response>;

export interface LocalFetch {
  fetch: Fetch;
  mount(origin: string, handle: Fetch): void;
  unmount(origin: string): void;
}

export function createLocalFetch(fallback: Fetch = (request) => fetch(request)): LocalFetch {
  const local = new Map<string, Fetch>();
  return {
    fetch(request) {
      const handle = local.get(originOf(request.url));
      return handle ? handle(request) : fallback(request);
    },
    mount: (origin, handle) => void local.set(new URL(origin).origin, handle),
    unmount: (origin) => void local.delete(new URL(origin).origin),
  };
}

/**
 * `new URL(url).origin` without parsing the whole URL again (on every in-process call): a Request's
 * URL is already normalised, so its origin is everything before the path. With user info in it,
 * the full parse decides.
 */
function originOf(url: string): string {
  const hostStart = url.indexOf('://') + 3;
  const pathStart = url.indexOf('/', hostStart);
  const origin = pathStart === -1 ? url : url.slice(0, pathStart);
  return origin.includes('@', hostStart) ? new URL(url).origin : origin;
}
