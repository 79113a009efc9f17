// Process plumbing shared by the component scripts: bounded commands, detached servers, pid files,
// who-listens-on-a-port, and a lock so two `infra:*` runs never race on the same .infra/.
import { closeSync, existsSync, linkSync, mkdirSync, openSync, readFileSync, readdirSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { INFRA, TIMEOUTS } from './settings.ts';

/** A failure whose message is meant for the user as is (it names the component and the log). */
export class InfraError extends Error {
  override name = 'InfraError';
}

const started = Date.now();
export const elapsed = (since = started) => `${((Date.now() - since) / 1000).toFixed(1)}s`;
export const say = (component: string, message: string) => console.log(`[${component.padEnd(8)}] ${message}`);
export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export interface RunResult { code: number; stdout: string; stderr: string }

/**
 * Runs a command to completion, killing it after `timeoutS`. Output is captured, or appended to
 * `logFile` when given (Maven and apt are chatty). Never throws for a non-zero exit: callers decide.
 */
export async function run(cmd: string[], opts: { timeoutS: number; env?: Record<string, string>; cwd?: string; logFile?: string; input?: string } ): Promise<RunResult> {
  const logFd = opts.logFile ? openSync(opts.logFile, 'a') : undefined;
  try {
    const proc = Bun.spawn(cmd, {
      cwd: opts.cwd,
      env: { ...process.env, ...opts.env },
      stdin: opts.input === undefined ? 'ignore' : new TextEncoder().encode(opts.input),
      stdout: logFd ?? 'pipe',
      stderr: logFd ?? 'pipe',
    });
    let timedOut = false;
    const timer = setTimeout(() => { timedOut = true; proc.kill('SIGKILL'); }, opts.timeoutS * 1000);
    const [stdout, stderr] = await Promise.all([
      proc.stdout instanceof ReadableStream ? new Response(proc.stdout).text() : '',
      proc.stderr instanceof ReadableStream ? new Response(proc.stderr).text() : '',
    ]);
    const code = await proc.exited;
    clearTimeout(timer);
    if (timedOut) return { code: 124, stdout, stderr: `${stderr}\n(killed after ${opts.timeoutS}s: ${cmd.join(' ')})` };
    return { code, stdout, stderr };
  } finally {
    if (logFd !== undefined) closeSync(logFd);
  }
}

/** Runs a command as another OS user when we are root (postgres refuses to run as root). */
export const asUser = (user: string, cmd: string[]) => (process.getuid?.() === 0 ? ['runuser', '-u', user, '--', ...cmd] : cmd);

export const isRoot = () => process.getuid?.() === 0;

/** `apt-get install` for a fresh machine; only root can, so others get the command to run. */
export async function aptInstall(component: string, packages: string[]): Promise<void> {
  if (!isRoot()) throw new InfraError(`${component}: missing ${packages.join(' ')}; install it: sudo apt-get install -y ${packages.join(' ')}`);
  const log = `${INFRA}/apt.log`;
  say(component, `apt-get install -y ${packages.join(' ')} (log ${log})`);
  const env = { DEBIAN_FRONTEND: 'noninteractive' };
  const update = await run(['apt-get', 'update'], { timeoutS: TIMEOUTS.aptInstall, env, logFile: log });
  if (update.code !== 0) throw new InfraError(`${component}: apt-get update failed (exit ${update.code}); read ${log}`);
  const install = await run(['apt-get', 'install', '-y', '--no-install-recommends', ...packages], { timeoutS: TIMEOUTS.aptInstall, env, logFile: log });
  if (install.code !== 0) throw new InfraError(`${component}: apt-get install ${packages.join(' ')} failed (exit ${install.code}); read ${log}`);
}

/** Imports a client library from node_modules, or says to run `bun install`. */
export async function importClient<T>(component: string, load: () => Promise<T>, name: string): Promise<T> {
  try {
    return await load();
  } catch (e) {
    throw new InfraError(`${component}: cannot load ${name} from node_modules (${(e as Error).message}); run \`bun install\` first`);
  }
}

// ---- processes ------------------------------------------------------------------------------

/** Alive and not a zombie (the pid 1 of some containers does not reap orphans). */
export function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

export function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/[\0\s]+/g, ' ').trim();
  } catch {
    return '';
  }
}

export const pidFile = (name: string) => `${INFRA}/${name}.pid`;

export function readPid(name: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(pidFile(name), 'utf8').trim(), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** The pid in `.infra/<name>.pid` if that process still runs and its command line has `marker`. */
export function livePid(name: string, marker: string): number | undefined {
  const pid = readPid(name);
  return pid !== undefined && isAlive(pid) && cmdline(pid).includes(marker) ? pid : undefined;
}

/** The pid listening on 127.0.0.1:port (or any address), found through /proc: no ss/lsof needed. */
export function listenerPid(port: number): number | undefined {
  const inodes = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = '';
    try { text = readFileSync(table, 'utf8'); } catch { continue; }
    for (const line of text.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      const local = f[1], state = f[3], inode = f[9];
      if (!local || state !== '0A' || !inode) continue; // 0A = LISTEN
      if (Number.parseInt(local.split(':')[1] ?? '', 16) === port) inodes.add(`socket:[${inode}]`);
    }
  }
  if (inodes.size === 0) return undefined;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let fds: string[] = [];
    try { fds = readdirSync(`/proc/${entry}/fd`); } catch { continue; }
    for (const fd of fds) {
      try { if (inodes.has(readlinkSync(`/proc/${entry}/fd/${fd}`))) return Number(entry); } catch { /* raced */ }
    }
  }
  return -1; // someone listens, but we may not see whom (not root)
}

