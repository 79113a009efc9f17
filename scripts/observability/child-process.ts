import type { Subprocess } from 'bun';
import { rmSync } from 'node:fs';

/**
 * Stops a server the tools started (SIGTERM, then SIGKILL after 5 s if it lingers) and removes its
 * scratch directory. Shared by the Prometheus and Jaeger launchers.
 */
export function stopperOf(proc: Subprocess, scratchDir: string): () => Promise<void> {
  return async () => {
    if (proc.exitCode === null) {
      proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), 5_000);
      await proc.exited;
      clearTimeout(timer);
    }
    rmSync(scratchDir, { recursive: true, force: true });
  };
}
