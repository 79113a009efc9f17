// `bun run projection -- status|rebuild|audit [--url URL] [--token T]`: the recommendation
// projection's operations (`/admin/projection` on the module's own port). Exit codes: 0 done,
// 1 the audit found divergences or the rebuild failed, 2 bad usage or the service refused.
import { adminRequest, followAdminJob, runAdminCli, type JobProgress } from './lib/admin-job';
import { parseProjectionArgs, USAGE, type ProjectionOptions } from './lib/projection-args';
import { toolEnv } from './lib/target';

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

interface RebuildProgress extends JobProgress {
  etaSeconds: number | null;
  last: { ok: boolean; error?: string; events: number; seconds: number } | null;
}

const rebuild = (o: ProjectionOptions) =>
  followAdminJob<RebuildProgress>(o, {
    start: '/admin/projection/rebuild',
    status: '/admin/projection',
    progressOf: (answer) => answer.rebuild,
    stoppedLabel: 'rebuild',
    suffix: (r) => (r.etaSeconds === null ? '' : `  eta ${r.etaSeconds}s`),
    finished({ last: l }) {
      if (!l?.ok) return console.log(`rebuild failed: ${l?.error ?? 'unknown'}; the previous graph still serves`), 1;
      console.log(`rebuilt the graph from ${l.events} events in ${l.seconds.toFixed(1)} s (${Math.round(l.events / Math.max(l.seconds, 0.001))} events/s)`);
      return 0;
    },
  });

async function audit(o: ProjectionOptions): Promise<number> {
  const a = await adminRequest(o, 'POST', '/admin/projection/audit');
  for (const s of a.sources) console.log(`source ${s.name}: ${s.ok ? `${s.streams} streams compared` : `not reached (${s.error})`}`);
  for (const d of a.items.slice(0, 50)) console.log(`  ${JSON.stringify(d)}`);
  if (a.items.length > 50) console.log(`  ... ${a.divergences - 50} more`);
  console.log(`audit of ${a.logEvents} log events in ${a.seconds.toFixed(1)} s: ${a.divergences} divergences${a.divergences ? ` ${JSON.stringify(a.byKind)}` : ''}`);
  return a.divergences > 0 || a.sources.some((s: { ok: boolean }) => !s.ok) ? 1 : 0;
}

await runAdminCli('projection', USAGE, async () => {
  const o = parseProjectionArgs(Bun.argv.slice(2), toolEnv());
  if (o === 'help') return console.log(USAGE), 0;
  if (o.command === 'status') printStatus(await adminRequest(o, 'GET', '/admin/projection'));
  return o.command === 'rebuild' ? rebuild(o) : o.command === 'audit' ? audit(o) : 0;
});
