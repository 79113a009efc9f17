/**
 * Span export through the OpenTelemetry JS SDK, over OTLP/HTTP (JSON). Imported only when
 * OTEL_EXPORTER_OTLP_ENDPOINT is set (see span-export.ts): without it the SDK never loads.
 *
 * The SDK makes its own ids; ours are already in the logs, the headers and the events. Its id
 * generator is therefore handed the ids of the span about to be started (start is synchronous, so
 * nothing can come between), and the parent goes in as a remote span context. The SDK still does
 * what it is good at: batching, retries, the OTLP encoding.
 */
import { context, SpanKind as OtelKind, SpanStatusCode, trace, TraceFlags, type Link, type SpanContext, type Tracer } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AlwaysOnSampler, BatchSpanProcessor, TracerProvider, type IdGenerator } from '@opentelemetry/sdk-trace';
import { parseTraceparent } from './traceparent';
import { keepsByRatio, type SpanKind, type SpanRecord, type SpanSink } from './spans';

const KINDS: Record<SpanKind, OtelKind> = { server: OtelKind.SERVER, internal: OtelKind.INTERNAL, producer: OtelKind.PRODUCER, consumer: OtelKind.CONSUMER };

/** Hands out the ids set just before `startSpan`. */
class GivenIds implements IdGenerator {
  traceId = '';
  spanId = '';
  generateTraceId = () => this.traceId;
  generateSpanId = () => this.spanId;
}

const remote = (traceId: string, spanId: string, flags: string): SpanContext => ({
  traceId,
  spanId,
  traceFlags: parseInt(flags, 16) & TraceFlags.SAMPLED,
  isRemote: true,
});

function linkOf(traceparent: string): Link | undefined {
  const parsed = parseTraceparent(traceparent);
  return parsed && { context: remote(parsed.traceId, parsed.spanId, parsed.flags) };
}

function sink(tracer: Tracer, ids: GivenIds, keepsRoot: (traceId: string) => boolean): SpanSink {
  return {
    enabled: true,
    keepsRoot,
    record(span: SpanRecord) {
      const { traceId, spanId, parentSpanId, flags } = span.trace;
      // The flag says it all: a caller's decision, or ours at the root (keepsRoot). Unsampled
      // spans never reach the SDK, which would otherwise keep a root whatever its flag.
      if (!(parseInt(flags, 16) & TraceFlags.SAMPLED)) return;
      ids.traceId = traceId;
      ids.spanId = spanId;
      // A root has no parent context; the id generator then hands the SDK our trace id too.
      const parent = parentSpanId ? trace.setSpanContext(context.active(), remote(traceId, parentSpanId, flags)) : context.active();
      const links = span.links?.map(linkOf).filter((l): l is Link => l !== undefined);
      const started = tracer.startSpan(span.name, { kind: KINDS[span.kind], startTime: span.startedAt, ...(span.attributes ? { attributes: span.attributes } : {}), ...(links?.length ? { links } : {}), root: !parentSpanId }, parent);
      if (span.error !== undefined) started.setStatus({ code: SpanStatusCode.ERROR, message: span.error });
      started.end(span.endedAt);
    },
  };
}

export interface OtlpExport {
  /** One sink per module: `service.name` is the module's. */
  sinkFor(service: string): SpanSink;
  /** Sends what is queued; called at shutdown. */
  shutdown(): Promise<void>;
}

export function openOtlpExport(options: { endpoint: string; serviceName?: string; sampleRatio?: number }): OtlpExport {
  const keepsRoot = keepsByRatio(options.sampleRatio ?? 1);
  const providers: TracerProvider[] = [];
  // One exporter (one HTTP agent) for all the modules of a process.
  const exporter = new OTLPTraceExporter({ url: `${options.endpoint}/v1/traces` });
  return {
    sinkFor(service) {
      const ids = new GivenIds();
      const provider = new TracerProvider({
        resource: resourceFromAttributes({ 'service.name': options.serviceName ?? service }),
        idGenerator: ids,
        // Unsampled spans are not handed over (see record); what is, the SDK keeps.
        sampler: new AlwaysOnSampler(),
        spanProcessors: [new BatchSpanProcessor({ exporter, scheduledDelayMillis: 1_000 })],
      });
      providers.push(provider);
      return sink(provider.getTracer('social-network'), ids, keepsRoot);
    },
    async shutdown() {
      // Flush every module's queue before the shared exporter is shut.
      await Promise.all(providers.map((p) => p.forceFlush()));
      await exporter.shutdown();
    },
  };
}
