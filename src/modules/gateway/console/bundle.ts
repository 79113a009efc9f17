import { dirname, join } from 'node:path';

export interface Asset {
  body: Uint8Array;
  /** The same bytes gzipped, sent to clients that accept it (the script is mostly Cytoscape.js). */
  gzip?: Uint8Array;
  type: string;
  etag: string;
}

const entry = join(import.meta.dir, 'web', 'app.ts');

/** Bundles the console's TypeScript (and Cytoscape.js) for the browser: one minified script. */
export async function buildConsoleScript(): Promise<Uint8Array> {
  const result = await Bun.build({ entrypoints: [entry], target: 'browser', minify: true, sourcemap: 'none' });
  if (!result.success) throw new AggregateError(result.logs, 'the console could not be bundled');
  return new Uint8Array(await result.outputs[0]!.arrayBuffer());
}

/** In a binary made by `bun build --compile` there are no sources to bundle: scripts/build.ts ships the script beside it. */
const compiled = import.meta.dir.startsWith('/$bunfs/') || import.meta.dir.startsWith('B:\\~BUN\\');
export const prebuiltScriptPath = () => join(dirname(process.execPath), 'console', 'console.js');

export function asset(body: Uint8Array, type: string): Asset {
  return { body, gzip: body.length > 1024 ? Bun.gzipSync(body as Uint8Array<ArrayBuffer>) : undefined, type, etag: `"${Bun.hash(body).toString(36)}"` };
}

/** The console's script, built (or read) the first time it is asked for, then held in memory. */
export function consoleBundle() {
  let built: Promise<Asset> | undefined;
  const load = async () => asset(compiled ? new Uint8Array(await Bun.file(prebuiltScriptPath()).arrayBuffer()) : await buildConsoleScript(), 'text/javascript; charset=utf-8');
  return {
    get(): Promise<Asset> {
      built ??= load().catch((error) => {
        built = undefined;
        throw error;
      });
      return built;
    },
  };
}

export function serveAsset(a: Asset, request: Request): Response {
  if (request.headers.get('if-none-match') === a.etag) return new Response(null, { status: 304, headers: { etag: a.etag } });
  // Revalidated each time (cheap 304s), so a new gateway version never leaves a stale console.
  const headers: Record<string, string> = { 'content-type': a.type, etag: a.etag, 'cache-control': 'no-cache', vary: 'accept-encoding' };
  const gzip = a.gzip && /\bgzip\b/.test(request.headers.get('accept-encoding') ?? '');
  if (gzip) headers['content-encoding'] = 'gzip';
  return new Response((gzip ? a.gzip : a.body) as Uint8Array<ArrayBuffer>, { headers });
}
