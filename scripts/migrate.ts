// `bun run migrate -- encrypt-history [--url URL] [--token T]`: seals the names that events and
// rows from before names were sealed hold in the clear (`/admin/history/encrypt` on the user
// module's own port, so it runs while the service serves, on PGlite or PostgreSQL). Resumable:
// run it again after a stop and it picks up what is left. Exit codes: 0 done, 1 the run failed,
// 2 bad usage or the service refused.
import { followAdminJob, runAdminCli, type AdminTarget, type JobProgress } from './lib/admin-job';
import { httpUrl, readFlags, UsageError } from './lib/flags';
import { toolEnv } from './lib/target';

const DEFAULT_URL = 'http://127.0.0.1:8081';
const USAGE = `usage: bun run migrate -- encrypt-history [--url ${DEFAULT_URL}] [--token ADMIN_TOKEN]`;

function parse(argv: readonly string[], env: Record<string, string | undefined>) {
  const read = readFlags(argv, { values: ['url', 'token'], positionals: true });
  if (read.kind === 'help') return 'help' as const;
  const [command, another] = read.positionals;
  if (command !== 'encrypt-history') throw new UsageError(command ? `unknown migration "${command}"` : 'say which migration: encrypt-history');
  if (another) throw new UsageError(`one migration at a time, got ${command} and ${another}`);
  const token = read.values.get('token') ?? (env.ADMIN_TOKEN?.trim() || undefined);
  const url = httpUrl(read.values.get('url') ?? env.USER_ADMIN_URL ?? DEFAULT_URL, DEFAULT_URL).href.replace(/\/+$/, '');
  return { url, token };
}

interface EncryptionProgress extends JobProgress {
  last: { ok: boolean; error?: string; eventsResealed: number; eventsShredded: number; rowsResealed: number; seconds: number } | null;
}

const encryptHistory = (target: AdminTarget) =>
  followAdminJob<EncryptionProgress>(target, {
    start: '/admin/history/encrypt',
    status: '/admin/history/encrypt',
    progressOf: (answer) => answer,
    stoppedLabel: 'done',
    finished({ last: l }) {
      const summary = `${l?.eventsResealed ?? 0} events sealed, ${l?.eventsShredded ?? 0} events of erased users shredded, ${l?.rowsResealed ?? 0} read-model rows sealed in ${(l?.seconds ?? 0).toFixed(1)} s`;
      if (!l?.ok) return console.log(`encrypt-history failed: ${l?.error ?? 'unknown'} (${summary}); run it again to resume`), 1;
      console.log(`encrypt-history done: ${summary}`);
      return 0;
    },
  });

await runAdminCli('migrate', USAGE, async () => {
  const o = parse(Bun.argv.slice(2), toolEnv());
  if (o === 'help') return console.log(USAGE), 0;
  return encryptHistory(o);
});
