import type { Config } from '../config';
import type { Logger } from '../log';
import { noSpans, type SpanSink } from './spans';

export interface SpanExport {
  /** The sink of one module: its spans carry `service.name` = the module (unless OTEL_SERVICE_NAME says otherwise). */
  sinkFor(service: string): SpanSink;
  shutdown(): Promise<void>;
}

const none: SpanExport = { sinkFor: () => noSpans, shutdown: async () => {} };

/**
 * Span export when OTEL_EXPORTER_OTLP_ENDPOINT is set, nothing otherwise. The SDK is imported
 * here, on demand: a process without the variable never loads it (megabytes, in each process).
 */
export async function openSpanExport(tracing: Config['tracing'], log: Logger): Promise<SpanExport> {
  if (!tracing) return none;
  const { openOtlpExport } = await import('./otlp');
  log.info('exporting spans over OTLP', { endpoint: tracing.endpoint });
  return openOtlpExport(tracing);
}
