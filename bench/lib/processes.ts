/**
 * The processes a benchmark measures: the all-in-one, a distributed set of modules, a raw Bun
 * server. Each gets free ports and its own data directory, so the bench never collides with
 * a system (or another engineer's test) on the default ports.
 */
import type { Subprocess } from 'bun';
import { createWriteStream, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

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

/** A port nobody listens on right now (the OS picks it). */
export function freePort(): number {
  const server = Bun.serve({ port: 0, hostname: '127.0.0.1', fetch: () => new Response() });
  const port = server.port!;
  server.stop(true);
  return port;
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

/** Polls `url` until it answers 200 or `proc` exits. */
export async function waitHealthy(url: string, proc: Subprocess, what: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) throw new Error(`${what} exited with code ${proc.exitCode}`);
    try {
      if ((await fetch(url, { signal: AbortSignal.timeout(1000) })).status === 200) return;
    } catch {
      // not listening yet
    }
    await Bun.sleep(50);
  }
  throw new Error(`${what} not healthy at ${url} after ${timeoutMs} ms`);
}

/** Spawns `bun file` with `env`, its output appended to `logFile`. */
export function spawnBun(args: string[], env: Record<string, string | undefined>, logFile: string): Subprocess {
  mkdirSync(join(logFile, '..'), { recursive: true });
  const out = createWriteStream(logFile, { flags: 'a' });
  const proc = track(Bun.spawn(['bun', ...args], { cwd: ROOT, env: env as Record<string, string>, stdout: 'pipe', stderr: 'pipe', stdin: 'ignore' }));
  const pipe = async (stream: ReadableStream<Uint8Array>) => {
    for await (const chunk of stream) out.write(chunk);
  };
  void Promise.all([pipe(proc.stdout as ReadableStream<Uint8Array>), pipe(proc.stderr as ReadableStream<Uint8Array>)]).finally(() => out.end());
  return proc;
}

/** SIGTERM, then SIGKILL after `graceMs`. */
export async function stop(proc: Subprocess, graceMs = 15_000): Promise<void> {
  if (proc.exitCode !== null) return;
  proc.kill('SIGTERM');
  const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
  await proc.exited;
  clearTimeout(timer);
}

/** The variables that switch a module to Kafka, PostgreSQL or Neo4j: removed for embedded runs. */
export const DISTRIBUTED_VARIABLES = ['KAFKA_BROKERS', 'KAFKA_NAMESPACE', 'USER_DATABASE_URL', 'FRIEND_DATABASE_URL', 'RECOMMENDATION_DATABASE_URL', 'NEO4J_URL', 'NEO4J_USER', 'NEO4J_PASSWORD'];

export function embeddedEnv(): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = { ...process.env };
  for (const name of DISTRIBUTED_VARIABLES) delete env[name];
  return env;
}

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
 * events needs a longer `timeoutMs` than the default on a busy machine.
 */
export async function startAllInOne(dataDir: string, logFile: string, { logLevel = 'warn', timeoutMs = 120_000 } = {}): Promise<AllInOne> {
  const ports = { gateway: freePort(), discovery: freePort(), user: freePort(), friend: freePort(), recommendation: freePort() };
  const env: Record<string, string | undefined> = {
    ...embeddedEnv(),
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
  const proc = spawnBun(['src/entrypoints/all-in-one.ts'], env, logFile);
  const gateway = `http://127.0.0.1:${ports.gateway}`;
  for (const service of ['user', 'friend', 'recommendation']) await waitHealthy(`${gateway}/${service}/actuator/health`, proc, 'all-in-one', timeoutMs);
  const url = (port: number) => `http://127.0.0.1:${port}`;
  return {
    proc,
    gateway,
    direct: { user: url(ports.user), friend: url(ports.friend), recommendation: url(ports.recommendation), discovery: url(ports.discovery) },
    startMs: performance.now() - started,
  };
}
