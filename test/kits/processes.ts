import type { Subprocess } from 'bun';
import { createWriteStream, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** Ports nobody listens on right now (bound, read, released). */
export function freePorts(count: number): number[] {
  const servers = Array.from({ length: count }, () => Bun.listen({ hostname: '127.0.0.1', port: 0, socket: { data() {} } }));
  const ports = servers.map((s) => s.port);
  servers.forEach((s) => s.stop(true));
  return ports;
}

export const tempDir = (prefix: string) => mkdtempSync(join(tmpdir(), prefix));

/** The path of `src/entrypoints/<name>.ts`, the file a process of that name runs. */
export const entrypointFile = (name: string): string => join(import.meta.dir, '..', '..', 'src', 'entrypoints', `${name}.ts`);

export interface RunningProcess {
  readonly proc: Subprocess<'ignore', 'pipe', 'pipe'>;
  output(): string;
  /** SIGTERM, then the exit code. */
  stop(): Promise<number>;
  /** SIGKILL: no shutdown hook runs, as in a crash. */
  crash(): Promise<void>;
}

/**
 * The variables that switch a process from embedded adapters to the shared engines. A test shell
 * may have them (CI loads them for the `*.int` tests); a child meant to run embedded must not
 * inherit them, or it would write into the shared databases and topics.
 */
const engineVariables = /^(KAFKA_|NEO4J_|[A-Z]+_DATABASE_URL$|POSTGRES_ADMIN_URL$)/;

export function embeddedEnvironment(): Record<string, string> {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !engineVariables.test(name))) as Record<string, string>;
}

/** Everything a child wrote to stdout and stderr so far, gathered as it comes. */
export function collectOutput(proc: { stdout: ReadableStream<Uint8Array>; stderr: ReadableStream<Uint8Array> }): () => string {
  let text = '';
  const collect = async (stream: ReadableStream<Uint8Array>) => {
    const decoder = new TextDecoder();
    for await (const chunk of stream) text += decoder.decode(chunk);
  };
  void collect(proc.stdout);
  void collect(proc.stderr);
  return () => text;
}

/**
 * Starts `bun <script>` with extra environment, collecting its output for failure messages. It
 * runs on embedded adapters unless `env` itself names the engines.
 */
export function spawnChild(script: string, env: Record<string, string>): RunningProcess {
  const proc = Bun.spawn(['bun', script], {
    env: { ...embeddedEnvironment(), LOG_LEVEL: 'warn', ...env },
    stdout: 'pipe',
    stderr: 'pipe',
    stdin: 'ignore',
  });
  const output = collectOutput(proc);
  return {
    proc,
    output,
    async stop() {
      proc.kill('SIGTERM');
      return proc.exited;
    },
    async crash() {
      proc.kill('SIGKILL');
      await proc.exited;
    },
  };
}

/**
 * Starts `bun <args>` with exactly `env`, appending its stdout and stderr to `logFile`: for
 * processes that run long (benchmarks, a distributed cluster) and are read afterwards.
 */
export function spawnLogged(args: string[], env: Record<string, string | undefined>, logFile: string, cwd?: string): Subprocess<'ignore', 'pipe', 'pipe'> {
  mkdirSync(dirname(logFile), { recursive: true });
  const out = createWriteStream(logFile, { flags: 'a' });
  const proc = Bun.spawn(['bun', ...args], { cwd, env: env as Record<string, string>, stdout: 'pipe', stderr: 'pipe', stdin: 'ignore' });
  const pipe = async (stream: ReadableStream<Uint8Array>) => {
    for await (const chunk of stream) out.write(chunk);
  };
  void Promise.all([pipe(proc.stdout), pipe(proc.stderr)]).finally(() => out.end());
  return proc;
}

/** Polls `url` until it answers 200; fails at once, naming `what`, if `proc` exits first. */
export async function waitHealthy(url: string, proc: Subprocess, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) throw new Error(`${what} exited with code ${proc.exitCode}`);
    try {
      if ((await fetch(url, { signal: AbortSignal.timeout(1_000) })).status === 200) return;
    } catch {
      // not listening yet
    }
    await Bun.sleep(50);
  }
  throw new Error(`${what} not healthy at ${url} after ${timeoutMs} ms`);
}

/** SIGTERM, then SIGKILL if it has not exited after `graceMs`. */
export async function stopGracefully(proc: Subprocess, graceMs = 15_000): Promise<void> {
  if (proc.exitCode !== null) return;
  proc.kill('SIGTERM');
  const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
  await proc.exited;
  clearTimeout(timer);
}

/**
 * Polls `probe` until it returns true. A string it returns says what it saw instead; on timeout the
 * error names what was awaited and that last sighting (or the probe's last failure).
 */
export async function eventually(what: string, probe: () => Promise<boolean | string>, timeoutMs = 30_000, intervalMs = 50): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    try {
      const result = await probe();
      if (result === true) return;
      last = typeof result === 'string' ? result : '';
    } catch (error) {
      last = `probe failed: ${(error as Error).message}`;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `; last seen: ${last}` : ''}`);
    await Bun.sleep(intervalMs);
  }
}
