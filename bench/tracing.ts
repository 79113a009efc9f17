// What span export costs per request: the same module app (createHttpApp, one JSON route) served
// through `app.handle` with export off (OTEL_EXPORTER_OTLP_ENDPOINT unset: the no-op sink) and on
// (the OpenTelemetry SDK, batching to an OTLP/HTTP collector: a local stand-in that accepts and
// drops, or Jaeger with --endpoint). Rounds alternate off/on so other load on the machine hits both
// alike; the cost of sending the batches runs on the same thread and is inside the "on" figure.
//
//   bun bench/tracing.ts [--requests 20000] [--rounds 5] [--endpoint http://127.0.0.1:4318]
import { createHttpApp } from '../src/platform/http/app';
import { silentLogger } from '../src/platform/log';
import { Metrics } from '../src/platform/metrics/metrics';
import { openOtlpExport } from '../src/platform/tracing/otlp';

const flag = (name: string, fallback: string) => {
  const at = process.argv.indexOf(name);
  return at === -1 ? fallback : process.argv[at + 1]!;
};
const requests = Number(flag('--requests', '20000'));
const rounds = Number(flag('--rounds', '5'));

let received = 0;
const sinkServer = Bun.serve({
  port: 0,
  hostname: '127.0.0.1',
  async fetch(request) {
    received += (await request.arrayBuffer()).byteLength;
    return Response.json({});
  },
});
const endpoint = flag('--endpoint', `http://127.0.0.1:${sinkServer.port}`);

function appWith(metrics: Metrics) {
  return createHttpApp({ name: 'bench', log: silentLogger, health: async () => true, metrics }).get('/v1/things/:id', ({ params }) => ({ id: params.id }));
}

const otlp = openOtlpExport({ endpoint });
const apps = { off: appWith(new Metrics({ service: 'bench' })), on: appWith(new Metrics({ service: 'bench', spans: otlp.sinkFor('bench') })) };

/** Microseconds per request, requests one after another in batches of 32 (a caller's traceparent on half, as behind the gateway). */
async function measure(app: ReturnType<typeof appWith>): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < requests; i++) {
    const headers: Record<string, string> = i % 2 ? { traceparent: `00-${'1'.repeat(31)}${i % 10}-${'2'.repeat(16)}-01` } : {};
    const res = await app.handle(new Request(`http://localhost/v1/things/${i}`, { headers }));
    await res.arrayBuffer();
    // A server yields to the event loop between requests; without it the exporter's sends could
    // not run and the SDK would drop spans (its queue holds 2048) instead of exporting them.
    if (i % 32 === 31) await new Promise((resolve) => setImmediate(resolve));
  }
  return ((performance.now() - started) * 1000) / requests;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
await measure(apps.off);
await measure(apps.on); // warm-up: JIT and the SDK's first batches
const figures = { off: [] as number[], on: [] as number[] };
for (let r = 0; r < rounds; r++) {
  figures.off.push(await measure(apps.off));
  figures.on.push(await measure(apps.on));
}
const flushStarted = performance.now();
await otlp.shutdown();
const flushMs = performance.now() - flushStarted;
sinkServer.stop(true);

const off = median(figures.off);
const on = median(figures.on);
console.log(`span export cost per request (app.handle, ${requests} requests x ${rounds} rounds, median of rounds)`);
console.log(`  export off : ${off.toFixed(2)} us/request  (${Math.round(1e6 / off)} req/s on one core)`);
console.log(`  export on  : ${on.toFixed(2)} us/request  (${Math.round(1e6 / on)} req/s on one core)`);
console.log(`  added      : ${(on - off).toFixed(2)} us/request (${(((on - off) / off) * 100).toFixed(1)} %)`);
console.log(`  rounds off : ${figures.off.map((x) => x.toFixed(1)).join(' ')}`);
console.log(`  rounds on  : ${figures.on.map((x) => x.toFixed(1)).join(' ')}`);
if (!process.argv.includes('--endpoint')) console.log(`  collector received ${(received / 1e6).toFixed(1)} MB of OTLP JSON; final flush ${flushMs.toFixed(0)} ms`);