/**
 * Starts a server in its own session so it outlives this script and the terminal, with stdout and
 * stderr appended to `log`. `setsid -f` forks; the shell writes its own pid and then execs the
 * server, so the pid file holds the server's pid exactly.
 */
export async function spawnDetached(name: string, cmd: string[], opts: { log: string; cwd: string; env?: Record<string, string> }): Promise<number> {
  rmSync(pidFile(name), { force: true });
  const script = 'echo $$ > "$0"; exec "$@" >>"$INFRA_LOG" 2>&1 </dev/null';
  const res = await run(['setsid', '-f', 'sh', '-c', script, pidFile(name), ...cmd], {
    timeoutS: 10, cwd: opts.cwd, env: { ...opts.env, INFRA_LOG: opts.log },
  });
  if (res.code !== 0) throw new InfraError(`${name}: could not start (${res.stderr.trim()}); read ${opts.log}`);
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline) {
    const pid = readPid(name);
    if (pid !== undefined) return pid;
    await sleep(20);
  }
  throw new InfraError(`${name}: started but wrote no pid file ${pidFile(name)}; read ${opts.log}`);
}

/** SIGTERM (or the given signal), then a bounded wait, then SIGKILL. Returns how it ended. */
export async function terminate(pid: number, waitS: number, signal: 'SIGTERM' | 'SIGINT' = 'SIGTERM'): Promise<'stopped' | 'killed'> {
  try { process.kill(pid, signal); } catch { return 'stopped'; }
  const deadline = Date.now() + waitS * 1000;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return 'stopped';
    await sleep(100);
  }
  try { process.kill(pid, 'SIGKILL'); } catch { /* already gone */ }
  for (let i = 0; i < 50 && isAlive(pid); i++) await sleep(100);
  return 'killed';
}

/**
 * Stops an engine this project started, by the pid it recorded: SIGTERM runs the engine's own
 * clean shutdown (logs flushed, databases checkpointed), SIGKILL after `waitS`; the pid file goes
 * either way. Says how it ended, for the summary line.
 */
export async function stopRecorded(name: string, pid: number | undefined, waitS: number, log: string): Promise<string> {
  if (pid === undefined) return 'not running';
  const how = await terminate(pid, waitS);
  rmSync(pidFile(name), { force: true });
  return how === 'stopped' ? `stopped (pid ${pid})` : `did not stop within ${waitS}s after SIGTERM: killed pid ${pid}; read ${log}`;
}

/**
 * Polls `probe` until it returns true, the deadline passes, or `stillRunning` says the server died.
 * Each failure reason is kept so the final message can say what the last attempt saw; a probe that
 * throws an InfraError ends the wait at once.
 */
export async function waitUntil(what: string, timeoutS: number, probe: () => Promise<true | string>, stillRunning: () => boolean, log: string): Promise<void> {
  const deadline = Date.now() + timeoutS * 1000;
  let last = 'no attempt yet';
  while (Date.now() < deadline) {
    const r = await probe().catch((e: unknown) => {
      if (e instanceof InfraError) throw e; // fatal: retrying cannot help
      return e instanceof Error ? e.message : String(e);
    });
    if (r === true) return;
    last = r;
    if (!stillRunning()) throw new InfraError(`${what}: the process exited during start-up (last probe: ${last}); read ${log}\n${tail(log)}`);
    await sleep(500);
  }
  throw new InfraError(`${what}: not answering after ${timeoutS}s (last probe: ${last}); read ${log}\n${tail(log)}`);
}

/** The last lines of a log, indented, for error messages. */
export function tail(file: string, lines = 15): string {
  try {
    const all = readFileSync(file, 'utf8').trimEnd().split('\n');
    return all.slice(-lines).map((l) => `    | ${l}`).join('\n');
  } catch {
    return `    | (no log at ${file})`;
  }
}

export function ensureDir(dir: string): void {
  mkdirSync(dir, { recursive: true });
}

export function writeIfChanged(file: string, text: string): boolean {
  try { if (readFileSync(file, 'utf8') === text) return false; } catch { /* new file */ }
  writeFileSync(file, text);
  return true;
}

// ---- one infra script at a time ----------------------------------------------------------------

/**
 * An exclusive lock on .infra/.lock (O_EXCL create, holder's pid inside). A lock left by a dead
 * process is taken over; a live holder is waited for, up to `timeoutS`.
 */
export async function withLock<T>(timeoutS: number, body: () => Promise<T>): Promise<T> {
  ensureDir(INFRA);
  const file = `${INFRA}/.lock`;
  const deadline = Date.now() + timeoutS * 1000;
  let told = false;
  for (;;) {
    // Written aside, then hard-linked into place: the link is atomic and fails if the lock exists,
    // so nobody ever reads a half-written lock.
    const mine = `${file}.${process.pid}`;
    writeFileSync(mine, String(process.pid));
    try {
      linkSync(mine, file);
      break;
    } catch {
      const holder = Number.parseInt(existsSync(file) ? readFileSync(file, 'utf8') : '', 10);
      if (!Number.isInteger(holder) || !isAlive(holder)) { rmSync(file, { force: true }); rmSync(mine, { force: true }); continue; }
      if (Date.now() > deadline) throw new InfraError(`another infra script (pid ${holder}) still holds ${file} after ${timeoutS}s`);
      rmSync(mine, { force: true });
      if (!told) { console.log(`waiting for another infra script (pid ${holder}) to finish`); told = true; }
      await sleep(250);
    }
  }
  try {
    return await body();
  } finally {
    rmSync(file, { force: true });
    rmSync(`${file}.${process.pid}`, { force: true });
  }
}
