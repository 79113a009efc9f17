// `bun run migrate -- encrypt-history [--url URL] [--token T]`: seals the names that events and
// rows from before names were sealed hold in the clear (`/admin/history/encrypt` on the user
// module's own port, so it runs while the service serves, on PGlite or PostgreSQL). Resumable:
// run it again after a stop and it picks up what is left. Exit codes: 0 done, 1 the run failed,
// 2 bad usage or the service refused.
import { httpUrl, readFlags, UsageError } from './lib/flags';
import { renderProgress } from './lib/progress';
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

async function request(o: { url: string; token?: string }, method: string): Promise<any> {
  const res = await fetch(`${o.url}/admin/history/encrypt`, { method, headers: o.token ? { authorization: `Bearer ${o.token}` } : {} });
  const body: any = await res.json().catch(() => ({}));
  if (!res.ok) throw new UsageError(`${method} /admin/history/encrypt answered ${res.status}: ${body.detail ?? body.title ?? 'no detail'}`);
  return body;
}

async function encryptHistory(o: { url: string; token?: string }): Promise<number> {
  await request(o, 'POST');
  const tty = Boolean(process.stderr.isTTY);
  let shown = '';
  for (;;) {
    const p = await request(o, 'GET');
    const line = renderProgress({ label: p.running ? p.phase : 'done', done: p.done, total: p.total, elapsedMs: p.startedAt ? Date.now() - Date.parse(p.startedAt) : 0, errors: 0 }, tty);
    if (tty) process.stderr.write(`\r${line}\x1b[K`);
    else if (line !== shown) process.stderr.write(`${line}\n`);
    shown = line;
    if (!p.running) {
      if (tty) process.stderr.write('\n');
      const l = p.last;
      const summary = `${l?.eventsResealed ?? 0} events sealed, ${l?.eventsShredded ?? 0} events of erased users shredded, ${l?.rowsResealed ?? 0} read-model rows sealed in ${(l?.seconds ?? 0).toFixed(1)} s`;
      if (!l?.ok) return console.log(`encrypt-history failed: ${l?.error ?? 'unknown'} (${summary}); run it again to resume`), 1;
      console.log(`encrypt-history done: ${summary}`);
      return 0;
    }
    await Bun.sleep(tty ? 200 : 1000);
  }
}

try {
  const o = parse(Bun.argv.slice(2), toolEnv());
  if (o === 'help') {
    console.log(USAGE);
    process.exit(0);
  }
  process.exit(await encryptHistory(o));
} catch (error) {
  console.error(error instanceof UsageError ? `${error.message}\n${USAGE}` : `migrate: ${(error as Error).message}`);
  process.exit(2);
}
