/**
 * The processes a benchmark measures: the all-in-one, a distributed set of modules, a raw Bun
 * server. Each gets free ports and its own data directory, so the bench never collides with
 * a system (or another engineer's test) on the default ports.
 */
import type { Subprocess } from 'bun';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { embeddedEnvironment, freePorts, spawnLogged, waitHealthy } from '../../test/kits/processes';

export const ROOT = join(import.meta.dir, '../..');

/**
 * Every child the bench starts, so that an interrupted or crashed run does not leave an
 * all-in-one (holding its data-dir lock and ports) running behind it.
 */
const children = new Set<Subprocess>();

export function track<T extends Subprocess>(proc: T): T {
  children.add(proc);
  void proc.exited.then(() => children.delete(proc));
  return proc;
}

export function killChildren(): void {
  for (const proc of children) proc.kill('SIGKILL');
}

/** Resident set size of a process in MB, from /proc (Linux); NaN elsewhere. */
export function rssMb(pid: number): number {
  return statusMb(pid, 'VmRSS');
}

/** The highest RSS the process has had since it started (what start-up peaked at). */
export function peakRssMb(pid: number): number {
  return statusMb(pid, 'VmHWM');
}

function statusMb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  try {
    const match = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

/** Spawns `bun <args>` from the repository root, its output appended to `logFile`, and tracks it. */
export const spawnBun = (args: string[], env: Record<string, string | undefined>, logFile: string): Subprocess => track(spawnLogged(args, env, logFile, ROOT));

export interface AllInOne {
  proc: Subprocess;
  gateway: string;
  /** Each module's own port, e.g. direct.recommendation. */
  direct: Record<'user' | 'friend' | 'recommendation' | 'discovery', string>;
  startMs: number;
}

/**
 * Starts `bun src/entrypoints/all-in-one.ts` on free ports with `dataDir`; ready once the gateway
 * routes. `logLevel` info shows start-up and snapshot lines; a start that replays millions of
 * events needs a longer `timeoutMs` than the default on a busy machine. `checkout`: another
 * checkout of the repository whose all-in-one to run instead (to compare releases in one sitting).
 */
export async function startAllInOne(dataDir: string, logFile: string, { logLevel = 'warn', timeoutMs = 120_000, checkout = ROOT } = {}): Promise<AllInOne> {
  const [gateway, discovery, user, friend, recommendation] = freePorts(5) as [number, number, number, number, number];
  const ports = { gateway, discovery, user, friend, recommendation };
  const env: Record<string, string | undefined> = {
    ...embeddedEnvironment(),
    DATA_DIR: dataDir,
    HOST: '127.0.0.1',
    ADVERTISED_HOST: '127.0.0.1',
    GATEWAY_PORT: String(ports.gateway),
    DISCOVERY_PORT: String(ports.discovery),
    USER_PORT: String(ports.user),
    FRIEND_PORT: String(ports.friend),
    RECOMMENDATION_PORT: String(ports.recommendation),
    LOG_LEVEL: logLevel,
    // The load comes from one client address; the per-client limit would measure itself.
    GATEWAY_RATE_LIMIT_PER_SECOND: '0',
  };
  delete env.DISCOVERY_URL; // derived from the ports above
  const started = performance.now();
  const proc = track(spawnLogged([join(checkout, 'src', 'entrypoints', 'all-in-one.ts')], env, logFile, checkout));
  const gatewayUrl = `http://127.0.0.1:${ports.gateway}`;
  for (const service of ['user', 'friend', 'recommendation']) await waitHealthy(`${gatewayUrl}/${service}/actuator/health`, proc, 'all-in-one', timeoutMs);
  const url = (port: number) => `http://127.0.0.1:${port}`;
  return {
    proc,
    gateway: gatewayUrl,
    direct: { user: url(ports.user), friend: url(ports.friend), recommendation: url(ports.recommendation), discovery: url(ports.discovery) },
    startMs: performance.now() - started,
  };
}
