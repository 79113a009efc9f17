/**
 * The Dockerfile's build stage without a Docker engine (none runs on these machines): the files
 * `.dockerignore` lets into the build context, then the stage's own commands on them. It catches
 * a context that lacks a file the build needs, and a lockfile that `--frozen-lockfile` refuses.
 */
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { tempDir } from '../../test/kits/processes';
import { entrypoints } from '../build';

const root = join(import.meta.dir, '..', '..');

/** Docker's rule: the last matching pattern wins, and a pattern matching a parent directory matches inside it. */
export function dockerIgnore(text: string): (path: string) => boolean {
  const rules = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => ({ include: l.startsWith('!'), glob: new Bun.Glob(l.replace(/^!/, '').replace(/\/+$/, '')) }));
  return (path) => {
    const prefixes = path.split('/').map((_, i, parts) => parts.slice(0, i + 1).join('/'));
    let ignored = false;
    for (const rule of rules) if (prefixes.some((p) => rule.glob.match(p))) ignored = !rule.include;
    return ignored;
  };
}

async function sh(cwd: string, cmd: string[]): Promise<void> {
  const proc = Bun.spawn(cmd, { cwd, stdout: 'pipe', stderr: 'pipe' });
  const [out, err, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  if (code !== 0) throw new Error(`${cmd.join(' ')} failed in the build context (exit ${code})\n${out}${err}`);
}

/** Copies the context into a temp dir and runs the build stage's commands there; returns its file count. */
export async function dryRunBuildStage(): Promise<number> {
  const ignored = dockerIgnore(readFileSync(join(root, '.dockerignore'), 'utf8'));
  // What a checkout holds (not node_modules or other ignored output); outside git, every file.
  const listing = Bun.spawnSync(['git', 'ls-files', '--cached', '--others', '--exclude-standard'], { cwd: root });
  const candidates = listing.exitCode === 0
    ? listing.stdout.toString().split('\n')
    : [...new Bun.Glob('**/*').scanSync({ cwd: root, dot: true })].filter((f) => !/^(node_modules|\.git)\//.test(f));
  const files = candidates.filter((f) => f && !ignored(f) && existsSync(join(root, f)));
  const context = tempDir('sn-docker-context-');
  try {
    for (const file of files) {
      mkdirSync(dirname(join(context, file)), { recursive: true });
      cpSync(join(root, file), join(context, file));
    }
    await sh(context, ['bun', 'install', '--frozen-lockfile', '--production']);
    await sh(context, ['bun', 'scripts/build.ts', '--outdir', 'out']);
    const missing = [...entrypoints, 'migrations/user/meta/_journal.json'].filter((f) => !existsSync(join(context, 'out', f)));
    if (missing.length) throw new Error(`the build stage did not produce ${missing.join(', ')}`);
    return files.length;
  } finally {
    rmSync(context, { recursive: true, force: true });
  }
}
