import { afterAll, expect, test } from 'bun:test';
import { openOtlpExport } from './otlp';
import { continueTrace, formatTraceparent } from './traceparent';

// A stand-in collector: the exporter's OTLP/HTTP JSON, as received.
const received: unknown[] = [];
const collector = Bun.serve({
  port: 0,
  hostname: '127.0.0.1',
  async fetch(request) {
    if (new URL(request.url).pathname === '/v1/traces') received.push(await request.json());
    return Response.json({});
  },
});
afterAll(() => collector.stop(true));

interface OtlpSpan { traceId: string; spanId: string; parentSpanId?: string; name: string; kind: number; links?: { traceId: string; spanId: string }[]; status?: { code?: number } }
type OtlpBody = { resourceSpans: { resource: { attributes: { key: string; value: { stringValue?: string } }[] }; scopeSpans: { spans: OtlpSpan[] }[] }[] };

function spansByService(): Map<string, OtlpSpan[]> {
  const out = new Map<string, OtlpSpan[]>();
  for (const body of received as OtlpBody[]) {
    for (const rs of body.resourceSpans) {
      const service = rs.resource.attributes.find((a) => a.key === 'service.name')!.value.stringValue!;
      for (const ss of rs.scopeSpans) out.set(service, [...(out.get(service) ?? []), ...ss.spans]);
    }
  }
  return out;
}

test('spans leave with the trace, span and parent ids the logs carry, one service per module', async () => {
  const otlp = openOtlpExport({ endpoint: `http://127.0.0.1:${collector.port}` });
  const root = continueTrace(undefined);
  const server = continueTrace(formatTraceparent(root));
  const producer = continueTrace(formatTraceparent(server));
  const now = Date.now();
  otlp.sinkFor('gateway').record({ name: 'POST /friend/**', kind: 'server', trace: root, startedAt: now - 5, endedAt: now });
  otlp.sinkFor('friend').record({ name: 'publish friend', kind: 'producer', trace: producer, startedAt: now - 2, endedAt: now, links: [formatTraceparent(server)], error: 'broker down' });
  await otlp.shutdown();

  const byService = spansByService();
  const [gatewaySpan] = byService.get('gateway')!;
  const [friendSpan] = byService.get('friend')!;
  expect(gatewaySpan).toMatchObject({ traceId: root.traceId, spanId: root.spanId, name: 'POST /friend/**', kind: 2 });
  expect(gatewaySpan!.parentSpanId || undefined).toBeUndefined();
  expect(friendSpan).toMatchObject({ traceId: root.traceId, spanId: producer.spanId, parentSpanId: server.spanId, kind: 4, status: { code: 2 } });
  expect(friendSpan!.links).toEqual([expect.objectContaining({ traceId: root.traceId, spanId: server.spanId })]);
});

test('an unsampled trace (by the caller, or at its root here) exports no span', async () => {
  received.length = 0;
  const otlp = openOtlpExport({ endpoint: `http://127.0.0.1:${collector.port}` });
  const unsampled = continueTrace(`00-${'a'.repeat(32)}-${'b'.repeat(16)}-00`);
  otlp.sinkFor('friend').record({ name: 'GET /x', kind: 'server', trace: unsampled, startedAt: Date.now() - 1, endedAt: Date.now() });
  // A root this system started and did not keep (OTEL_TRACES_SAMPLER_ARG) carries the same flag.
  otlp.sinkFor('gateway').record({ name: 'GET /y', kind: 'server', trace: { ...continueTrace(undefined), flags: '00' }, startedAt: Date.now() - 1, endedAt: Date.now() });
  await otlp.shutdown();
  expect(spansByService().size).toBe(0);
});
