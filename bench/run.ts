/**
 * `bun run bench`: HTTP overhead, command throughput, projection lag, recommendation latency and
 * memory, each figure beside the baseline it is judged against. See bench/README.md.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseBenchArgs, profileOf, USAGE, UsageError, type BenchOptions } from './lib/args';
import { pickTool } from './lib/http-load';
import { charts, markdownReport } from './lib/markdown-report';
import { killChildren, ROOT, startAllInOne, track } from './lib/processes';
import { stopGracefully } from '../test/kits/processes';
import { tableCells, textTable, type Results } from './lib/report-table';
import type { BenchContext } from './suites/context';
import { runDistributed } from './suites/distributed';
import { measureMemoryGraph } from './suites/graph';
import { measureEmbeddedHttp } from './suites/http';
import { measureConsistency } from './suites/consistency';
import { measureLag } from './suites/lag';
import { measureProjectionLog } from './suites/projection-log';
import { measureApplyRate, measureBurstLag } from './suites/projection';
import { measureLoadedAllInOne, recordIdleRss } from './suites/memory';
import { measureWrites } from './suites/writes';
import { measureSealing } from './suites/sealing';

const log = (line: string) => void process.stderr.write(`${line}\n`);

let options: BenchOptions | undefined;
try {
  options = parseBenchArgs(process.argv.slice(2));
} catch (error) {
  if (!(error instanceof UsageError)) throw error;
  log(`bench: ${error.message}\nRun with --help for usage.`);
  process.exit(2);
}
if (!options) {
  console.log(USAGE);
  process.exit(0);
}

const stamp = new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);
const runDir = join(ROOT, 'bench-results', `${stamp}${options.quick ? '-quick' : ''}${options.distributed ? '-distributed' : ''}`);
mkdirSync(join(runDir, 'logs'), { recursive: true });
const results: Results = {};
const warnings: string[] = [];
const tool = await pickTool(options.tool, log, (message) => {
  warnings.push(message);
  log(`WARNING: ${message}`);
});
const ctx: BenchContext = { options, profile: profileOf(options), tool, results, runDir, warnings, log, step: (name, run) => step(name, run) };
const machine = `${cpus().length} × ${cpus()[0]?.model.trim() ?? 'cpu'}, Bun ${Bun.version}, load average ${loadavg()[0]!.toFixed(1)} at start`;
const only = new Set(options.distributedOnly ? [] : options.only);
// Ctrl-C or a crash must not leave servers running (each holds ports and a data-dir lock), and a
// stopped run still reports what it measured so far.
process.on('exit', killChildren);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    failures.push(`interrupted by ${signal}`);
    finish();
  });
}
const started = performance.now();
const failures: string[] = [];
let finished = false;

/** The baseline servers print their port on their first line. */
async function portUrl(raw: { stdout: ReadableStream<Uint8Array> }): Promise<string> {
  const reader = raw.stdout.getReader();
  let text = '';
  while (!text.includes('\n')) {
    const { value, done } = await reader.read();
    if (done) throw new Error('a baseline server exited before printing its port');
    text += new TextDecoder().decode(value);
  }
  reader.releaseLock();
  return `http://127.0.0.1:${text.trim()}`;
}

/** A failing suite is reported and the others still run: half a report beats none. */
async function step(name: string, run: () => Promise<void>): Promise<void> {
  try {
    await run();
  } catch (error) {
    failures.push(`${name}: ${(error as Error).message}`);
    log(`FAILED ${name}: ${(error as Error).stack ?? error}`);
  }
}

if (only.has('graph')) await step('graph', () => measureMemoryGraph(ctx));

