import { join } from 'node:path';

export interface Asset {
  body: Uint8Array;
  type: string;
  etag: string;
}

/**
 * The console's script, bundled by Bun from TypeScript the first time it is asked for and then
 * held in memory. A build that ran ahead of time (scripts/build.ts writes `console.js` beside the
 * compiled binary) is used instead when present, since a compiled binary has no sources to bundle.
 */
export function consoleBundle(prebuiltDir?: string) {
  let built: Promise<Asset> | undefined;
  const entry = join(import.meta.dir, 'web', 'app.ts');

  async function build(): Promise<Asset> {
    const prebuilt = prebuiltDir ? Bun.file(join(prebuiltDir, 'console.js')) : undefined;
    let body: Uint8Array;
    if (prebuilt && (await prebuilt.exists())) body = new Uint8Array(await prebuilt.arrayBuffer());
    else {
      const result = await Bun.build({ entrypoints: [entry], target: 'browser', minify: true, sourcemap: 'none' });
      if (!result.success) throw new AggregateError(result.logs, 'the console could not be bundled');
      body = new Uint8Array(await result.outputs[0]!.arrayBuffer());
    }
    return { body, type: 'text/javascript; charset=utf-8', etag: `"${Bun.hash(body).toString(36)}"` };
  }

  return {
    get(): Promise<Asset> {
      built ??= build().catch((error) => {
        built = undefined;
        throw error;
      });
      return built;
    },
  };
}

export function serveAsset(asset: Asset, request: Request): Response {
  if (request.headers.get('if-none-match') === asset.etag) return new Response(null, { status: 304, headers: { etag: asset.etag } });
  // Revalidated each time (cheap 304s), so a new gateway version never leaves a stale console.
  return new Response(asset.body as Uint8Array<ArrayBuffer>, { headers: { 'content-type': asset.type, etag: asset.etag, 'cache-control': 'no-cache' } });
}
