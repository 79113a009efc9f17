// Load scenarios against the public API: sign-up, befriend, browse recommendations, mixed.
// The same scenarios as deploy/k6/, for machines without k6.
//
//   bun run load -- --scenario mixed --rate 200 --duration 30s --concurrency 32 [--url U]
//   (without --url: BASE_URL if set, as the k6 scripts read it, else http://localhost:9000)
//
// Open loop: arrivals come at --rate per second whatever the latency (see load-lib/scheduler.ts).
// A live line on stderr each second; the summary on stdout (and --json FILE). Ctrl-C stops early
// and still prints the summary. The line "load: started ..." on stderr marks the measured phase.
// Exit code: 0 ok, 1 any 5xx or network error, 2 bad arguments.
import { writeFileSync } from 'node:fs';
import { optionsOrExitCode } from './lib/flags';
import { parseLoadArgs, USAGE } from './load-lib/args';
import { send } from './load-lib/http';
import { formatSummary, Recorder } from './load-lib/recorder';
import { runClosedLoop, runOpenLoop } from './load-lib/scheduler';
import { nextOperation, setUp } from './load-lib/scenarios';
import type { ApiResult } from './lib/api';
import { ConsistentReads } from './lib/consistent-reads';

/** The load tool's lean outcome in the shape ConsistentReads counts. */
const asResult = (out: { status: number; latencyMs: number; waitedMs?: number; error?: string }): ApiResult<unknown> =>
  out.status === 0
    ? { kind: 'network', error: out.error ?? 'no answer', latencyMs: out.latencyMs }
    : out.status < 300
      ? { kind: 'ok', status: out.status, body: undefined, latencyMs: out.latencyMs, ...(out.waitedMs !== undefined ? { waitedMs: out.waitedMs } : {}) }
      : { kind: 'http', status: out.status, problem: undefined, latencyMs: out.latencyMs };

const log = (line: string) => void process.stderr.write(`${line}\n`);

async function main(argv: readonly string[]): Promise<number> {
  const options = optionsOrExitCode('load', USAGE, () => parseLoadArgs(argv));
  if (typeof options === 'number') return options;
  const { scenario, rate, durationMs, concurrency, url } = options;
  const stop = new AbortController();
  process.once('SIGINT', () => stop.abort());
  process.once('SIGTERM', () => stop.abort());

  let state;
  try {
    state = await setUp(scenario, url, options.users, options.seed, Math.min(concurrency, 16), log);
  } catch (error) {
    log(`load: ${(error as Error).message}`);
    return 1;
  }

  const recorder = new Recorder();
  const reads = new ConsistentReads();
  /** The latest command's token, sent with every read after it when --consistent. */
  let token: string | undefined;
  let inFlight = 0;
  const fire = async (k: number) => {
    const op = nextOperation(scenario, state, k);
    const isRead = op.method === 'GET';
    const call = options.consistent ? { ...op, ...(isRead ? (token ? { consistencyToken: token } : {}) : { wantToken: true }) } : op;
    inFlight++;
    const out = await send(url, call);
    inFlight--;
    recorder.record(op.name, out.status, out.latencyMs, out.error);
    if (out.status >= 200 && out.status < 300) op.onOk?.(out.body);
    if (out.token) token = out.token;
    if ('consistencyToken' in call) reads.record(asResult(out));
  };
  log(`load: started scenario=${scenario} rate=${rate} concurrency=${concurrency} duration=${durationMs / 1000}s url=${url}`);
  const tty = Boolean(process.stderr.isTTY);
  const ticker = setInterval(() => {
    const line = recorder.progressLine(durationMs, inFlight);
    process.stderr.write(tty ? `\r${line}\x1b[K` : `${line}\n`);
  }, 1000);
  const common = { durationMs, concurrency, fire, signal: stop.signal };
  if (rate === 'max') await runClosedLoop(common);
  else await runOpenLoop({ ...common, rate, drop: () => recorder.dropped++ });
  clearInterval(ticker);
  if (tty) process.stderr.write('\n');

  const summary = recorder.summary(undefined, { scenario, rate, concurrency });
  console.log(formatSummary(summary));
  if (options.consistent) console.log(reads.lines().join('\n'));
  if (recorder.firstError) console.log(`first network error: ${recorder.firstError}`);
  if (options.json) writeFileSync(options.json, JSON.stringify(summary, null, 2));
  return summary.failures > 0 ? 1 : 0;
}

process.exit(await main(process.argv.slice(2)));
