import { UsageError } from './flags';
import { renderProgress } from './progress';
// What the CLIs that drive a service's admin API share (migrate, projection): one way to call it,
// to follow a job it runs in the background, and to end with the same exit codes.

/** A module's own port (the gateway never routes `/admin`) and the admin token, if one is set. */
export interface AdminTarget {
  url: string;
  token?: string;
}

/** One admin call. A refusal is a UsageError naming the call and the service's reason: exit 2. */
export async function adminRequest(target: AdminTarget, method: string, path: string): Promise<any> {
  const res = await fetch(`${target.url}${path}`, { method, headers: target.token ? { authorization: `Bearer ${target.token}` } : {} });
  const body: any = await res.json().catch(() => ({}));
  if (!res.ok) throw new UsageError(`${method} ${path} answered ${res.status}: ${body.detail ?? body.title ?? 'no detail'}`);
  return body;
}

/** How far a background job is, as the admin APIs report it. */
export interface JobProgress {
  running: boolean;
  phase: string;
  done: number;
  total: number;
  startedAt: string | null;
}

export interface AdminJob<P extends JobProgress> {
  /** POSTed once to start the job. */
  start: string;
  /** GETed until the job stops running; `progressOf` finds the job's progress in its answer. */
  status: string;
  progressOf(answer: any): P;
  /** The progress line's label once the job stopped (while it runs, its phase). */
  stoppedLabel: string;
  /** Appended to the progress line, e.g. an estimate of the time left. */
  suffix?(progress: P): string;
  /** Prints the outcome; returns the exit code. */
  finished(progress: P): number;
}

/**
 * Starts a job and follows it to its end: a progress line on stderr (redrawn on a terminal, a new
 * line when it changes otherwise), then the job's own summary on stdout.
 */
export async function followAdminJob<P extends JobProgress>(target: AdminTarget, job: AdminJob<P>): Promise<number> {
  await adminRequest(target, 'POST', job.start);
  const tty = Boolean(process.stderr.isTTY);
  let shown = '';
  for (;;) {
    const p = job.progressOf(await adminRequest(target, 'GET', job.status));
    const elapsedMs = p.startedAt ? Date.now() - Date.parse(p.startedAt) : 0;
    const line = renderProgress({ label: p.running ? p.phase : job.stoppedLabel, done: p.done, total: p.total, elapsedMs, errors: 0 }, tty);
    const suffix = job.suffix?.(p) ?? '';
    if (tty) process.stderr.write(`\r${line}${suffix}\x1b[K`);
    else if (line !== shown) process.stderr.write(`${line}${suffix}\n`);
    shown = line;
    if (!p.running) {
      if (tty) process.stderr.write('\n');
      return job.finished(p);
    }
    await Bun.sleep(tty ? 200 : 1000);
  }
}

/**
 * Runs a CLI's work and exits with its code; bad usage or a refusal prints the message and the
 * usage and exits 2, as does any other failure, named after the tool.
 */
export async function runAdminCli(tool: string, usage: string, work: () => Promise<number>): Promise<never> {
  try {
    process.exit(await work());
  } catch (error) {
    console.error(error instanceof UsageError ? `${error.message}\n${usage}` : `${tool}: ${(error as Error).message}`);
    process.exit(2);
  }
}
