import { dirname, join } from 'node:path';

/**
 * Where a module's SQL migrations are. From source: `migrations/` beside the module. In a binary
 * made by `bun build --compile`, every module's `import.meta.dir` is the same virtual root, so the
 * build ships each module's folder beside the binary as `migrations/<module>/` and we look there,
 * relative to the binary rather than the working directory.
 */
export function migrationsFolder(moduleDir: string, module: string): string {
  return isCompiled(moduleDir) ? join(dirname(process.execPath), 'migrations', module) : join(moduleDir, 'migrations');
}

/** Bun's embedded file system: `/$bunfs/root` on POSIX, `B:\~BUN\root` on Windows. */
function isCompiled(dir: string): boolean {
  return dir.startsWith('/$bunfs/') || dir.startsWith('B:\\~BUN\\');
}
