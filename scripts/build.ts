/**
 * `bun run build [name...] [--outdir dist] [--target bun-linux-arm64]`: compiles each entrypoint
 * into one self-contained executable, `dist/<name>`, and ships what a binary cannot embed beside it:
 * the modules' SQL migrations in `dist/migrations/<module>/` (see platform/db/migrations-folder.ts),
 * and the console's bundled script in `dist/console/` (see modules/gateway/console/bundle.ts).
 * PGlite's WebAssembly and Swagger UI's assets are embedded through `with { type: 'file' }` imports.
 * The Dockerfile runs this same script for one module, so the images and `dist/` never drift apart.
 */
import { cpSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

export const entrypoints = ['user', 'friend', 'recommendation', 'discovery', 'gateway', 'all-in-one'] as const;
export type Entrypoint = (typeof entrypoints)[number];
/** Modules with a database, hence migrations. */
const migrated = ['user', 'friend', 'recommendation'] as const;

const root = join(import.meta.dir, '..');

export interface BuildOptions {
  names?: readonly Entrypoint[];
  outdir?: string;
  /** A `bun build --target`, e.g. bun-linux-arm64; default: this machine. */
  target?: string;
  /** Compiles run side by side; each is mostly one core. */
  concurrency?: number;
}

export interface Built {
  name: Entrypoint;
  path: string;
  bytes: number;
  ms: number;
}

async function compile(name: Entrypoint, outdir: string, target?: string): Promise<Built> {
  const started = performance.now();
  const path = join(outdir, name);
  const proc = Bun.spawn(
    [
      process.execPath, 'build', '--compile',
      // Whitespace and syntax only: Elysia reads handler sources to see what they use, so keep names.
      '--minify-whitespace', '--minify-syntax', '--sourcemap',
      ...(target ? [`--target=${target}`] : []),
      join(root, 'src', 'entrypoints', `${name}.ts`), '--outfile', path,
    ],
    { cwd: root, stdout: 'pipe', stderr: 'pipe' },
  );
  const [out, err, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  if (code !== 0) throw new Error(`bun build --compile ${name} failed (exit ${code})\n${out}${err}`);
  // The source map is embedded (stack traces name src/ files); the copy written beside is not needed.
  rmSync(`${path}.map`, { force: true });
  return { name, path, bytes: statSync(path).size, ms: Math.round(performance.now() - started) };
}

/** Copies each module's migrations to `<outdir>/migrations/<module>/`, replacing what was there. */
function shipMigrations(outdir: string): void {
  for (const module of migrated) {
    const to = join(outdir, 'migrations', module);
    rmSync(to, { recursive: true, force: true });
    cpSync(join(root, 'src', 'modules', module, 'migrations'), to, { recursive: true });
  }
}

/** The console's script, bundled now: a compiled gateway has no sources to bundle (see gateway/console/bundle.ts). */
async function shipConsole(outdir: string): Promise<void> {
  const { buildConsoleScript } = await import('../src/modules/gateway/console/bundle');
  mkdirSync(join(outdir, 'console'), { recursive: true });
  await Bun.write(join(outdir, 'console', 'console.js'), await buildConsoleScript());
}

export async function build(options: BuildOptions = {}): Promise<Built[]> {
  const names = options.names ?? entrypoints;
  const outdir = options.outdir ?? join(root, 'dist');
  mkdirSync(outdir, { recursive: true });
  shipMigrations(outdir);
  if (names.includes('gateway') || names.includes('all-in-one')) await shipConsole(outdir);
  const queue = [...names];
  const built: Built[] = [];
  const worker = async () => {
    for (let name = queue.shift(); name; name = queue.shift()) built.push(await compile(name, outdir, options.target));
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 2) }, worker));
  return built.sort((a, b) => names.indexOf(a.name) - names.indexOf(b.name));
}

if (import.meta.main) {
  const { values, positionals } = parseArgs({
    args: Bun.argv.slice(2),
    options: { outdir: { type: 'string' }, target: { type: 'string' }, concurrency: { type: 'string' } },
    allowPositionals: true,
  });
  const unknown = positionals.filter((n) => !(entrypoints as readonly string[]).includes(n));
  if (unknown.length) {
    console.error(`unknown entrypoint(s): ${unknown.join(', ')}; choose from ${entrypoints.join(', ')}`);
    process.exit(2);
  }
  const started = performance.now();
  const built = await build({
    names: positionals.length ? (positionals as Entrypoint[]) : undefined,
    outdir: values.outdir,
    target: values.target,
    concurrency: values.concurrency ? Number(values.concurrency) : undefined,
  });
  for (const b of built) console.log(`${b.path}  ${(b.bytes / 1048576).toFixed(1)} MiB  ${(b.ms / 1000).toFixed(1)} s`);
  console.log(`built ${built.length} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}
