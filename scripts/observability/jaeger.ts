// A throw-away Jaeger (v2, Apache-2.0) for tests and a look at traces: built once from the Go module
// proxy into a cache outside the work tree (CI clones afresh each run; the cache stays on the
// machine), started with in-memory storage, an OTLP/HTTP receiver and the query API on chosen ports.
//
//   bun scripts/observability/jaeger.ts [--otlp-port 4318] [--ui-port 16686]
//
// runs one in the foreground: export with OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4318 and
// look at http://127.0.0.1:16686 (Ctrl-C stops it).
import type { Subprocess } from 'bun';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { stopperOf } from './child-process.ts';

/** v1.75.0 of the module is Jaeger v2.12's `cmd/jaeger` (the module path kept its v1 major). */
export const JAEGER_VERSION = 'v1.75.0';
const cacheDir = process.env.SOCIAL_NETWORK_TOOLS_DIR ?? join(homedir(), '.cache', 'social-network-tools');

async function run(cmd: string[], cwd: string): Promise<void> {
  const proc = Bun.spawn(cmd, { cwd, env: { ...process.env, GOFLAGS: '-mod=mod' }, stdout: 'pipe', stderr: 'pipe' });
  const [out, err, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  if (code !== 0) throw new Error(`${cmd.join(' ')} failed (exit ${code})\n${out}${err}`.slice(0, 4_000));
}

/**
 * The jaeger binary, built on first use (about 4 minutes on 2 cores; later runs find it cached).
 * `go install pkg@version` refuses it (its go.mod has replace directives), so it is built as a
 * tool of a scratch module. Undefined when Go is not installed.
 */
export async function ensureJaeger(log: (line: string) => void = console.log): Promise<string | undefined> {
  const dir = join(cacheDir, `jaeger-${JAEGER_VERSION}`);
  const binary = join(dir, 'jaeger');
  if (existsSync(binary)) return binary;
  if (!Bun.which('go')) return undefined;
  log(`building Jaeger ${JAEGER_VERSION} from the Go module proxy (minutes, once; cached in ${dir})`);
  const scratch = mkdtempSync(join(tmpdir(), 'jaeger-build-'));
  try {
    await run(['go', 'mod', 'init', 'jaegerbuild'], scratch);
    await run(['go', 'get', '-tool', `github.com/jaegertracing/jaeger/cmd/jaeger@${JAEGER_VERSION}`], scratch);
    mkdirSync(dir, { recursive: true });
    // Built beside, then renamed: an interrupted build never leaves a half binary in the cache.
    await run(['go', 'build', '-o', `${binary}.partial`, 'github.com/jaegertracing/jaeger/cmd/jaeger'], scratch);
    await run(['mv', `${binary}.partial`, binary], scratch);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return binary;
}

/** OTLP/HTTP in, traces in memory, the query API and UI out; nothing else listens. */
export function jaegerConfig(ports: { otlp: number; ui: number; queryGrpc: number }): string {
  return `service:
  extensions: [jaeger_storage, jaeger_query]
  pipelines:
    traces:
      receivers: [otlp]
      processors: [batch]
      exporters: [jaeger_storage_exporter]
  telemetry:
    metrics:
      level: none
    logs:
      level: warn
extensions:
  jaeger_storage:
    backends:
      memory_store:
        memory:
          max_traces: 100000
  jaeger_query:
    storage:
      traces: memory_store
    http:
      endpoint: 127.0.0.1:${ports.ui}
    grpc:
      endpoint: 127.0.0.1:${ports.queryGrpc}
receivers:
  otlp:
    protocols:
      http:
        endpoint: 127.0.0.1:${ports.otlp}
processors:
  batch:
    timeout: 200ms
exporters:
  jaeger_storage_exporter:
    trace_storage: memory_store
`;
}

export interface RunningJaeger {
  /** For OTEL_EXPORTER_OTLP_ENDPOINT. */
  otlpEndpoint: string;
  /** The UI and its HTTP API (`/api/traces/{id}`, `/api/services`). */
  queryUrl: string;
  logFile: string;
  stop(): Promise<void>;
}

export async function startJaeger(binary: string, ports: { otlp: number; ui: number; queryGrpc: number }): Promise<RunningJaeger> {
  const dir = mkdtempSync(join(tmpdir(), 'jaeger-'));
  const configFile = join(dir, 'jaeger.yaml');
  const logFile = join(dir, 'jaeger.log');
  writeFileSync(configFile, jaegerConfig(ports));
  const proc: Subprocess = Bun.spawn([binary, '--config', configFile], { stdout: Bun.file(join(dir, 'jaeger.out')), stderr: Bun.file(logFile), stdin: 'ignore' });
  const queryUrl = `http://127.0.0.1:${ports.ui}`;
  const stop = stopperOf(proc, dir);
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`jaeger exited with ${proc.exitCode}: ${await Bun.file(logFile).text()}`);
    const up = await fetch(`${queryUrl}/api/services`, { signal: AbortSignal.timeout(1_000) }).then((r) => r.ok, () => false);
    if (up) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error('jaeger did not answer within 30 s');
    }
    await Bun.sleep(200);
  }
  return { otlpEndpoint: `http://127.0.0.1:${ports.otlp}`, queryUrl, logFile, stop };
}

if (import.meta.main) {
  const flag = (name: string, fallback: number) => {
    const at = process.argv.indexOf(name);
    return at === -1 ? fallback : Number(process.argv[at + 1]);
  };
  const binary = await ensureJaeger();
  if (!binary) throw new Error('Jaeger is built with Go: install Go first');
  const jaeger = await startJaeger(binary, { otlp: flag('--otlp-port', 4318), ui: flag('--ui-port', 16686), queryGrpc: flag('--query-grpc-port', 16685) });
  console.log(`Jaeger ${JAEGER_VERSION}: OTEL_EXPORTER_OTLP_ENDPOINT=${jaeger.otlpEndpoint}, UI ${jaeger.queryUrl} (Ctrl-C stops it)`);
  process.on('SIGINT', () => void jaeger.stop().then(() => process.exit(0)));
  await new Promise(() => {});
}