if (only.has('http') || only.has('writes') || only.has('lag') || only.has('consistency') || only.has('memory')) {
  await step('all-in-one', async () => {
    const aio = await startAllInOne(join(runDir, 'data'), join(runDir, 'logs/all-in-one.log'));
    const raw = track(Bun.spawn(['bun', join(import.meta.dir, 'workers/raw-server.ts')], { stdout: 'pipe', stderr: 'inherit' }));
    const bare = track(Bun.spawn(['bun', join(import.meta.dir, 'workers/bare-elysia-server.ts')], { stdout: 'pipe', stderr: 'inherit' }));
    try {
      if (only.has('memory')) await recordIdleRss(ctx, aio);
      let addFriendPerSec = 100;
      if (only.has('http')) await step('http', async () => measureEmbeddedHttp(ctx, await portUrl(raw), await portUrl(bare), aio.direct.recommendation, aio.gateway));
      if (only.has('writes')) await step('writes', async () => void ({ addFriendPerSec } = await measureWrites(ctx, aio.gateway, { engine: 'pglite', dir: join(runDir, 'raw-pglite') }, 'writes')));
      if (only.has('writes')) await step('sealing', () => measureSealing(ctx, (ctx.results as any).writes?.createUserAtOneP50Ms));
      if (only.has('lag')) await step('lag', () => measureLag(ctx, aio.gateway, addFriendPerSec / 2, 'projectionLag'));
      if (only.has('consistency')) await step('consistency', () => measureConsistency(ctx, aio.gateway, addFriendPerSec / 2, 'consistency.allInOne'));
      if (only.has('lag')) await step('burst', () => measureBurstLag(ctx, aio.gateway));
    } finally {
      raw.kill();
      bare.kill();
      await stopGracefully(aio.proc);
    }
  });
}
if (only.has('lag')) await step('projection apply rate', () => measureApplyRate(ctx));
if (only.has('memory')) await step('memory (loaded)', () => measureLoadedAllInOne(ctx));
if (only.has('projection')) await step('projection', () => measureProjectionLog(ctx, { engine: 'pglite' }));
if (options.distributed) await step('distributed', () => runDistributed(ctx));

finish();

/** Writes the report, the JSON and the table from whatever was measured, then exits. */
function finish(): never {
  if (finished) process.exit(1);
  finished = true;
  const seconds = (performance.now() - started) / 1000;
  results.meta = { mode: ctx.options.quick ? 'quick' : 'full', distributed: ctx.options.distributed, machine, seconds: Math.round(seconds), finishedAt: new Date().toISOString(), loadAverageAtEnd: Number(loadavg()[0]!.toFixed(1)), warnings: ctx.warnings, failures };

  // Data directories are large (the loaded log is ~2 GB at 100k users) and worth nothing afterwards.
  for (const dir of ['data', 'data-loaded', 'raw-pglite']) rmSync(join(runDir, dir), { recursive: true, force: true });

  const command = `bun run bench${process.argv.slice(2).filter((a) => a !== '--').map((a) => ` ${a}`).join('')}`;
  const chartFiles = charts(results);
  for (const [file, svg] of Object.entries(chartFiles)) writeFileSync(join(runDir, file), svg);
  const report = markdownReport(results, { title: `Benchmark ${stamp}`, command, machine, warnings: [...ctx.warnings, ...failures.map((f) => `FAILED ${f}`)] }, Object.keys(chartFiles));
  writeFileSync(join(runDir, 'report.md'), report);
  writeFileSync(join(runDir, 'results.json'), JSON.stringify(results, null, 2));
  if (ctx.options.out) writeFileSync(ctx.options.out, JSON.stringify(results, null, 2));

  console.log(textTable(tableCells(results)));
  console.log(`\n${Math.round(seconds)} s; report ${join(runDir, 'report.md')}${ctx.options.out ? `; JSON ${ctx.options.out}` : ''}`);
  if (ctx.warnings.length) console.log(ctx.warnings.map((w) => `warning: ${w}`).join('\n'));
  if (failures.length) console.log(failures.map((f) => `FAILED ${f}`).join('\n'));
  process.exit(failures.length ? 1 : 0);
}
