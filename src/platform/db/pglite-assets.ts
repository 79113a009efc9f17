/**
 * PGlite's WebAssembly and file-system bundle, imported as files so `bun build --compile` embeds
 * them: PGlite finds them next to its own module (`new URL(..., import.meta.url)`), which inside a
 * compiled binary points at nothing. Also used in development, so both run the same code path.
 */
import pgliteWasmPath from '@electric-sql/pglite/pglite.wasm' with { type: 'file' };
import initdbWasmPath from '@electric-sql/pglite/initdb.wasm' with { type: 'file' };
import fsBundlePath from '@electric-sql/pglite/pglite.data' with { type: 'file' };

export interface PgliteAssets {
  pgliteWasmModule: WebAssembly.Module;
  initdbWasmModule: WebAssembly.Module;
  fsBundle: Blob;
}

let loading: Promise<PgliteAssets> | undefined;

/** Compiled once per process: the all-in-one opens three databases from the same modules. */
export function pgliteAssets(): Promise<PgliteAssets> {
  loading ??= (async () => {
    const compile = async (path: string) => WebAssembly.compile(await Bun.file(path).arrayBuffer());
    const [pgliteWasmModule, initdbWasmModule] = await Promise.all([compile(pgliteWasmPath), compile(initdbWasmPath)]);
    return { pgliteWasmModule, initdbWasmModule, fsBundle: Bun.file(fsBundlePath) };
  })();
  loading.catch(() => (loading = undefined)); // a failed read may be retried by the next open
  return loading;
}
