// A command-line tool from Debian's packages, without root: `apt-get download` fetches the .deb
// files (no root needed, unlike `apt-get install`), `dpkg-deb -x` unpacks them into a cache outside
// the work tree, and the binary runs from there with the unpacked libraries on LD_LIBRARY_PATH.
// Only packages the system lacks are fetched. The bench uses it for wrk.
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { InfraError, run } from './lib.ts';

/** How to start the tool: its path and the environment it needs. */
export interface ToolCommand {
  path: string;
  env: Record<string, string>;
}

export interface AptToolOptions {
  /** Where unpacked tools live; default $SOCIAL_NETWORK_TOOLS_DIR or ~/.cache/social-network-tools. */
  cacheDir?: string;
  /** Ignore a copy on the PATH and fetch the libraries even when installed (tests of the download itself). */
  fetchEverything?: boolean;
  /** Progress lines; the download takes a few seconds. */
  say?: (line: string) => void;
}

const toolsDir = () => process.env.SOCIAL_NETWORK_TOOLS_DIR ?? join(homedir(), '.cache', 'social-network-tools');

/** Directories under the unpacked tree that hold shared libraries (`usr/lib/x86_64-linux-gnu`, ...). */
function libraryDirs(root: string): string[] {
  return ['lib', 'usr/lib'].flatMap((base) => {
    const dir = join(root, base);
    if (!existsSync(dir)) return [];
    return [dir, ...readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory() && e.name.includes('-linux-')).map((e) => join(dir, e.name))];
  });
}

function unpacked(root: string, binary: string): ToolCommand | undefined {
  const path = join(root, 'usr/bin', binary);
  if (!existsSync(path)) return undefined;
  const libs = libraryDirs(root);
  return { path, env: libs.length ? { LD_LIBRARY_PATH: [...libs, process.env.LD_LIBRARY_PATH].filter(Boolean).join(':') } : {} };
}

async function installed(pkg: string): Promise<boolean> {
  const res = await run(['dpkg-query', '-W', '-f=${Status}', pkg], { timeoutS: 30 });
  return res.code === 0 && res.stdout.includes('install ok installed');
}

/**
 * The tool `binary` from package `pkg`, with `libraries` (its Debian dependencies) fetched too
 * when the system lacks them. Returns the copy on the PATH when there is one.
 */
export async function aptTool(binary: string, pkg: string, libraries: readonly string[], options: AptToolOptions = {}): Promise<ToolCommand> {
  const onPath = options.fetchEverything ? null : Bun.which(binary);
  if (onPath) return { path: onPath, env: {} };
  const root = join(options.cacheDir ?? toolsDir(), 'apt', pkg);
  const cached = unpacked(root, binary);
  if (cached) return cached;
  for (const need of ['apt-get', 'dpkg-deb', 'dpkg-query']) {
    if (!Bun.which(need)) throw new InfraError(`${binary}: not installed, and ${need} is missing to fetch it from Debian's packages (install ${pkg})`);
  }
  const wanted = [pkg, ...(await Promise.all(libraries.map(async (l) => (!options.fetchEverything && (await installed(l)) ? [] : [l])))).flat()];
  options.say?.(`${binary}: fetching ${wanted.join(', ')} from Debian's packages into ${root}`);
  // Unpacked beside the cache and moved in at the end: an interrupted fetch leaves no half tool.
  const partial = `${root}.partial-${process.pid}`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(join(partial, 'debs'), { recursive: true });
  try {
    const download = await run(['apt-get', 'download', ...wanted], { timeoutS: 300, cwd: join(partial, 'debs') });
    if (download.code !== 0) throw new InfraError(`${binary}: apt-get download ${wanted.join(' ')} failed (exit ${download.code}): ${download.stderr.trim().split('\n').slice(-2).join(' ')}`);
    for (const deb of readdirSync(join(partial, 'debs')).filter((f) => f.endsWith('.deb'))) {
      const x = await run(['dpkg-deb', '-x', join(partial, 'debs', deb), join(partial, 'root')], { timeoutS: 120 });
      if (x.code !== 0) throw new InfraError(`${binary}: dpkg-deb -x ${deb} failed: ${x.stderr.trim()}`);
    }
    if (!unpacked(join(partial, 'root'), binary)) throw new InfraError(`${binary}: ${pkg} holds no usr/bin/${binary}`);
    rmSync(root, { recursive: true, force: true });
    mkdirSync(join(root, '..'), { recursive: true });
    renameSync(join(partial, 'root'), root);
  } finally {
    rmSync(partial, { recursive: true, force: true });
  }
  return unpacked(root, binary)!;
}
