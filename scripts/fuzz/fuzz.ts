/**
 * `bun run fuzz`: schemathesis against every operation of the gateway's merged OpenAPI document.
 * Starts the all-in-one on free ports with a temporary data directory, waits until the document
 * lists every service, runs schemathesis with a fixed seed and a bounded number of examples (its
 * own progress output streams through), prints a summary, stops the system, and exits non-zero on
 * any failure. The checks are in args.ts, the per-operation exceptions in schemathesis.toml.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { startSystem, systemEnv, type System } from '../../test/harness/all-in-one';
import { eventually, tempDir } from '../../test/kits/processes';
import { parseArgs, schemathesisArgs, UsageError, USAGE } from './args';
import { formatSummary, summarize } from './report';
import { schemathesis } from './schemathesis';

const PREFIXES = ['/user', '/friend', '/recommendation'];

let parsed: ReturnType<typeof parseArgs>;
try {
  parsed = parseArgs(process.argv.slice(2));
} catch (error) {
  if (!(error instanceof UsageError)) throw error;
  console.error(`${error.message}\n\n${USAGE}`);
  process.exit(2);
}
if (parsed.kind === 'help') {
  console.log(USAGE);
  process.exit(0);
}
const options = parsed.options;

const started = performance.now();
const bin = await schemathesis((line) => console.log(`fuzz: ${line}`));
const work = tempDir('sn-fuzz-');
// Fuzzing is a burst from one address: the gateway's rate limit would answer it with 429s. The
// document declares no authentication, so a shell's AUTH_MODE must not turn every answer into a 401.
const env = systemEnv(join(work, 'data'), { GATEWAY_RATE_LIMIT_PER_SECOND: '0', AUTH_MODE: 'off' });

let system: System | undefined;
let schemathesisProc: ReturnType<typeof Bun.spawn> | undefined;
let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  schemathesisProc?.kill('SIGTERM');
  await system?.process.stop();
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => void stop().finally(() => process.exit(130)));
}

let exitCode = 1;
let closing = ['fuzz: 0 passed, 1 failed'];
try {
  console.log(`fuzz: starting the all-in-one (gateway on port ${env.GATEWAY_PORT})`);
  system = await startSystem(env);
  const docUrl = `${system.gateway}/swagger/json`;
  // The gateway caches the merged document for a few seconds; one built while a module was still
  // registering leaves that module's operations out, and they would silently go untested.
  await eventually('every service in the OpenAPI document', async () => {
    const paths = Object.keys(((await (await fetch(docUrl)).json()) as { paths?: object }).paths ?? {});
    return PREFIXES.every((prefix) => paths.some((path) => path.startsWith(`${prefix}/v1/`)));
  }, 30_000);

  const report = join(work, 'report.json');
  // A Consistency-Token is issued by a command and carries a check: no generated string is a valid
  // one, so every read sent with one would be a (correct) 400. The header is left out of the copy of
  // the document schemathesis works from; consistency-token.e2e.test.ts covers it.
  const doc = withoutHeader((await (await fetch(docUrl)).json()) as OpenApiDocument, 'consistency-token');
  const docFile = join(work, 'openapi.json');
  await Bun.write(docFile, JSON.stringify(doc));
  const args = [...schemathesisArgs(docFile, options, { config: join(import.meta.dir, 'schemathesis.toml'), report }), '--url', system.gateway];
  console.log(`fuzz: schemathesis ${args.join(' ')}`);
  // Run in the temporary folder: whatever schemathesis or Hypothesis write goes away with it.
  schemathesisProc = Bun.spawn([bin, ...args], { cwd: work, stdout: 'inherit', stderr: 'inherit', stdin: 'ignore' });
  const code = await schemathesisProc.exited;

  const file = Bun.file(report);
  if (!(await file.exists())) throw new Error(`schemathesis exited ${code} without writing its report`);
  let summary = summarize(await file.text());
  // A failure the responses do not show (a background task, a swallowed error) is one all the same.
  const serverErrors = system.process.output().split('\n').filter((line) => line.includes('"level":"error"'));
  if (serverErrors.length) {
    console.log(`fuzz: the server logged ${serverErrors.length} error(s), the first:\n${serverErrors[0]}`);
    summary = { ...summary, ok: false, failed: summary.failed + serverErrors.length, problems: [...summary.problems, `server log: ${serverErrors.length} error(s)`] };
  }
  exitCode = code === 0 && summary.ok ? 0 : 1;
  closing = formatSummary(summary, options.seed);
} catch (error) {
  console.error(`fuzz: ${(error as Error).message}`);
} finally {
  await stop();
  rmSync(work, { recursive: true, force: true });
}
console.log(`\nfuzz: ${exitCode === 0 ? 'ok' : 'FAILED'}, ${((performance.now() - started) / 1000).toFixed(0)} s in all`);
console.log(closing.join('\n'));
process.exit(exitCode);

type OpenApiDocument = { paths?: Record<string, Record<string, { parameters?: { in?: string; name?: string }[] }>> };

/** The document with one request header taken out of every operation's parameters. */
function withoutHeader(doc: OpenApiDocument, header: string): OpenApiDocument {
  for (const item of Object.values(doc.paths ?? {})) {
    for (const op of Object.values(item)) {
      if (op && Array.isArray(op.parameters)) op.parameters = op.parameters.filter((p) => !(p.in === 'header' && p.name?.toLowerCase() === header));
    }
  }
  return doc;
}
