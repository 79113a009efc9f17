import type { Logger } from '../log';
import type { ModuleInstance } from './module';

export class NotReadyError extends Error {}

/**
 * Waits until no module is waiting for anything (see ModuleInstance.pending), checking often at
 * first and then less often (to 1 s), so a process whose peers are slow to come does not keep
 * asking discovery twenty times a second. Every `warnEveryMs` it logs what it is still waiting
 * for. With `giveUpAfterMs` it then fails with that list (the all-in-one: its modules all live in
 * this process, so waiting longer would not help); without, it waits on (one module per process:
 * its peers may start later).
 */
export async function untilReady(modules: readonly ModuleInstance[], options: { log: Logger; warnEveryMs: number; giveUpAfterMs?: number }): Promise<void> {
  const started = performance.now();
  let warnAt = started + options.warnEveryMs;
  let pauseMs = 10;
  for (;;) {
    const waitingFor = (await Promise.all(modules.map(async (m) => (m.pending ? (await m.pending()).map((what) => `${m.name}: ${what}`) : [])))).flat();
    if (waitingFor.length === 0) return;
    const now = performance.now();
    if (options.giveUpAfterMs !== undefined && now - started >= options.giveUpAfterMs) {
      throw new NotReadyError(`not ready after ${options.giveUpAfterMs} ms, still waiting for ${waitingFor.join('; ')}`);
    }
    if (now >= warnAt) {
      options.log.warn('not ready yet', { waitingFor, waitedMs: Math.round(now - started) });
      warnAt = now + options.warnEveryMs;
    }
    await Bun.sleep(pauseMs);
    pauseMs = Math.min(1_000, pauseMs * 2);
  }
}
