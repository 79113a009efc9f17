// `bun run projection -- status|rebuild|audit [--url URL] [--token T]`: the recommendation
// projection's operations (`/admin/projection` on the module's own port). Exit codes: 0 done,
// 1 the audit found divergences or the rebuild failed, 2 bad usage or the service refused.
import { UsageError } from './lib/flags';
import { renderProgress } from './lib/progress';
import { parseProjectionArgs, USAGE, type ProjectionOptions } from './lib/projection-args';
import { toolEnv } from './lib/target';

async function request(o: ProjectionOptions, method: string, path: string): Promise<any> {
  const res = await fetch(`${o.url}${path}`, { method, headers: o.token ? { authorization: `Bearer ${o.token}` } : {} });
  const body: any = await res.json().catch(() => ({}));
  if (!res.ok) throw new UsageError(`${method} ${path} answered ${res.status}: ${body.detail ?? body.title ?? 'no detail'}`);
  return body;
}

function printStatus(s: any): void {
  console.log(`log        ${s.log.events} events, last position ${s.log.lastPosition}`);
  for (const t of s.log.topics) console.log(`  ${t.topic.padEnd(16)} ${t.events} events, last position ${t.lastPosition}`);
  console.log(`graph      ${s.graph.users} users, ${s.graph.friendships} friendships${s.graph.checkpoint === null ? '' : `, checkpoint ${s.graph.checkpoint}`}`);
  console.log(`applied    ${s.lastApplied ? `${s.lastApplied.at} (event of ${s.lastApplied.eventOccurredAt})` : 'nothing since start'}`);
  console.log(`lag        ${s.lag.messages ?? '-'} messages, ${s.lag.seconds ?? '-'} s${s.lag.behindCheckpoint === null ? '' : `, ${s.lag.behindCheckpoint} rows after the checkpoint`}`);
  const r = s.rebuild;
  console.log(`rebuild    ${r.running ? `running (${r.phase}) ${r.done}/${r.total}` : 'not running'}${r.last ? `; last ${r.last.ok ? 'ok' : `failed: ${r.last.error}`}, ${r.last.events} events in ${r.last.seconds} s` : ''}`);
  if (s.lastAudit) console.log(`audit      last found ${s.lastAudit.divergences} divergences`);
}

async function rebuild(o: ProjectionOptions): Promise<number> {
  await request(o, 'POST', '/admin/projection/rebuild');
  const tty = Boolean(process.stderr.isTTY);
  let last = '';
  for (;;) {
    const { rebuild: r } = await request(o, 'GET', '/admin/projection');
    const line = renderProgress({ label: r.running ? r.phase : 'rebuild', done: r.done, total: r.total, elapsedMs: r.startedAt ? Date.now() - Date.parse(r.startedAt) : 0, errors: 0 }, tty);
    const eta = r.etaSeconds === null ? '' : `  eta ${r.etaSeconds}s`;
    if (tty) process.stderr.write(`\r${line}${eta}\x1b[K`);
    else if (line !== last) process.stderr.write(`${line}${eta}\n`);
    last = line;
    if (!r.running) {
      if (tty) process.stderr.write('\n');
      const l = r.last;
      if (!l?.ok) return console.log(`rebuild failed: ${l?.error ?? 'unknown'}; the previous graph still serves`), 1;
      console.log(`rebuilt the graph from ${l.events} events in ${l.seconds.toFixed(1)} s (${Math.round(l.events / Math.max(l.seconds, 0.001))} events/s)`);
      return 0;
    }
    await Bun.sleep(tty ? 200 : 1000);
  }
}

async function audit(o: ProjectionOptions): Promise<number> {
  const a = await request(o, 'POST', '/admin/projection/audit');
  for (const s of a.sources) console.log(`source ${s.name}: ${s.ok ? `${s.streams} streams compared` : `not reached (${s.error})`}`);
  for (const d of a.items.slice(0, 50)) console.log(`  ${JSON.stringify(d)}`);
  if (a.items.length > 50) console.log(`  ... ${a.divergences - 50} more`);
  console.log(`audit of ${a.logEvents} log events in ${a.seconds.toFixed(1)} s: ${a.divergences} divergences${a.divergences ? ` ${JSON.stringify(a.byKind)}` : ''}`);
  return a.divergences > 0 || a.sources.some((s: { ok: boolean }) => !s.ok) ? 1 : 0;
}

try {
  const o = parseProjectionArgs(Bun.argv.slice(2), toolEnv());
  if (o === 'help') {
    console.log(USAGE);
    process.exit(0);
  }
  if (o.command === 'status') printStatus(await request(o, 'GET', '/admin/projection'));
  process.exit(o.command === 'rebuild' ? await rebuild(o) : o.command === 'audit' ? await audit(o) : 0);
} catch (error) {
  console.error(error instanceof UsageError ? `${error.message}\n${USAGE}` : `projection: ${(error as Error).message}`);
  process.exit(2);
}
